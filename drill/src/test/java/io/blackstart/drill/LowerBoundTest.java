package io.blackstart.drill;

import io.blackstart.protocol.AppSpec;
import io.blackstart.protocol.Catalog;
import io.blackstart.protocol.Tier;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.BitSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Each condition of {@link LowerBound} on a hand-built world where it binds and its value is worked out by hand
 * (and no policy beats it there), and the bound against simulated runs on random platforms: the gated bound
 * against every policy that honours the platform gate (all of {@link Drill#KNOWN_POLICIES}), the ungated bound
 * against those and a gate-free, order-free eager schedule ({@link UngatedEagerPolicy}).
 */
@Timeout(180)
class LowerBoundTest {

    /** Every policy of the drill honours the platform gate (DrillPropertiesTest#platformTierComesUpFirst). */
    static final Set<String> GATED = Set.copyOf(Drill.KNOWN_POLICIES.stream().filter(Drill::honoursGate).toList());

    record Host(double returnAt, long memoryMb, int cores, int knee, double solo) {
    }

    record App(String id, int instances, Tier tier, long memoryMb, double imageMb, double boot, boolean cached) {
    }

    /** A world of the given hosts and apps (apps in id order); a cached app's image is on every host. */
    static World world(List<Host> hosts, List<App> apps, HostModel model) {
        TreeMap<String, AppSpec> specs = new TreeMap<>();
        TreeMap<String, App> byId = new TreeMap<>();
        int instances = 0;
        for (App a : apps) {
            specs.put(a.id(), new AppSpec(a.id(), "registry.local/" + a.id() + ":1", a.instances(), a.tier(), 0,
                    a.memoryMb(), 0.5, List.of(), List.of(), Map.of(), 60));
            byId.put(a.id(), a);
            instances += a.instances();
        }
        App[] ordered = byId.values().toArray(new App[0]);
        double[] image = new double[ordered.length];
        double[] boot = new double[ordered.length];
        BitSet cached = new BitSet();
        for (int a = 0; a < ordered.length; a++) {
            image[a] = ordered[a].imageMb();
            boot[a] = ordered[a].boot();
            if (ordered[a].cached()) {
                cached.set(a);
            }
        }
        int n = hosts.size();
        String[] ids = new String[n];
        int[] cores = new int[n];
        long[] memory = new long[n];
        int[] knee = new int[n];
        double[] solo = new double[n];
        double[] back = new double[n];
        BitSet[] images = new BitSet[n];
        for (int h = 0; h < n; h++) {
            Host x = hosts.get(h);
            ids[h] = "h" + h;
            cores[h] = x.cores();
            memory[h] = x.memoryMb();
            knee[h] = x.knee();
            solo[h] = x.solo();
            back[h] = x.returnAt();
            images[h] = (BitSet) cached.clone();
        }
        int[] home = new int[instances];
        java.util.Arrays.fill(home, -1);
        return new World(new Catalog(specs, List.of()), image, boot, home, ids, cores, memory, knee, solo, back,
                new boolean[n], new boolean[n], images, model);
    }

    static World world(List<Host> hosts, List<App> apps) {
        return world(hosts, apps, HostModel.defaults());
    }

    /** Every policy, and the eager gate-free one, on {@code w}: none beats the bound that applies to it. */
    static void noPolicyBeats(World w, LowerBound lb) {
        DrillResult r = Drill.run(w, DrillOptions.defaults(), null, null);
        for (PolicyOutcome o : r.policies().values()) {
            if (o.complete()) {
                double bound = Drill.honoursGate(o.policy()) ? lb.totalSeconds() : lb.ungatedSeconds();
                assertTrue(o.makespanSeconds() >= bound - 1e-6, o.policy() + " " + o.makespanSeconds()
                        + " beats " + lb);
            }
        }
        PolicyOutcome eager = eager(w, 1);
        if (eager.complete()) {
            assertTrue(eager.makespanSeconds() >= lb.ungatedSeconds() - 1e-6, eager.makespanSeconds() + " " + lb);
        }
    }

    static PolicyOutcome eager(World w, long seed) {
        Simulation sim = new Simulation(w, new UngatedEagerPolicy(seed), null, null);
        sim.run();
        return sim.outcome("ungated-eager", 0);
    }

    /**
     * Start capacity of the late hosts. h0 (back at 0) holds one 1000 MB instance, h1 (back at 10 s, knee 1,
     * solo 1 s: 1 start/s) the other ten: they need ten starts on h1, the last out of its engine at 20 s, booted
     * (1 s) at 21 s. The previous bound pooled the capacity of both hosts: (T−1) + (T−11) ≥ 11 → 11.5 s.
     */
    @Test
    void lateHostsStartCapacity() {
        World w = world(List.of(new Host(0, 1000, 100, 1, 1.0), new Host(10, 10_000, 100, 1, 1.0)),
                List.of(new App("x", 11, Tier.APP, 1000, 100, 1.0, true)));
        LowerBound lb = LowerBound.of(w);
        assertEquals(21.0, lb.ungatedSeconds(), 1e-6);
        assertEquals(21.0, lb.totalSeconds(), 1e-6);
        noPolicyBeats(w, lb);
        assertEquals(21.0, eager(w, 1).makespanSeconds(), 1e-6, "ten at once on h1: all out of its engine at 20 s");
    }

    /**
     * Cores of the late hosts. As above but h1 has 1 core and a fast engine (knee 100, solo 0.01 s): its ten
     * instances boot 5 s each on one core, 50 core-seconds from 10.01 s → 60.01 s.
     */
    @Test
    void lateHostsCores() {
        World w = world(List.of(new Host(0, 1000, 100, 100, 0.01), new Host(10, 10_000, 1, 100, 0.01)),
                List.of(new App("x", 11, Tier.APP, 1000, 100, 5.0, true)));
        LowerBound lb = LowerBound.of(w);
        assertEquals(60.01, lb.ungatedSeconds(), 1e-6);
        noPolicyBeats(w, lb);
        assertEquals(60.01, eager(w, 1).makespanSeconds(), 1e-6);
    }

    /**
     * The tail. Two 1000 MB instances (boot 3 s), h0 at 0 holds one, h1 back at 10 s (solo 0.5 s) the other: it
     * starts after 10 s, so T ≥ 10 + 0.5 + 3 = 13.5 s (before: memory back at 10 s).
     */
    @Test
    void tailAfterMemoryIsBack() {
        World w = world(List.of(new Host(0, 1000, 8, 4, 0.5), new Host(10, 1000, 8, 4, 0.5)),
                List.of(new App("x", 2, Tier.APP, 1000, 100, 3.0, true)));
        LowerBound lb = LowerBound.of(w);
        assertEquals(13.5, lb.ungatedSeconds(), 1e-6);
        noPolicyBeats(w, lb);
        assertEquals(13.5, eager(w, 1).makespanSeconds(), 1e-6);
    }

    /**
     * A pull's deadline. One host at 0, one instance whose 1000 MB image it lacks; the registry is 10 MB/s (one
     * host): the pull ends at 100 s, then a solo start (0.25 s) and the boot (10 s): 110.25 s (before: 100 s).
     */
    @Test
    void pullMustEndBeforeTheStart() {
        World w = world(List.of(new Host(0, 64_000, 4, 2, 0.25)),
                List.of(new App("x", 1, Tier.APP, 256, 1000, 10.0, false)));
        LowerBound lb = LowerBound.of(w);
        assertEquals(110.25, lb.ungatedSeconds(), 1e-6);
        noPolicyBeats(w, lb);
        assertEquals(110.25, eager(w, 1).makespanSeconds(), 1e-6);
    }

    /**
     * The registry as the hosts back can use it: link 5 MB/s, registry 10 MB/s per host (20 MB/s). Two 500 MB
     * images no host holds; until h1 is back at 100 s one link pulls 5 MB/s (500 MB), then 10 MB/s: 1000 MB at
     * 150 s, + solo 0.25 + boot 1 = 151.25 s (before: one image over a link, 100 s).
     */
    @Test
    void registryLimitedByTheLinksOfTheHostsBack() {
        HostModel model = new HostModel(10, 5, 0, 0, 0, 1.6);
        World w = world(List.of(new Host(0, 64_000, 4, 2, 0.25), new Host(100, 64_000, 4, 2, 0.25)),
                List.of(new App("x", 1, Tier.APP, 256, 500, 1.0, false),
                        new App("y", 1, Tier.APP, 256, 500, 1.0, false)), model);
        LowerBound lb = LowerBound.of(w);
        assertEquals(151.25, lb.ungatedSeconds(), 1e-6);
        noPolicyBeats(w, lb);
    }

    /**
     * Gated and ungated: {@link HandWorkedScenarioTest#world()} (api, platform, boot 1 s; two web, boot 2 s; one
     * host, 8 starts/s). Gated 1.25 + 2.25 = 3.5 s; ungated the webs start at 0: 0.25 + 2 = 2.25 s, which the
     * eager gate-free schedule reaches.
     */
    @Test
    void ungatedBoundIgnoresTheTierSplit() {
        World w = HandWorkedScenarioTest.world();
        LowerBound lb = LowerBound.of(w);
        assertEquals(3.5, lb.totalSeconds(), 1e-6);
        assertEquals(2.25, lb.ungatedSeconds(), 1e-6);
        PolicyOutcome eager = eager(w, 1);
        assertTrue(eager.makespanSeconds() < lb.totalSeconds(), "a gate-free schedule beats the gated bound here");
        assertTrue(eager.makespanSeconds() >= lb.ungatedSeconds() - 1e-9);
    }

    @Property(tries = 40)
    void noPolicyBeatsItsBoundOnRandomPlatforms(@ForAll long seed, @ForAll @IntRange(min = 1, max = 12) int hosts,
                                                @ForAll @IntRange(min = 1, max = 60) int apps,
                                                @ForAll @DoubleRange(min = 0, max = 600) double window,
                                                @ForAll @DoubleRange(min = 0, max = 0.3) double lost,
                                                @ForAll boolean readiness) {
        DrillOptions o = DrillOptions.defaults().withSeed(seed).withHosts(hosts).withApps(apps)
                .withReturnWindowSeconds(window).withLostHostsFraction(lost).withReadiness(readiness);
        World w = WorldGenerator.generate(o, HostModel.defaults());
        DrillResult r = Drill.run(w, o, null, null);
        LowerBound lb = r.lowerBound();
        assertTrue(lb.ungatedSeconds() <= lb.totalSeconds(), lb.toString());
        for (PolicyOutcome p : r.policies().values()) {
            if (!p.complete()) {
                continue;
            }
            assertTrue(p.makespanSeconds() >= lb.ungatedSeconds() - 1e-6,
                    p.policy() + " " + p.makespanSeconds() + " beats the ungated " + lb);
            if (GATED.contains(p.policy())) {
                assertTrue(p.makespanSeconds() >= lb.totalSeconds() - 1e-6,
                        p.policy() + " " + p.makespanSeconds() + " beats the gated " + lb);
            }
        }
        PolicyOutcome eager = eager(w, seed);
        if (eager.complete()) {
            assertTrue(eager.makespanSeconds() >= lb.ungatedSeconds() - 1e-6,
                    "ungated-eager " + eager.makespanSeconds() + " beats " + lb);
        }
    }
}
