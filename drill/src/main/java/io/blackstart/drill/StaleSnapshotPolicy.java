package io.blackstart.drill;

/**
 * Baseline {@code stale-snapshot}: the scheduler of the incident. It "is designed to always choose the most available
 * nodes": it sorts the hosts by free resources from monitoring metrics refreshed every ~30 s and sends each restart
 * to the top host — so every restart within one refresh period goes to the same host ("all applications were
 * scheduled on a handful of servers, leading to timeout errors"). Hosts that came back since the last refresh are
 * unknown to it. No pacing. A host whose snapshot shows too little free memory for the instance is skipped (the
 * snapshot's numbers, not updated by its own placements).
 */
final class StaleSnapshotPolicy extends SnapshotBaseline {

    static final String NAME = "stale-snapshot";

    StaleSnapshotPolicy(long seed) {
        super(seed);
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    protected int chooseHost(int instance) {
        if (snapshot == null) {
            return -1;
        }
        // the snapshot is sorted by free memory: the top host is the only candidate that can fit
        if (snapshot.hosts.length == 0) {
            return -1;
        }
        int top = snapshot.hosts[0];
        return snapshot.freeMemoryMb[top] >= w.memory(instance) ? top : -1;
    }
}
