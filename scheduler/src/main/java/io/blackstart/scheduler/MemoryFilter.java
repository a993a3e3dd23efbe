package io.blackstart.scheduler;

/**
 * Rejects a candidate whose memory exceeds what the host has free: the memory it reported available minus the
 * memory of starts the ledger has outstanding on it. Never overcommits.
 */
public final class MemoryFilter implements PlacementFilter {

    @Override
    public boolean passes(PlacementPolicy.Candidate c, PlacementPolicy.HostState h) {
        return c.memoryMb() <= h.freeMemoryMb();
    }
}
