package io.blackstart.coordinator.tracker;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;

/**
 * Which hosts the platform had and which of them are not reporting: a host that joined and was lost is
 * {@link MissingHost#LOST} from that moment; a host named by etcd's assignment records when the recovery manager
 * started (where instances ran before the blackout) that has not joined is {@link MissingHost#NEVER_RETURNED}. A
 * host that joins leaves the list. Pure and single-threaded; {@code at} comes in with every call.
 *
 * <p>Bounded by its sources: hosts that joined are cluster members, expected hosts come from the assignment
 * records, one per desired instance at most.
 */
final class HostRoll {

    private final Set<String> reporting = new HashSet<>();
    private final TreeMap<String, MissingHost> missing = new TreeMap<>();

    void joined(String nodeId) {
        reporting.add(nodeId);
        missing.remove(nodeId);
    }

    void lost(String nodeId, long at) {
        reporting.remove(nodeId);
        missing.put(nodeId, new MissingHost(nodeId, MissingHost.LOST, at));
    }

    /** Hosts where instances were placed before: each one not reporting and not known missing is expected. */
    void expected(Collection<String> nodeIds, long at) {
        for (String n : nodeIds) {
            if (n != null && !n.isEmpty() && !reporting.contains(n) && !missing.containsKey(n)) {
                missing.put(n, new MissingHost(n, MissingHost.NEVER_RETURNED, at));
            }
        }
    }

    /** The hosts not reporting, by node id. */
    List<MissingHost> missing() {
        return new ArrayList<>(missing.values());
    }
}
