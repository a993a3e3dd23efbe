package io.blackstart.drill;

/**
 * Baseline {@code stale-snapshot}: the scheduler of the incident. It "is designed to always choose the most available
 * nodes": it sorts the hosts by free resources from monitoring metrics refreshed every ~30 s and sends each restart
 * to the most available hosts — "only the subset of the nodes considered the most available were ordered to start
 * containers. Consequently, all applications were scheduled on a handful of servers, leading to timeout errors".
 * Modelled as: each restart goes to one of the top {@value #HANDFUL} hosts of the snapshot (by free memory, among
 * those whose snapshot shows room for it), uniformly — every restart of one refresh period lands on the same handful.
 * Hosts that came back since the last refresh are unknown to it. No pacing. The snapshot's numbers are not updated
 * by its own placements; Docker does not refuse a create for the host's free memory, so an overcommitted host takes
 * the start and its kernel OOM-kills it when it has booted (the Simulation's physics). Timeouts are honoured
 * ({@link BaselineScheduler}).
 */
final class StaleSnapshotPolicy extends SnapshotBaseline {

    static final String NAME = "stale-snapshot";
    /** Hosts at the top of the snapshot that take the restarts of one refresh period. */
    static final int HANDFUL = 5;

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
        // the snapshot is sorted by free memory: the first HANDFUL hosts with room for the instance are the candidates
        int n = Math.min(HANDFUL, snapshot.fitting(w.memory(instance)));
        return n == 0 ? -1 : snapshot.hosts[random.nextInt(n)];
    }
}
