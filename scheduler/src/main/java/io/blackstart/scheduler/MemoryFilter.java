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
    public boolean passes(PlacementPolicy.Candidate c, PlacementPolicy.HostState h) {
        return c.memoryMb() <= h.freeMemoryMb();
    }

    @Override
    public String reason(PlacementPolicy.Candidate c, PlacementPolicy.HostState h) {
        return "needs " + c.memoryMb() + " MiB, host has " + h.freeMemoryMb() + " MiB free";
    }

    @Override
    public boolean mayPassLater() {
        return true;
    }
}
