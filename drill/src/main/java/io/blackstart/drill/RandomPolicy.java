package io.blackstart.drill;

/**
 * Baseline {@code random}: each restart to a host drawn uniformly among those in the latest metrics snapshot (the
 * hosts known up, refreshed every 30 s) whose snapshot shows enough free memory. The classic reference point of
 * load balancing: no herd, but no knowledge of load either. No pacing.
 */
final class RandomPolicy extends SnapshotBaseline {

    static final String NAME = "random";

    RandomPolicy(long seed) {
        super(seed);
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    protected int chooseHost(int instance) {
        return pick(snapshot, w.memory(instance), random);
    }

    /** A uniformly random host of the snapshot with enough free memory in it, or -1. O(log hosts). */
    static int pick(HostSnapshot snapshot, long need, java.util.SplittableRandom random) {
        if (snapshot == null) {
            return -1;
        }
        int fits = snapshot.fitting(need);
        return fits == 0 ? -1 : snapshot.hosts[random.nextInt(fits)];
    }
}
