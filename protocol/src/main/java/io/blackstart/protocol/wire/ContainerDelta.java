package io.blackstart.protocol.wire;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What changed in a host's containers between two agent reports: the containers that are new or changed (state,
 * since, container id) and the instance ids no longer listed. An agent sends it as a delta report; the coordinator
 * applies it to the containers of the previous report. Pure.
 *
 * @param changed containers added or changed since the previous report
 * @param gone    instance ids the previous report listed and this one does not
 */
public record ContainerDelta(List<ContainerInfo> changed, List<String> gone) {

    public ContainerDelta {
        changed = List.copyOf(changed);
        gone = List.copyOf(gone);
    }

    /** The delta that turns {@code before} into {@code now} (both keyed by instance id). */
    public static ContainerDelta between(Map<String, ContainerInfo> before, Map<String, ContainerInfo> now) {
        List<ContainerInfo> changed = new ArrayList<>();
        for (ContainerInfo c : now.values()) {
            ContainerInfo b = before.get(c.instanceId());
            if (b == null || !b.equals(c)) {
                changed.add(c);
            }
        }
        List<String> gone = new ArrayList<>();
        for (String id : before.keySet()) {
            if (!now.containsKey(id)) {
                gone.add(id);
            }
        }
        return new ContainerDelta(changed, gone);
    }

    /** Applies this delta to {@code containers} (keyed by instance id), in place. */
    public void applyTo(Map<String, ContainerInfo> containers) {
        gone.forEach(containers::remove);
        for (ContainerInfo c : changed) {
            containers.put(c.instanceId(), c);
        }
    }
}
