package io.blackstart.coordinator.api;

import io.blackstart.coordinator.status.StatusSnapshot;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What changed between two consecutive snapshots, as the events of {@code GET /api/v1/events}: instance state
 * changes and mode changes. Pure.
 */
public final class SnapshotDiff {

    /** An instance went from one state to another ({@code from} is null for a newly desired instance). */
    record StateChange(String instanceId, String appId, String tier, String from, String to, String nodeId,
                       String failure) {
    }

    /** The mode changed (or who holds it: an operator's command on the mode in force). */
    record ModeChange(String mode, String by, long since) {
    }

    /** The changes; {@code omitted} counts state changes left out beyond the limit. */
    record Changes(List<StateChange> states, int omitted, ModeChange mode) {
    }

    private SnapshotDiff() {
    }

    /**
     * @param before the previous snapshot, null for none (then nothing changed: a client gets the whole picture
     *               from the first progress event)
     * @param limit  most state changes returned
     */
    static Changes between(StatusSnapshot before, StatusSnapshot after, int limit) {
        if (before == null) {
            return new Changes(List.of(), 0, null);
        }
        Map<String, StatusSnapshot.InstanceStatus> old = new HashMap<>();
        before.instances().forEach(i -> old.put(i.instanceId(), i));
        List<StateChange> states = new ArrayList<>();
        int omitted = 0;
        for (StatusSnapshot.InstanceStatus i : after.instances()) {
            StatusSnapshot.InstanceStatus o = old.get(i.instanceId());
            if (o == null || !o.state().equals(i.state()) || !Objects.equals(o.nodeId(), i.nodeId())) {
                if (states.size() < limit) {
                    states.add(new StateChange(i.instanceId(), i.appId(), i.tier(), o == null ? null : o.state(),
                            i.state(), i.nodeId(), i.failure()));
                } else {
                    omitted++;
                }
            }
        }
        ModeChange mode = before.mode().equals(after.mode()) && before.modeSince() == after.modeSince()
                && Objects.equals(before.modeBy(), after.modeBy()) ? null
                : new ModeChange(after.mode(), after.modeBy(), after.modeSince());
        return new Changes(states, omitted, mode);
    }
}
