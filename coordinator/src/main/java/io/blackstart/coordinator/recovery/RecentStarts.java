package io.blackstart.coordinator.recovery;

import io.blackstart.protocol.wire.ContainerHealth;
import io.blackstart.protocol.wire.ContainerInfo;
import io.blackstart.protocol.wire.ContainerState;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Starts confirmed moments ago, to read agent reports in the right order.
 *
 * <p>A start's outcome travels from the agent straight to the recovery manager, while the agent's reports go
 * through a gateway and the singleton proxy: a report written just before the container came up can arrive
 * after the outcome. Taken at face value it says "container gone" and the ledger would start the instance again
 * elsewhere. So for {@code graceMillis} after a confirmed start, a report from that host that does not show the
 * container running is read as if it did, until a report shows it running (reports arrive in their order, so the
 * next ones were written after the start); then, or after the grace, reports are the truth again (a container killed
 * right after its start is noticed by the report of its stop). Pure and single-threaded; {@code now} comes in.
 */
public final class RecentStarts {

    private record Started(ContainerInfo container, long atMillis) {
    }

    private final long graceMillis;
    private final Map<String, Map<String, Started>> byNode = new HashMap<>();

    RecentStarts(long graceMillis) {
        this.graceMillis = graceMillis;
    }

    /**
     * A start of {@code instanceId} on {@code nodeId} was confirmed, its container in {@code health} (a checked
     * container stands in as not ready yet: only the agent's probes can make it ready).
     */
    void started(String nodeId, String instanceId, String appId, String containerId, String image,
                 ContainerHealth health, long now) {
        byNode.computeIfAbsent(nodeId, n -> new HashMap<>()).put(instanceId, new Started(new ContainerInfo(instanceId,
                appId, containerId, image, ContainerState.RUNNING, now, health, null), now));
    }

    /** The host is gone: forget its starts. */
    void forget(String nodeId) {
        byNode.remove(nodeId);
    }

    /** The report's containers, with recently started ones shown running. */
    List<ContainerInfo> containers(String nodeId, List<ContainerInfo> reported, long now) {
        Map<String, Started> recent = byNode.get(nodeId);
        if (recent == null) {
            return reported;
        }
        recent.values().removeIf(s -> now - s.atMillis() >= graceMillis);
        for (ContainerInfo c : reported) {
            if (c.state() == ContainerState.RUNNING) {
                recent.remove(c.instanceId()); // the reports caught up with this start: the next ones are the truth
            }
        }
        if (recent.isEmpty()) {
            // taken as it is (no copy per report, and the ledger can tell an unchanged container list by identity)
            byNode.remove(nodeId);
            return reported;
        }
        List<ContainerInfo> out = new ArrayList<>(reported.size() + recent.size());
        Map<String, Started> missing = new HashMap<>(recent);
        for (ContainerInfo c : reported) {
            Started s = missing.remove(c.instanceId());
            out.add(s != null && c.state() != ContainerState.RUNNING ? s.container() : c);
        }
        missing.values().forEach(s -> out.add(s.container()));
        return out;
    }
}
