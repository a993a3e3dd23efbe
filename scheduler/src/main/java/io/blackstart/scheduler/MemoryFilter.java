package io.blackstart.scheduler;

/**
 * Rejects a candidate whose memory exceeds what the host has free: the memory it reported available minus the
 * memory of starts the ledger has outstanding on it. Never overcommits; may pass later when memory frees up.
 */
public final class MemoryFilter implements PlacementFilter {

    @Override
    public String name() {
        return "memory";
    }

    @Override
    public String reject(PlacementPolicy.Candidate c, PlacementPolicy.HostState h) {
        return c.memoryMb() > h.freeMemoryMb()
                ? "needs " + c.memoryMb() + " MiB, host has " + h.freeMemoryMb() + " MiB free"
                : null;
    }

    @Override
    public boolean mayPassLater() {
        return true;
    }
}
