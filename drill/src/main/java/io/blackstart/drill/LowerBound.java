package io.blackstart.drill;

import io.blackstart.protocol.Tier;

import java.util.Arrays;

/**
 * The makespan no policy can beat on a given {@link World} (DESIGN.md, "Performance model"): two figures, one for
 * the policies that honour the platform gate ({@link #totalSeconds}) and one for every schedule the
 * {@link Simulation}'s physics admits, gated or not ({@link #ungatedSeconds}).
 *
 * <p><b>The physics used</b> (each a fact of {@link Simulation}): a start is sent only to a host that is back
 * ({@code returnAt}) and reserves its memory there on arrival, never above the host's memory; a host's engine
 * completes at most {@code knee / soloStart} starts per second in all (processor sharing, each start at most
 * {@code 1 / soloStart}), so by {@code from + x} at most {@code floor(knee · x / soloStart)} starts, and none before
 * {@code from + soloStart}; a boot is CPU work at most one core per app, at most {@code cores} core-seconds per
 * second per host; a missing image is pulled before the engine phase, every pull at most the host link, all at most
 * the registry in total; with readiness an instance is up {@code readySeconds} after its boot, and only if every
 * dependency had a ready instance when the boot ended. Assumed of every policy, as before: an instance that is up
 * stays up in the container it came up in (policies stop only duplicates, the later copy: {@code Ledger} and
 * {@code BaselineScheduler} do), so at the makespan T every instance holds its memory on some host.
 *
 * <p>For a group G of instances whose starts begin at {@code start} (G's clock), with {@code L(i) = boot + ready
 * delay} of i's app, T is infeasible unless all of the following hold (each necessary, so the smallest feasible T,
 * found by bisection — every condition is monotone in T — is a lower bound):
 * <ol>
 *   <li><i>Chain</i> (see below).</li>
 *   <li><i>Late hosts</i> — memory and start capacity jointly. For every return time ρ (and ρ = −∞), split the
 *       hosts into early ({@code returnAt < ρ}) and late. At T every instance of G holds its memory, early hosts
 *       hold at most their memory, so the instances of G on late hosts hold at least
 *       {@code D(ρ) = mem(G) − mem(early)} MB. Each of them arrived on its late host h after
 *       {@code from(h) = max(returnAt(h), start)}, went through h's engine and booted by T − L(i). Hence, for every
 *       threshold b (a few quantiles of L, and its minimum):
 *       <ul>
 *         <li>(a) <i>start capacity</i>: the instances on late hosts with L ≥ b are at least
 *             {@code k_b(D − mem{L < b})} (the fewest instances of G with L ≥ b, largest memory first, that hold
 *             that much), and each went through a late engine by T − b: {@code Σ_late floor(cap(h)·(T − b −
 *             from(h)))} (0 below one solo start) must cover them;</li>
 *         <li>(b) <i>cores</i>: their boot work, at least the fractional-knapsack minimum of boot work of
 *             instances of G holding D, is done on late cores between {@code from(h) + soloStart(h)} and
 *             T − min ready delay;</li>
 *         <li>(c) <i>per host</i>: host h holds at most {@code min(memory(h), the largest memory of
 *             n_h(T − min L) instances, the largest memory of instances whose boot work fits its cores by T)};
 *             summed over late hosts it must reach D;</li>
 *         <li>(d) <i>tail</i>: some instance on a late host has L ≥ b*(D) (the smallest b such that the instances
 *             with L ≤ b hold D), so T ≥ min_late (from(h) + soloStart(h)) + b*(D).</li>
 *       </ul>
 *       At ρ = −∞ (every host late, D = mem(G)), (a) with b = min L and (b) are the previous bound's capacity and
 *       core conditions; a ρ after the last return with D &gt; 0 makes every T infeasible (the old memory
 *       condition, now also requiring the memory to be back early enough to start on).</li>
 *   <li><i>Pulls</i>: an app whose image no host holds by {@code T − (fastest solo start + L)} (the latest its first
 *       up instance's engine phase can begin) must have been pulled by then. Sorted by that deadline, the forced
 *       images' bytes must fit, for every prefix, in what the registry can deliver from {@code start}
 *       ({@code ∫ min(registry, link · hosts back)}); each image alone in its host link's time.</li>
 * </ol>
 *
 * <p><b>The gated bound</b> ({@link #totalSeconds}, for policies that start no other tier before the platform tier
 * is up — every policy of {@link Drill#KNOWN_POLICIES}): the platform group's bound P from 0, plus the other tiers'
 * bound from P (their hosts' capacity counts from {@code max(return, P)}, their pulls from P, their chain along
 * dependencies: every policy starts a dependant after its dependencies at least run); and at least the ungated
 * bound. Proof: the platform is up at P' ≥ P; every other start is after P', and each of the conditions above is
 * weaker from P than from P'.
 *
 * <p><b>The ungated bound</b> ({@link #ungatedSeconds}, for any schedule, e.g. pods restarting in place with no
 * start order): every instance in one group from 0, and the chain is only what physics forces: without readiness
 * the slowest single app (fastest solo start + boot); with readiness a dependant's ready container booted after
 * every dependency had a ready instance (else it crash-exits), so ready(a) ≥ max(fastest solo start + boot(a),
 * ready of each dependency) + ready(a).
 *
 * <p><b>Chain</b> of a gated group: the longest dependency chain, each link costing the fastest solo start plus the
 * app's boot; with readiness run(a) = max run(dep) + fastest solo start + boot(a), ready(a) = max(run(a), max
 * ready(dep)) + ready(a). The other tiers start when the platform tier runs (the baselines' gate opens at running;
 * Blackstart's at ready, later), so their clock starts at the platform's running bound, and the gated total is the
 * larger of the platform's ready bound and that plus the rest's. Without readiness every delay is 0.
 *
 * <p><b>etcd outage</b>: not counted. {@code blackstart} journals through it, so a policy-independent bound
 * cannot; the makespan of a policy that stops in the outage shows its cost against the same bound.
 *
 * @param platformSeconds bound of the platform tier (up: ready, with readiness)
 * @param restSeconds     bound of the other tiers, after the platform's (with readiness: after the platform's
 *                        running bound)
 * @param totalSeconds    the gated bound: the larger of {@code ungatedSeconds} and {@code platformSeconds +
 *                        restSeconds} (with readiness: the larger of {@code platformSeconds} and the platform's
 *                        running bound + {@code restSeconds})
 * @param ungatedSeconds  the bound of every schedule, gated or not ({@code ≤ totalSeconds})
 */
public record LowerBound(double platformSeconds, double restSeconds, double totalSeconds, double ungatedSeconds) {

    /** Thresholds of L per group: its minimum and this many quantiles. */
    private static final int QUANTILES = 8;

    static LowerBound of(World w) {
        boolean[] platform = new boolean[w.apps.length];
        boolean[] rest = new boolean[w.apps.length];
        boolean[] all = new boolean[w.apps.length];
        for (int a = 0; a < w.apps.length; a++) {
            platform[a] = w.apps[a].tier() == Tier.PLATFORM;
            rest[a] = !platform[a];
            all[a] = true;
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
        Hosts hosts = new Hosts(w);
        double p = new Group(w, hosts, platform, heldAt, w.readiness(), true).bound(0);
        // the gate opens when the platform runs: without readiness that is when it is up
        double pRunning = w.readiness() ? new Group(w, hosts, platform, heldAt, false, true).bound(0) : p;
        double r = new Group(w, hosts, rest, heldAt, w.readiness(), true).bound(pRunning);
        double ungated = new Group(w, hosts, all, heldAt, w.readiness(), false).bound(0);
        return new LowerBound(p, r, Math.max(ungated, Math.max(p, pRunning + r)), ungated);
    }

    /** The returning hosts in return order. */
    private static final class Hosts {
        final int[] order;
        final double[] returnAt;
        final double minSolo;
        final double firstReturn;

        Hosts(World w) {
            order = java.util.stream.IntStream.range(0, w.hosts()).filter(w::returns).boxed()
                    .sorted((x, y) -> Double.compare(w.returnAt[x], w.returnAt[y])).mapToInt(Integer::intValue)
                    .toArray();
            returnAt = new double[order.length];
            double solo = Double.POSITIVE_INFINITY;
            for (int k = 0; k < order.length; k++) {
                returnAt[k] = w.returnAt[order[k]];
                solo = Math.min(solo, w.soloStartSeconds[order[k]]);
            }
            minSolo = solo;
            firstReturn = order.length == 0 ? Double.POSITIVE_INFINITY : returnAt[0];
        }

        /** ∫ from {@code from} to {@code to} of min(registry, link × hosts back): the most the registry delivers. */
        double registryBytes(World w, double from, double to) {
            return to <= from ? 0 : delivered(w, to) - delivered(w, from);
        }

        private double[] cumulative;

        /** ∫ from 0 to x of min(registry, link × hosts back). */
        private double delivered(World w, double x) {
            double registry = w.model.registryMBps(w.hosts());
            double link = w.model.hostLinkMBps();
            if (cumulative == null) {
                cumulative = new double[returnAt.length];
                for (int k = 1; k < returnAt.length; k++) {
                    cumulative[k] = cumulative[k - 1] + Math.min(registry, link * k) * (returnAt[k] - returnAt[k - 1]);
                }
            }
            int lo = -1;
            int hi = returnAt.length - 1;
            while (lo < hi) { // last k with returnAt[k] <= x
                int mid = (lo + hi + 1) >> 1;
                if (returnAt[mid] <= x) {
                    lo = mid;
                } else {
                    hi = mid - 1;
                }
            }
            return lo < 0 ? 0 : cumulative[lo] + Math.min(registry, link * (lo + 1)) * (x - returnAt[lo]);
        }
    }

    /** One group's instances, sorted the ways the conditions need. */
    private static final class Group {
        final World w;
        final Hosts hosts;
        final boolean[] member;
        final double[] heldAt;
        final boolean ready;
        final boolean ordered;
        final int n;
        final long memory;
        final double minL;
        final double minReady;
        /** Thresholds b of L; per threshold: memory of the instances with L < b; memories of those with L ≥ b, descending, prefix sums. */
        final double[] thresholds;
        final long[] memBelow;
        final long[][] memDescAtOrAbove;
        /** By memory descending: prefix sums of memory. */
        final long[] memDesc;
        /** By boot work per MB ascending: prefix sums of memory and of boot work. */
        final double[] knapMem;
        final double[] knapBoot;
        /** By L ascending: L and prefix sums of memory. */
        final double[] lAsc;
        final long[] memByL;

        Group(World w, Hosts hosts, boolean[] member, double[] heldAt, boolean ready, boolean ordered) {
            this.w = w;
            this.hosts = hosts;
            this.member = member;
            this.heldAt = heldAt;
            this.ready = ready;
            this.ordered = ordered;
            int count = 0;
            for (int a = 0; a < w.apps.length; a++) {
                if (member[a]) {
                    count += w.apps[a].instances();
                }
            }
            n = count;
            long[] mem = new long[n];
            double[] boot = new double[n];
            double[] l = new double[n];
            int k = 0;
            long total = 0;
            double mr = Double.POSITIVE_INFINITY;
            for (int a = 0; a < w.apps.length; a++) {
                if (!member[a]) {
                    continue;
                }
                for (int i = 0; i < w.apps[a].instances(); i++, k++) {
                    mem[k] = w.apps[a].memoryMb();
                    boot[k] = w.bootSeconds[a];
                    l[k] = w.bootSeconds[a] + (ready ? w.readySeconds(a) : 0);
                    total += mem[k];
                }
                if (w.apps[a].instances() > 0) {
                    mr = Math.min(mr, ready ? w.readySeconds(a) : 0);
                }
            }
            memory = total;
            minReady = n == 0 ? 0 : mr;
            Integer[] idx = new Integer[n];
            for (int i = 0; i < n; i++) {
                idx[i] = i;
            }
            // by L ascending
            Arrays.sort(idx, (x, y) -> Double.compare(l[x], l[y]));
            lAsc = new double[n];
            memByL = new long[n + 1];
            for (int i = 0; i < n; i++) {
                lAsc[i] = l[idx[i]];
                memByL[i + 1] = memByL[i] + mem[idx[i]];
            }
            minL = n == 0 ? 0 : lAsc[0];
            // thresholds: the minimum and quantiles of L (distinct)
            double[] th = new double[QUANTILES + 1];
            int nt = 0;
            for (int q = 0; q <= QUANTILES && n > 0; q++) {
                double b = lAsc[(int) Math.min(n - 1, (long) q * n / (QUANTILES + 1))];
                if (nt == 0 || b > th[nt - 1]) {
                    th[nt++] = b;
                }
            }
            thresholds = Arrays.copyOf(th, nt);
            memBelow = new long[nt];
            memDescAtOrAbove = new long[nt][];
            for (int t = 0; t < nt; t++) {
                double b = thresholds[t];
                int from = lowerIndex(lAsc, b); // first with L >= b
                memBelow[t] = memByL[from];
                long[] m = new long[n - from];
                for (int i = from; i < n; i++) {
                    m[i - from] = mem[idx[i]];
                }
                memDescAtOrAbove[t] = descendingPrefix(m);
            }
            memDesc = descendingPrefix(mem.clone());
            // fractional knapsack order: boot work per MB ascending (memory 0 last: holds nothing)
            Arrays.sort(idx, (x, y) -> Double.compare(perMb(boot[x], mem[x]), perMb(boot[y], mem[y])));
            knapMem = new double[n + 1];
            knapBoot = new double[n + 1];
            for (int i = 0; i < n; i++) {
                knapMem[i + 1] = knapMem[i] + mem[idx[i]];
                knapBoot[i + 1] = knapBoot[i] + boot[idx[i]];
            }
        }

        private static double perMb(double boot, long mem) {
            return mem == 0 ? Double.POSITIVE_INFINITY : boot / mem;
        }

        private static int lowerIndex(double[] sorted, double b) {
            int lo = 0;
            int hi = sorted.length;
            while (lo < hi) {
                int mid = (lo + hi) >>> 1;
                if (sorted[mid] < b) {
                    lo = mid + 1;
                } else {
                    hi = mid;
                }
            }
            return lo;
        }

        /** Prefix sums of {@code m} sorted descending (m is sorted in place). */
        private static long[] descendingPrefix(long[] m) {
            Arrays.sort(m);
            long[] p = new long[m.length + 1];
            for (int i = 0; i < m.length; i++) {
                p[i + 1] = p[i] + m[m.length - 1 - i];
            }
            return p;
        }

        /** Fewest instances (from prefix sums, largest first) holding at least x MB. */
        private static long fewestHolding(long[] prefix, double x) {
            if (x <= 0) {
                return 0;
            }
            int lo = 1;
            int hi = prefix.length - 1;
            if (hi < 1 || prefix[hi] < x) {
                return Long.MAX_VALUE; // cannot be held at all
            }
            while (lo < hi) {
                int mid = (lo + hi) >>> 1;
                if (prefix[mid] >= x) {
                    hi = mid;
                } else {
                    lo = mid + 1;
                }
            }
            return lo;
        }

        /** Least boot work of instances of the group holding x MB (fractional knapsack: a lower bound). */
        private double leastBootWork(double x) {
            if (x <= 0) {
                return 0;
            }
            int k = upperFrac(knapMem, x);
            if (k >= knapMem.length - 1) {
                return knapBoot[knapBoot.length - 1];
            }
            double part = (x - knapMem[k]) / (knapMem[k + 1] - knapMem[k]);
            return knapBoot[k] + part * (knapBoot[k + 1] - knapBoot[k]);
        }

        /** Most memory of instances of the group whose boot work is at most y core-seconds (fractional). */
        private double mostMemoryFor(double y) {
            if (y <= 0) {
                return 0;
            }
            int k = upperFrac(knapBoot, y);
            if (k >= knapBoot.length - 1) {
                return knapMem[knapMem.length - 1];
            }
            double span = knapBoot[k + 1] - knapBoot[k];
            double part = span <= 0 ? 1 : (y - knapBoot[k]) / span;
            return knapMem[k] + part * (knapMem[k + 1] - knapMem[k]);
        }

        /** Largest k with prefix[k] ≤ x (prefix non-decreasing, prefix[0] = 0). */
        private static int upperFrac(double[] prefix, double x) {
            int lo = 0;
            int hi = prefix.length - 1;
            while (lo < hi) {
                int mid = (lo + hi + 1) >>> 1;
                if (prefix[mid] <= x) {
                    lo = mid;
                } else {
                    hi = mid - 1;
                }
            }
            return lo;
        }

        /** Smallest L such that the instances with L at most it hold x MB. */
        private double smallestTail(double x) {
            int k = (int) fewestHolding(memByL, x); // memByL is by L ascending, so "fewest" = shortest prefix
            return lAsc[k - 1];
        }

        /** Bound of the group on a clock starting at {@code start}; returned relative to start. */
        double bound(double start) {
            if (n == 0) {
                return 0;
            }
            if (hosts.order.length == 0) {
                return Double.POSITIVE_INFINITY;
            }
            double chain = ordered ? orderedChain(hosts.minSolo) : physicsChain(hosts.minSolo);
            double lo = start;
            double hi = start + 1;
            while (!feasible(start, hi)) {
                hi = start + 2 * (hi - start);
                if (hi > 1e9) {
                    return Double.POSITIVE_INFINITY;
                }
            }
            for (int k = 0; k < 60; k++) {
                double mid = (lo + hi) / 2;
                if (feasible(start, mid)) {
                    hi = mid;
                } else {
                    lo = mid;
                }
            }
            return Math.max(chain, hi - start);
        }

        private static long starts(World w, int h, double from, double end) {
            double x = end - from;
            if (x < w.soloStartSeconds[h]) {
                return 0;
            }
            return (long) Math.floor(w.startCapacity(h) * x + 1e-9);
        }

        boolean feasible(double start, double t) {
            int nh = hosts.order.length;
            int nt = thresholds.length;
            // sweep the hosts from the last return to the first: the late set grows
            long[] lateStarts = new long[nt];
            double lateCores = 0;
            double lateHold = 0;
            double lateFirst = Double.POSITIVE_INFINITY;
            long early = 0;
            for (int k = 0; k < nh; k++) {
                early += w.memoryMb[hosts.order[k]];
            }
            if (early < memory) {
                return false; // never enough memory (a ρ after the last return)
            }
            for (int k = nh - 1; k >= 0; k--) {
                int h = hosts.order[k];
                double from = Math.max(w.returnAt[h], start);
                for (int q = 0; q < nt; q++) {
                    lateStarts[q] += starts(w, h, from, t - thresholds[q]);
                }
                double coreBudget = w.cores[h] * Math.max(0, t - minReady - from - w.soloStartSeconds[h]);
                lateCores += coreBudget;
                long fit = starts(w, h, from, t - minL);
                double hold = Math.min(w.memoryMb[h], Math.min(
                        memDesc[(int) Math.min(fit, memDesc.length - 1)], mostMemoryFor(coreBudget)));
                lateHold += hold;
                lateFirst = Math.min(lateFirst, from + w.soloStartSeconds[h]);
                early -= w.memoryMb[h];
                if (k > 0 && hosts.returnAt[k - 1] == hosts.returnAt[k]) {
                    continue; // the same ρ: its hosts are all late together
                }
                double d = memory - early;
                if (d <= 0) {
                    continue;
                }
                if (lateHold < d || lateCores < leastBootWork(d) || t < lateFirst + smallestTail(d)) {
                    return false;
                }
                for (int q = 0; q < nt; q++) {
                    long need = fewestHolding(memDescAtOrAbove[q], d - memBelow[q]);
                    if (lateStarts[q] < need) {
                        return false;
                    }
                }
            }
            return pullsFit(start, t);
        }

        /** The forced pulls, by deadline, fit the registry from start and each the link. */
        private boolean pullsFit(double start, double t) {
            int na = 0;
            double[][] pulls = new double[w.apps.length][];
            double begin = Math.max(start, hosts.firstReturn);
            for (int a = 0; a < w.apps.length; a++) {
                if (!member[a] || w.apps[a].instances() == 0) {
                    continue;
                }
                double deadline = t - hosts.minSolo - w.bootSeconds[a] - (ready ? w.readySeconds(a) : 0);
                if (heldAt[a] > deadline) {
                    if (w.imageMb[a] / w.model.hostLinkMBps() > deadline - begin) {
                        return false;
                    }
                    pulls[na++] = new double[]{deadline, w.imageMb[a]};
                }
            }
            Arrays.sort(pulls, 0, na, (x, y) -> Double.compare(x[0], y[0]));
            double bytes = 0;
            for (int k = 0; k < na; k++) {
                bytes += pulls[k][1];
                if (k + 1 < na && pulls[k + 1][0] == pulls[k][0]) {
                    continue;
                }
                if (bytes > hosts.registryBytes(w, start, pulls[k][0]) * (1 + 1e-12)) {
                    return false;
                }
            }
            return true;
        }

        /** Longest chain along dependencies within the group, as every gated policy orders them (class comment). */
        private double orderedChain(double minSolo) {
            double[] run = new double[w.apps.length];
            double[] up = new double[w.apps.length];
            Arrays.fill(run, -1);
            double best = 0;
            for (int a = 0; a < w.apps.length; a++) {
                if (member[a] && w.apps[a].instances() > 0) {
                    chainFrom(a, minSolo, run, up);
                    best = Math.max(best, up[a]);
                }
            }
            return best;
        }

        private void chainFrom(int a, double minSolo, double[] run, double[] up) {
            if (run[a] >= 0) {
                return;
            }
            double depsRun = 0;
            double depsUp = 0;
            for (int d : w.dependsOn[a]) {
                if (member[d] && w.apps[d].instances() > 0) {
                    chainFrom(d, minSolo, run, up);
                    depsRun = Math.max(depsRun, run[d]);
                    depsUp = Math.max(depsUp, up[d]);
                }
            }
            run[a] = depsRun + minSolo + w.bootSeconds[a];
            up[a] = ready ? Math.max(run[a], depsUp) + w.readySeconds(a) : run[a];
        }

        /**
         * What physics alone forces along dependencies, with no start order: each app its fastest solo start and
         * boot; with readiness a ready container booted after every dependency had a ready instance.
         */
        private double physicsChain(double minSolo) {
            double[] up = new double[w.apps.length];
            Arrays.fill(up, -1);
            double best = 0;
            for (int a = 0; a < w.apps.length; a++) {
                if (member[a] && w.apps[a].instances() > 0) {
                    best = Math.max(best, physicsFrom(a, minSolo, up));
                }
            }
            return best;
        }

        private double physicsFrom(int a, double minSolo, double[] up) {
            if (up[a] >= 0) {
                return up[a];
            }
            double run = minSolo + w.bootSeconds[a];
            if (ready) {
                for (int d : w.dependsOn[a]) {
                    if (w.apps[d].instances() > 0) {
                        run = Math.max(run, physicsFrom(d, minSolo, up));
                    }
                }
            }
            up[a] = run + (ready ? w.readySeconds(a) : 0);
            return up[a];
        }
    }
}
