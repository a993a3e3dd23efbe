package io.blackstart.drill;

import java.util.ArrayList;
import java.util.List;

/**
 * Host metrics as a monitoring system serves them: refreshed every {@link #REFRESH_SECONDS} seconds, then frozen
 * until the next refresh — placements made in between do not show. Lists the hosts that were up at the refresh with
 * their free memory at that moment, most free first (ties by host index).
 */
final class HostSnapshot {

    /** The incident's metrics refresh period. */
    static final double REFRESH_SECONDS = 30;

    final int[] hosts;
    final long[] freeMemoryMb;

    private HostSnapshot(int[] hosts, long[] freeMemoryMb) {
        this.hosts = hosts;
        this.freeMemoryMb = freeMemoryMb;
    }

    /** How many hosts of the snapshot show at least {@code need} MiB free: they are {@code hosts[0..result)}. */
    int fitting(long need) {
        int lo = 0;
        int hi = hosts.length;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (freeMemoryMb[hosts[mid]] >= need) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    static HostSnapshot take(Simulation sim) {
        World w = sim.world;
        List<Integer> up = new ArrayList<>();
        for (int h = 0; h < w.hosts(); h++) {
            if (sim.isUp(h)) {
                up.add(h);
            }
        }
        long[] free = new long[w.hosts()];
        for (int h : up) {
            free[h] = w.memoryMb[h] - sim.memoryUsed(h);
        }
        up.sort((a, b) -> free[a] != free[b] ? Long.compare(free[b], free[a]) : Integer.compare(a, b));
        return new HostSnapshot(up.stream().mapToInt(Integer::intValue).toArray(), free);
    }

    /** Starts the periodic refresh: {@code onRefresh} receives each new snapshot, the first at t = 0. */
    static void every(Simulation sim, BaselineScheduler owner, java.util.function.Consumer<HostSnapshot> onRefresh) {
        Runnable[] refresh = new Runnable[1];
        refresh[0] = () -> {
            if (owner.finished()) {
                return;
            }
            onRefresh.accept(take(sim));
            owner.requestDispatch();
            sim.schedule(sim.now() + REFRESH_SECONDS, refresh[0]);
        };
        sim.schedule(sim.now(), refresh[0]);
    }
}
