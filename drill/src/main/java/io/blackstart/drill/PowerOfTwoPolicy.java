package io.blackstart.drill;

/**
 * Baseline {@code p2c}: power of two choices on the stale snapshot (Mitzenmacher; Sparrow's probes; Nomad scores
 * only two random nodes for batch jobs). Each restart draws two hosts at random from the latest snapshot (refreshed
 * every 30 s; among those whose snapshot shows enough memory) and goes to the one the snapshot shows with more free
 * memory. Robust to stale data — the best herd-free policy without live state. No pacing.
 */
final class PowerOfTwoPolicy extends SnapshotBaseline {

    static final String NAME = "p2c";

    PowerOfTwoPolicy(long seed) {
        super(seed);
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    protected int chooseHost(int instance) {
        long need = w.memory(instance);
        int a = RandomPolicy.pick(snapshot, need, random);
        if (a < 0) {
            return -1;
        }
        int b = RandomPolicy.pick(snapshot, need, random);
        return snapshot.freeMemoryMb[b] > snapshot.freeMemoryMb[a] ? b : a;
    }
}
