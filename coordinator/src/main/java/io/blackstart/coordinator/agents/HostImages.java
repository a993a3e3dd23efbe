package io.blackstart.coordinator.agents;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The image set of each host's latest report, built again only when the agent's image list changes.
 *
 * <p>Every agent report lists all the images of its host (hundreds on a busy host) and the ledger wants them as a
 * set; the list rarely changes (only when a pull ends or the image GC runs), so the set of the previous report is
 * reused while the list is equal to the previous one. Pure and single-threaded.
 */
public final class HostImages {

    private record Memo(List<String> list, Set<String> set) {
    }

    private final Map<String, Memo> byNode = new HashMap<>();

    /** The images of {@code nodeId} as an immutable set. */
    public Set<String> of(String nodeId, List<String> images) {
        Memo m = byNode.get(nodeId);
        if (m == null || (m.list() != images && !m.list().equals(images))) {
            m = new Memo(images, Set.copyOf(images));
            byNode.put(nodeId, m);
        }
        return m.set();
    }

    /** The host is gone. */
    public void forget(String nodeId) {
        byNode.remove(nodeId);
    }
}
