package io.blackstart.drill;

/**
 * A baseline that places from the stale metrics snapshot (refreshed every 30 s, as in the incident) rather than
 * from live state: {@code stale-snapshot}, {@code random} and {@code p2c}. {@link #snapshot} is null until the first
 * refresh.
 */
abstract class SnapshotBaseline extends BaselineScheduler {

    /** The latest metrics snapshot, or null before the first one. */
    protected HostSnapshot snapshot;

    SnapshotBaseline(long seed) {
        super(seed);
    }

    @Override
    protected void started() {
        HostSnapshot.every(sim, this, s -> snapshot = s);
    }
}
