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
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The {@code nomad} baseline: what it models of Nomad's recovery, checked on the simulation's trace. */
@Timeout(120)
class NomadPolicyTest {

    static final double TTL = NomadPolicy.FAILOVER_HEARTBEAT_TTL_SECONDS;

    record Run(World world, NomadPolicy policy, Simulation sim, List<TraceEvent> trace, PolicyOutcome outcome) {
    }

    static Run run(World w, long seed) {
        NomadPolicy p = new NomadPolicy(seed);
        List<TraceEvent> trace = new ArrayList<>();
        Simulation sim = new Simulation(w, p, trace::add, null);
        sim.run();
        return new Run(w, p, sim, trace, sim.outcome(NomadPolicy.NAME, 0));
    }

    static DrillOptions options(long seed, int hosts, int apps, double window, double lost) {
        return DrillOptions.defaults().withSeed(seed).withHosts(hosts).withApps(apps).withReturnWindowSeconds(window)
                .withLostHostsFraction(lost).withPolicies(List.of(NomadPolicy.NAME));
    }

    static Run run(DrillOptions o) {
        return run(WorldGenerator.generate(o, HostModel.defaults()), o.seed());
    }

    @ParameterizedTest(name = "seed {0}")
    @CsvSource({"1", "42"})
    void sameSeedSameResult(long seed) {
        DrillOptions o = options(seed, 30, 300, 900, 0.05);
        String a = Drill.run(o, null).toJson();
        assertEquals(a, Drill.run(o, null).toJson());
        Run x = run(o);
        Run y = run(o);
        assertEquals(x.policy().starts, y.policy().starts);
        assertEquals(x.policy().planCommits, y.policy().planCommits);
    }

    @ParameterizedTest(name = "seed {0}: {1} hosts, {2} apps, window {3} s")
    @CsvSource({"3, 40, 400, 900, 0.02", "4, 20, 200, 1200, 0.1", "5, 60, 500, 600, 0.0"})
    void convergesWithoutOvercommitOrDuplicates(long seed, int hosts, int apps, double window, double lost) {
        Run r = run(options(seed, hosts, apps, window, lost));
        assertTrue(r.outcome().complete(), "did not finish: " + r.outcome().instancesUp() + "/" + r.world().instances());
        assertNull(r.policy().invariantViolation());
        assertEquals(0, r.outcome().duplicates());
        assertTrue(r.policy().lostAllocations > 0, "some hosts return after the failover TTL");
        assertTrue(r.policy().restoredInPlace > 0, "some hosts return before it");
        for (TraceEvent e : r.trace()) {
            assertTrue(e.memoryUsed() <= r.world().memoryMb[e.host()], "over memory: " + e);
        }
    }

    @Property(tries = 30)
    void neverPlansMoreMemoryThanANodeHas(@ForAll long seed, @ForAll @IntRange(min = 1, max = 12) int hosts,
                                          @ForAll @IntRange(min = 1, max = 60) int apps,
                                          @ForAll @DoubleRange(min = 0, max = 900) double window,
                                          @ForAll @DoubleRange(min = 0, max = 0.3) double lost) {
        Run r = run(options(seed, hosts, apps, window, lost));
        assertNull(r.policy().invariantViolation());
        assertTrue(r.outcome().complete(), "did not finish");
        assertEquals(0, r.outcome().duplicates());
    }

    @Test
    void anAllocationWhoseNodeReturnsWithinTheTtlRestartsThere() {
        Run r = run(options(7, 40, 400, 900, 0.02));
        World w = r.world();
        int checked = 0;
        for (int i = 0; i < w.instances(); i++) {
            int home = w.home[i];
            if (home < 0 || w.returnAt[home] >= TTL) {
                continue;
            }
            NomadPolicy.Start first = firstStart(r, i);
            assertEquals(home, first.host(), w.instanceId[i]);
            assertEquals(NomadPolicy.Reason.RESTORE, first.reason(), w.instanceId[i]);
            assertEquals(w.returnAt[home], first.time(), 1e-9, "restored when its node returned: " + w.instanceId[i]);
            checked++;
        }
        assertTrue(checked > 50, "checked " + checked);
    }

    @Test
    void allocationsOfANodeNotBackInTimeArePlacedElsewhereAfterItIsMarkedDownAndNeverStartedThere() {
        Run r = run(options(8, 40, 400, 900, 0.05));
        World w = r.world();
        int checked = 0;
        for (int i = 0; i < w.instances(); i++) {
            int home = w.home[i];
            if (home < 0 || w.returnAt[home] < TTL) {
                continue;
            }
            NomadPolicy.Start first = firstStart(r, i);
            assertTrue(first.time() >= TTL, w.instanceId[i] + " started at " + first.time());
            assertEquals(NomadPolicy.Reason.PLACED, first.reason(), w.instanceId[i]);
            for (NomadPolicy.Start s : r.policy().starts) {
                if (s.instance() == i) {
                    assertTrue(s.reason() != NomadPolicy.Reason.RESTORE, "old allocation started: " + s);
                    assertTrue(s.host() != home || s.reason() == NomadPolicy.Reason.PLACED, "on its old node: " + s);
                }
            }
            if (w.returns(home)) {
                // when the old node returns, nothing of its lost allocations starts there then
                for (TraceEvent e : r.trace()) {
                    assertTrue(!(e.kind() == TraceEvent.Kind.START_SENT && e.instance() == i && e.host() == home
                            && e.time() == w.returnAt[home]), "old allocation started on return: " + e);
                }
            }
            checked++;
        }
        assertTrue(checked > 100, "checked " + checked);
        assertEquals(r.policy().lostAllocations, checked + lostWithoutHome(r));
    }

    private static int lostWithoutHome(Run r) {
        // instances without a home (image-GC'd hosts) placed at t = 0 on a node not back by the TTL are lost too
        int n = 0;
        World w = r.world();
        for (int i = 0; i < w.instances(); i++) {
            if (w.home[i] < 0) {
                NomadPolicy.Start first = firstStart(r, i);
                if (first.time() >= TTL) {
                    n++;
                }
            }
        }
        return n;
    }

    private static NomadPolicy.Start firstStart(Run r, int instance) {
        for (NomadPolicy.Start s : r.policy().starts) {
            if (s.instance() == instance) {
                return s;
            }
        }
        throw new AssertionError("never started: " + r.world().instanceId[instance]);
    }

    /**
     * Two hosts back at t = 0; app {@code big} (1 instance, 4 GiB) ran on h0, which has 2 GiB: every start there
     * is OOM-killed when its boot ends (0.25 s engine + 1 s boot after it was sent). Nomad's client restarts it in place twice (15 s + up to 25% jitter), then the allocation
     * fails and is rescheduled 30 s later on h1.
     */
    static World failingWorld() {
        TreeMap<String, AppSpec> apps = new TreeMap<>();
        apps.put("big", new AppSpec("big", "registry.local/big:1", 1, Tier.APP, 0, 4096, 0.5, List.of(),
                List.of(), Map.of(), 60));
        Catalog catalog = new Catalog(apps, List.of());
        BitSet i0 = new BitSet();
        i0.set(0);
        BitSet i1 = new BitSet();
        i1.set(0);
        return new World(catalog, new double[]{100}, new double[]{1.0}, new int[]{0},
                new String[]{"h0", "h1"}, new int[]{4, 4}, new long[]{2048, 64_000}, new int[]{2, 2},
                new double[]{0.25, 0.25}, new double[]{0.0, 0.0}, new boolean[]{false, false},
                new boolean[]{false, false}, new BitSet[]{i0, i1}, HostModel.defaults());
    }

    @Test
    void failedStartsRestartInPlaceThenReschedule() {
        Run r = run(failingWorld(), 1);
        List<NomadPolicy.Start> s = r.policy().starts;
        assertEquals(4, s.size(), s.toString());
        assertEquals(new NomadPolicy.Start(0, 0, 0, NomadPolicy.Reason.RESTORE), s.get(0));
        double fail = 0.25 + 1.0; // engine alone, then boot: the kernel OOM-kills it then
        for (int k = 1; k <= 2; k++) {
            assertEquals(NomadPolicy.Reason.RESTART, s.get(k).reason());
            assertEquals(0, s.get(k).host());
            double gap = s.get(k).time() - s.get(k - 1).time() - fail;
            assertTrue(gap >= 15 - 1e-9 && gap <= 15 * 1.25 + 1e-9, "restart delay " + gap);
        }
        NomadPolicy.Start moved = s.get(3);
        assertEquals(NomadPolicy.Reason.PLACED, moved.reason());
        assertEquals(1, moved.host());
        double after = moved.time() - (s.get(2).time() + fail);
        assertTrue(after >= 30 - 1e-9 && after < 30.1, "rescheduled after " + after + " s");
        assertTrue(r.outcome().complete());
        assertNull(r.policy().invariantViolation());
    }

    @Test
    void rescheduleDelayIsExponentialAndCapped() {
        // the reschedule delay doubles from 30 s and is capped at 1 h (service defaults)
        assertEquals(30, NomadPolicy.RESCHEDULE_DELAY_SECONDS);
        assertEquals(3600, NomadPolicy.RESCHEDULE_MAX_DELAY_SECONDS);
    }

    @ParameterizedTest(name = "outage {0}..{1}")
    @CsvSource({"60, 900", "200, 400", "0, 100"})
    void nothingIsPlannedInsideAnEtcdOutage(double from, double to) {
        DrillOptions o = options(9, 40, 400, 900, 0.05).withEtcdOutage(from, to);
        Run r = run(o);
        assertTrue(r.outcome().complete());
        assertTrue(!r.policy().planCommits.isEmpty());
        for (double t : r.policy().planCommits) {
            assertTrue(t < from || t >= to, "plan committed at " + t);
        }
        int restoredInside = 0;
        for (NomadPolicy.Start s : r.policy().starts) {
            if (s.time() >= from && s.time() < to) {
                // ARRIVED: committed before the window on a node that returns inside it
                assertTrue(s.reason() != NomadPolicy.Reason.PLACED, "placed inside the outage: " + s);
                restoredInside += s.reason() == NomadPolicy.Reason.RESTORE ? 1 : 0;
            }
        }
        if (from < TTL) {
            assertTrue(restoredInside > 0, "clients restore their allocations through the outage");
        }
        assertNull(r.policy().invariantViolation());
    }

    @Test
    void withReadinessItStillConverges() {
        Run r = run(options(10, 30, 300, 900, 0.03).withReadiness(true));
        assertTrue(r.outcome().complete());
        assertNull(r.policy().invariantViolation());
    }

    @Test
    void hasNoTierGate() {
        // Nomad has no start order across jobs: customer apps restored in place come up before the platform tier
        Run r = run(options(11, 40, 400, 900, 0.02));
        double[][] up = r.outcome().upTimesByTier();
        double platformDone = up[0][up[0].length - 1];
        assertTrue(up[2][0] < platformDone, "an app before the last platform instance");
    }
}
