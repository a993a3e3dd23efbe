package io.blackstart.drill;

import io.blackstart.protocol.AppSpec;
import io.blackstart.protocol.Catalog;
import io.blackstart.protocol.SpecError;
import io.blackstart.protocol.Tier;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;

/**
 * Builds the {@link World} of a drill from its options, deterministically from the seed.
 *
 * <p><b>Catalog</b> (generated with {@code --apps N}): about 1% platform apps (2–3 instances, a dependency chain of
 * up to four: registry, API, router...), 20% databases (1–2 instances), the rest customer apps (1–6 instances,
 * about 2 on average; 60% depend on a database, 10% on another app; 20% have an SLA, priority 100). Images of
 * 30–500 MB (log-normal, median ≈ 120 MB), boot times of 1–30 s by tier, start timeouts 60 s (120 s for databases).
 *
 * <p><b>Hosts</b>: 8–48 cores, memory sized so that the hosts that come back hold {@link HostModel#memoryHeadroom}
 * times the memory of every instance; a start knee of 2–4 and a solo start time of 0.25–0.4 s (5–16 starts/s);
 * {@link HostModel#degradedFraction} of them degraded. Before the blackout every instance ran on a random host
 * (memory- and spread-aware), which keeps its stopped container and its image, plus
 * {@link HostModel#imageCacheImages} other cached images; hosts where image GC ran keep neither. Hosts come back
 * one after another over the return window (evenly, with jitter); {@code lostHostsFraction} never come back.
 */
final class WorldGenerator {

    private WorldGenerator() {
    }

    static World generate(DrillOptions o, HostModel model) {
        SplittableRandom rnd = new SplittableRandom(o.seed());
        Catalog catalog = o.catalogFile() != null ? CatalogFile.read(o.catalogFile())
                : catalog(o.apps(), o.scenario().catalog(), rnd.split());
        return build(catalog, o, model, rnd.split());
    }

    static Catalog catalog(int apps, CatalogShape shape, SplittableRandom rnd) {
        int platform = Math.max(1, Math.min(apps, Math.max(3, apps / 100)));
        int databases = apps >= 3 ? Math.max(1, apps / 5) : 0;
        int customer = Math.max(0, apps - platform - databases);
        TreeMap<String, AppSpec> specs = new TreeMap<>();
        List<String> dbIds = new ArrayList<>();
        for (int i = 0; i < platform; i++) {
            String id = String.format("plat-%05d", i);
            List<String> deps = i > 0 && i < 4 ? List.of(String.format("plat-%05d", i - 1)) : List.of();
            specs.put(id, spec(id, 2 + rnd.nextInt(2), Tier.PLATFORM, 0, 512L * (1 + rnd.nextInt(4)), deps, 60, rnd));
        }
        for (int i = 0; i < databases; i++) {
            String id = String.format("db-%06d", i);
            dbIds.add(id);
            specs.put(id, spec(id, 1 + rnd.nextInt(2), Tier.DATABASE, rnd.nextInt(5) == 0 ? 100 : 0,
                    512L * (1 + rnd.nextInt(8)), List.of(), 120, rnd));
        }
        for (int i = 0; i < customer; i++) {
            String id = String.format("app-%06d", i);
            List<String> deps = new ArrayList<>();
            if (!dbIds.isEmpty() && rnd.nextInt(10) < 6) {
                deps.add(dbIds.get(rnd.nextInt(dbIds.size())));
            }
            if (shape.chainLength() > 0) {
                if (i % shape.chainLength() != 0) {
                    deps.add(String.format("app-%06d", i - 1)); // the previous link of its chain
                }
            } else if (i > 0 && rnd.nextInt(10) == 0) {
                deps.add(String.format("app-%06d", rnd.nextInt(i)));
            }
            int r = rnd.nextInt(100);
            int instances = r < 50 ? 1 : r < 85 ? 2 : 3 + rnd.nextInt(4);
            specs.put(id, spec(id, instances, Tier.APP, rnd.nextInt(5) == 0 ? 100 : 0, 256L * (1 + rnd.nextInt(4)),
                    deps, 60, rnd));
        }
        Map<String, String> keys = new HashMap<>();
        specs.keySet().forEach(k -> keys.put(k, k));
        Catalog c = io.blackstart.protocol.CatalogValidator.validateSpecs(specs, keys, List.<SpecError>of());
        if (!c.rejected().isEmpty()) {
            throw new IllegalStateException("generated catalog invalid: " + c.rejected());
        }
        return c;
    }

    private static AppSpec spec(String id, int instances, Tier tier, int priority, long memoryMb, List<String> deps,
                                int timeout, SplittableRandom rnd) {
        double cpus = 0.25 * (1 + rnd.nextInt(4));
        return new AppSpec(id, "registry.local/" + id + ":1", instances, tier, priority, memoryMb, cpus, deps,
                List.of(), Map.of(), timeout);
    }

    static World build(Catalog catalog, DrillOptions o, HostModel model, SplittableRandom rnd) {
        AppSpec[] apps = catalog.apps().values().toArray(new AppSpec[0]);
        CatalogShape shape = o.scenario().catalog();
        int nApps = apps.length;
        double[] imageMb = new double[nApps];
        double[] boot = new double[nApps];
        long demand = 0;
        int nInst = 0;
        for (int a = 0; a < nApps; a++) {
            imageMb[a] = Math.min(shape.imageMaxMb(), Math.max(shape.imageMinMb(),
                    Math.exp(Math.log(shape.imageMedianMb()) + shape.imageSigma() * gaussian(rnd))));
            boot[a] = shape.bootScale() * switch (apps[a].tier()) {
                case PLATFORM -> 2 + rnd.nextDouble() * 8;
                case DATABASE -> 5 + rnd.nextDouble() * 25;
                case APP -> 1 + rnd.nextDouble() * 14;
            };
            demand += apps[a].memoryMb() * apps[a].instances();
            nInst += apps[a].instances();
        }
        int nHosts = o.hosts();
        String[] hostId = new String[nHosts];
        int[] cores = new int[nHosts];
        int[] knee = new int[nHosts];
        double[] solo = new double[nHosts];
        boolean[] degraded = new boolean[nHosts];
        boolean[] gc = new boolean[nHosts];
        double[] returnAt = new double[nHosts];
        int[] coreChoices = {8, 16, 16, 32, 32, 48};
        long totalCores = 0;
        for (int h = 0; h < nHosts; h++) {
            hostId[h] = String.format("host-%05d", h);
            cores[h] = coreChoices[rnd.nextInt(coreChoices.length)];
            totalCores += cores[h];
            knee[h] = cores[h] <= 8 ? 2 : cores[h] <= 16 ? 3 : 4;
            solo[h] = 0.25 + rnd.nextDouble() * 0.15;
            degraded[h] = rnd.nextDouble() < model.degradedFraction();
            if (degraded[h]) {
                knee[h] = 1;
                solo[h] *= 4;
            }
            gc[h] = rnd.nextDouble() < model.gcFraction();
        }
        // return order: a random permutation, evenly spread over the window with jitter; some never return
        int[] order = permutation(nHosts, rnd);
        int lost = (int) Math.round(nHosts * o.lostHostsFraction());
        if (lost >= nHosts) {
            lost = nHosts - 1;
        }
        for (int k = 0; k < nHosts; k++) {
            int h = order[k];
            if (k >= nHosts - lost) {
                returnAt[h] = Double.POSITIVE_INFINITY;
            } else {
                int back = nHosts - lost;
                returnAt[h] = o.returnWindowSeconds() * (k + rnd.nextDouble()) / back;
            }
        }
        long returningCores = 0;
        for (int h = 0; h < nHosts; h++) {
            if (returnAt[h] != Double.POSITIVE_INFINITY) {
                returningCores += cores[h];
            }
        }
        double mbPerCore = model.memoryHeadroom() * demand / Math.max(1, returningCores);
        long[] memory = new long[nHosts];
        long largest = 0;
        for (AppSpec a : apps) {
            largest = Math.max(largest, a.memoryMb());
        }
        for (int h = 0; h < nHosts; h++) {
            memory[h] = Math.max(largest * 2, (long) Math.ceil(cores[h] * mbPerCore / 1024.0) * 1024);
        }
        // before the blackout: each instance on a random host, memory- and spread-aware
        int[] home = new int[nInst];
        long[] used = new long[nHosts];
        BitSet[] images = new BitSet[nHosts];
        for (int h = 0; h < nHosts; h++) {
            images[h] = new BitSet(nApps);
        }
        int i = 0;
        for (int a = 0; a < nApps; a++) {
            int prev = -1;
            for (int k = 0; k < apps[a].instances(); k++, i++) {
                int chosen = -1;
                for (int tries = 0; tries < 16 && chosen < 0; tries++) {
                    int h = rnd.nextInt(nHosts);
                    if (h != prev && used[h] + apps[a].memoryMb() <= memory[h] * 0.9) {
                        chosen = h;
                    }
                }
                if (chosen < 0) {
                    chosen = rnd.nextInt(nHosts);
                }
                used[chosen] += apps[a].memoryMb();
                prev = chosen;
                home[i] = gc[chosen] ? -1 : chosen;
                if (!gc[chosen]) {
                    images[chosen].set(a);
                }
            }
        }
        for (int h = 0; h < nHosts; h++) {
            if (gc[h]) {
                continue;
            }
            int extra = Math.min(model.imageCacheImages(), nApps);
            for (int k = 0; k < extra; k++) {
                images[h].set(rnd.nextInt(nApps));
            }
        }
        return new World(catalog, imageMb, boot, home, hostId, cores, memory, knee, solo, returnAt, degraded, gc,
                images, model, o.readiness() ? readySeconds(apps, o.seed()) : null, o.etcdOutageFromSeconds(),
                o.etcdOutageToSeconds());
    }

    /**
     * Seconds from running to ready per app, by tier (drill/README.md, "Readiness"): platform 5–30 s, databases
     * 10–90 s (crash recovery after an unclean shutdown, then the first passing probe), customer apps 2–20 s
     * (warm-up, connection pools, the first passing probe); uniform. From its own stream of the seed, so turning
     * readiness on changes nothing else of the platform.
     */
    static double[] readySeconds(AppSpec[] apps, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed ^ 0x7EAD1E55L);
        double[] ready = new double[apps.length];
        for (int a = 0; a < apps.length; a++) {
            ready[a] = switch (apps[a].tier()) {
                case PLATFORM -> 5 + rnd.nextDouble() * 25;
                case DATABASE -> 10 + rnd.nextDouble() * 80;
                case APP -> 2 + rnd.nextDouble() * 18;
            };
        }
        return ready;
    }

    private static int[] permutation(int n, SplittableRandom rnd) {
        int[] p = new int[n];
        for (int k = 0; k < n; k++) {
            p[k] = k;
        }
        for (int k = n - 1; k > 0; k--) {
            int j = rnd.nextInt(k + 1);
            int t = p[k];
            p[k] = p[j];
            p[j] = t;
        }
        return p;
    }

    /** Standard normal by Box–Muller (SplittableRandom has no nextGaussian on Java 17's interface default path). */
    private static double gaussian(SplittableRandom rnd) {
        double u = 1 - rnd.nextDouble();
        double v = rnd.nextDouble();
        return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
    }
}
