package io.blackstart.drill;

import io.blackstart.protocol.Tier;

import java.util.Arrays;

/**
 * The makespan no policy can beat on a given {@link World} (DESIGN.md, "Performance model").
 *
 * <p>For a group of instances, the bound is the larger of
 * <ul>
 *   <li><i>chain</i>: the longest dependency chain, each link costing the fastest solo start plus the app's boot;</li>
 *   <li><i>capacity and pulls</i>: the earliest T at which (a) the start capacity of the hosts that are back,
 *       accumulated since each came back ({@code knee / soloStart} starts/s), covers every start of the group, plus
 *       the group's shortest boot; (b) the cores of those hosts, likewise accumulated, cover the boot work of the
 *       group (boot times are CPU work, one core per app at most); (c) the memory of the hosts back by T holds
 *       every instance up by then (instances never stop once up); and (d) the registry (pulls begin at the first return) could have delivered, by T,
 *       one copy of every image of the group that no host back by T holds.</li>
 * </ul>
 * The platform tier's bound and the rest's are computed separately and added (the platform gate is part of the
 * contract); the rest's capacity counts a host from {@code max(its return, platform bound)}. Each condition is
 * necessary for any schedule, so the sum is a true lower bound.
 *
 * <p><b>Readiness</b> (when the world models it; an instance is up at ready): an app cannot run before every
 * dependency ran plus its own start and boot (every policy orders a dependant after its dependencies at least run),
 * and cannot be ready before that plus its ready delay, nor before every dependency is ready plus its ready delay
 * (a dependant that boots before its dependencies are ready crash-exits): along a chain, run(a) = max run(dep) +
 * fastest solo start + boot(a), ready(a) = max(run(a), max ready(dep)) + ready(a). The capacity condition ends the
 * engine phase at T minus the smallest boot + ready delay. The other tiers start when the platform tier runs (the
 * baselines' gate opens at running; Blackstart's at ready, later), so their clock starts at the platform's
 * running bound, and the total is the larger of the platform's ready bound and the rest's. Without readiness every
 * delay is 0 and this is the bound above, to the bit.
 *
 * <p><b>etcd outage</b>: not counted. {@code blackstart} journals through it, so a policy-independent bound
 * cannot; the makespan of a policy that stops in the outage shows its cost against the same bound.
 *
 * @param platformSeconds bound of the platform tier (up: ready, with readiness)
 * @param restSeconds     bound of the other tiers, after the platform's (with readiness: after the platform's
 *                        running bound)
 * @param totalSeconds    {@code platformSeconds + restSeconds} (with readiness: the larger of
 *                        {@code platformSeconds} and the platform's running bound + {@code restSeconds})
 */
public record LowerBound(double platformSeconds, double restSeconds, double totalSeconds) {

    static LowerBound of(World w) {
        boolean[] platform = new boolean[w.apps.length];
        for (int a = 0; a < w.apps.length; a++) {
            platform[a] = w.apps[a].tier() == Tier.PLATFORM;
        }
        // the earliest time some host that comes back holds each app's image
        double[] heldAt = new double[w.apps.length];
        Arrays.fill(heldAt, Double.POSITIVE_INFINITY);
        for (int h = 0; h < w.hosts(); h++) {
            if (w.returns(h)) {
                for (int a = w.images[h].nextSetBit(0); a >= 0; a = w.images[h].nextSetBit(a + 1)) {
                    heldAt[a] = Math.min(heldAt[a], w.returnAt[h]);
                }
            }
        }
        double p = group(w, platform, heldAt, 0, memoryOf(w, platform), w.readiness());
        // the gate opens when the platform runs: without readiness that is when it is up
        double pRunning = w.readiness() ? group(w, platform, heldAt, 0, memoryOf(w, platform), false) : p;
        boolean[] rest = new boolean[w.apps.length];
        for (int a = 0; a < w.apps.length; a++) {
            rest[a] = !platform[a];
        }
        boolean[] all = new boolean[w.apps.length];
        Arrays.fill(all, true);
        double r = group(w, rest, heldAt, pRunning, memoryOf(w, all), w.readiness());
        return new LowerBound(p, r, Math.max(p, pRunning + r));
    }

    private static long memoryOf(World w, boolean[] member) {
        long m = 0;
        for (int a = 0; a < w.apps.length; a++) {
            if (member[a]) {
                m += w.apps[a].memoryMb() * w.apps[a].instances();
            }
        }
        return m;
    }

    /**
     * Bound for the apps in {@code member}, on a clock starting at {@code start}; returned relative to start.
     * {@code memory}: what must be running at once when the group is done (instances never stop once up).
     */
    private static double group(World w, boolean[] member, double[] heldAt, double start, long memory,
                                boolean ready) {
        long starts = 0;
        double bootWork = 0;
        double minBoot = Double.POSITIVE_INFINITY;
        for (int a = 0; a < w.apps.length; a++) {
            if (member[a] && w.apps[a].instances() > 0) {
                starts += w.apps[a].instances();
                bootWork += w.apps[a].instances() * w.bootSeconds[a];
                // after its engine phase an instance still boots, then (with readiness) waits to be ready
                minBoot = Math.min(minBoot, w.bootSeconds[a] + (ready ? w.readySeconds(a) : 0));
            }
        }
        if (starts == 0) {
            return 0;
        }
        double minSolo = Double.POSITIVE_INFINITY;
        double firstReturn = Double.POSITIVE_INFINITY;
        for (int h = 0; h < w.hosts(); h++) {
            if (w.returns(h)) {
                minSolo = Math.min(minSolo, w.soloStartSeconds[h]);
                firstReturn = Math.min(firstReturn, w.returnAt[h]);
            }
        }
        if (firstReturn == Double.POSITIVE_INFINITY) {
            return Double.POSITIVE_INFINITY;
        }
        double chain = chain(w, member, minSolo, ready);
        // the smallest T (absolute) meeting capacity and pulls, by bisection: both conditions are monotone in T
        final long n = starts;
        final double boot = minBoot;
        final double work = bootWork;
        double lo = start;
        double hi = start + 1;
        while (!feasible(w, member, heldAt, n, work, memory, boot, start, firstReturn, hi)) {
            hi = start + 2 * (hi - start);
            if (hi > 1e9) {
                return Double.POSITIVE_INFINITY;
            }
        }
        for (int k = 0; k < 60; k++) {
            double mid = (lo + hi) / 2;
            if (feasible(w, member, heldAt, n, work, memory, boot, start, firstReturn, mid)) {
                hi = mid;
            } else {
                lo = mid;
            }
        }
        return Math.max(chain, hi - start);
    }

    private static boolean feasible(World w, boolean[] member, double[] heldAt, long starts, double bootWork, long memory, double minBoot, double start,
                                    double firstReturn, double t) {
        double engineEnd = t - minBoot;
        double capacity = 0;
        double coreSeconds = 0;
        long memoryBack = 0;
        for (int h = 0; h < w.hosts(); h++) {
            if (w.returns(h)) {
                if (w.returnAt[h] <= t) {
                    memoryBack += w.memoryMb[h];
                }
                double from = Math.max(w.returnAt[h], start);
                if (engineEnd > from) {
                    capacity += w.startCapacity(h) * (engineEnd - from);
                }
                if (t > from) {
                    coreSeconds += w.cores[h] * (t - from);
                }
            }
        }
        if (capacity < starts || coreSeconds < bootWork || memoryBack < memory) {
            return false;
        }
        double bytes = 0;
        double largest = 0;
        for (int a = 0; a < w.apps.length; a++) {
            if (!member[a] || w.apps[a].instances() == 0) {
                continue;
            }
            if (heldAt[a] > t) {
                bytes += w.imageMb[a];
                largest = Math.max(largest, w.imageMb[a]);
            }
        }
        double pullWindow = t - firstReturn;
        return bytes / w.model.registryMBps(w.hosts()) <= pullWindow && largest / w.model.hostLinkMBps() <= pullWindow;
    }

    /**
     * Longest chain along dependencies within the group: of (fastest solo start + boot) to running, and with
     * {@code ready} to ready (see the class comment).
     */
    private static double chain(World w, boolean[] member, double minSolo, boolean ready) {
        double[] run = new double[w.apps.length];
        double[] up = new double[w.apps.length];
        Arrays.fill(run, -1);
        double best = 0;
        for (int a = 0; a < w.apps.length; a++) {
            if (member[a] && w.apps[a].instances() > 0) {
                chainFrom(w, member, a, minSolo, ready, run, up);
                best = Math.max(best, up[a]);
            }
        }
        return best;
    }

    private static void chainFrom(World w, boolean[] member, int a, double minSolo, boolean ready, double[] run,
                                  double[] up) {
        if (run[a] >= 0) {
            return;
        }
        double depsRun = 0;
        double depsUp = 0;
        for (int d : w.dependsOn[a]) {
            if (member[d] && w.apps[d].instances() > 0) {
                chainFrom(w, member, d, minSolo, ready, run, up);
                depsRun = Math.max(depsRun, run[d]);
                depsUp = Math.max(depsUp, up[d]);
            }
        }
        run[a] = depsRun + minSolo + w.bootSeconds[a];
        up[a] = ready ? Math.max(run[a], depsUp) + w.readySeconds(a) : run[a];
    }
}
