package io.blackstart.drill;

import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Determinism, the lower bound, and Blackstart's safety, on small generated platforms. */
@Timeout(120)
class DrillPropertiesTest {

    static DrillOptions small(long seed, int hosts, int apps, double window, double lost) {
        return DrillOptions.defaults().withSeed(seed).withHosts(hosts).withApps(apps).withReturnWindowSeconds(window)
                .withLostHostsFraction(lost);
    }

    @ParameterizedTest(name = "seed {0}")
    @CsvSource({"1", "42"})
    void sameSeedSameResult(long seed) {
        DrillOptions o = small(seed, 20, 120, 120, 0.05);
        String a = Drill.run(o, null).toJson();
        String b = Drill.run(o, null).toJson();
        assertEquals(a, b);
        assertNotEquals(a, Drill.run(o.withSeed(seed + 1), null).toJson(), "another seed, another platform");
    }

    @ParameterizedTest(name = "seed {0}: {1} hosts, {2} apps, window {3} s, lost {4}")
    @CsvSource({"1, 10, 60, 0, 0", "2, 25, 150, 120, 0.04", "3, 40, 300, 600, 0.02", "4, 8, 100, 30, 0.1",
            "5, 60, 200, 900, 0.0"})
    void noPolicyBeatsTheLowerBound(long seed, int hosts, int apps, double window, double lost) {
        DrillResult r = Drill.run(small(seed, hosts, apps, window, lost), null);
        for (PolicyOutcome o : r.policies().values()) {
            assertTrue(o.complete(), o.policy() + " did not finish");
            assertTrue(o.makespanSeconds() >= r.boundFor(o.policy()) - 1e-6,
                    o.policy() + " makespan " + o.makespanSeconds() + " < lower bound " + r.lowerBound());
            assertTrue(!Drill.honoursGate(o.policy()) || o.platformUpSeconds() >= r.lowerBound().platformSeconds() - 1e-6,
                    o.policy());
        }
    }

    @ParameterizedTest(name = "seed {0}")
    @CsvSource({"7, 30, 250, 300", "8, 12, 150, 60", "9, 50, 400, 900"})
    void blackstartNeverExceedsCreditsOrMemoryAndNeverDuplicates(long seed, int hosts, int apps, double window) {
        DrillOptions o = small(seed, hosts, apps, window, 0.02).withPolicies(List.of("blackstart"));
        World w = WorldGenerator.generate(o, HostModel.defaults());
        List<TraceEvent> trace = new ArrayList<>();
        DrillResult r = Drill.run(w, o, null, (policy, e) -> trace.add(e));
        Map<Integer, Integer> up = new HashMap<>();
        for (TraceEvent e : trace) {
            // credits: the agent grants at most knee starts in its start machinery (pulling or in the engine)
            assertTrue(e.inFlight() <= w.knee[e.host()], "over credit: " + e);
            assertTrue(e.memoryUsed() <= w.memoryMb[e.host()], "over memory: " + e);
            assertTrue(e.kind() != TraceEvent.Kind.MEMORY_FAILED, "overcommitted: " + e);
            if (e.kind() == TraceEvent.Kind.UP) {
                assertEquals(1, e.running(), "duplicate: " + e);
                assertEquals(null, up.put(e.instance(), e.host()), "instance started twice: " + e);
            }
        }
        PolicyOutcome b = r.policies().get("blackstart");
        assertTrue(b.complete());
        assertEquals(0, b.duplicates());
        assertEquals(0, b.timeouts());
        assertTrue(b.peakInflightPerCredit() <= 1.0);
        assertEquals(w.instances(), up.size());
    }

    @ParameterizedTest(name = "seed {0}")
    @CsvSource({"11", "12"})
    void platformTierComesUpFirst(long seed) {
        DrillResult r = Drill.run(small(seed, 20, 150, 120, 0.02), null);
        for (PolicyOutcome o : r.policies().values()) {
            if (!Drill.honoursGate(o.policy())) {
                continue; // no start order in Kubernetes or Nomad (their tests check they do not gate)
            }
            double[] platform = o.upTimesByTier()[0];
            double platformDone = platform[platform.length - 1];
            for (int tier = 1; tier < o.upTimesByTier().length; tier++) {
                for (double t : o.upTimesByTier()[tier]) {
                    assertTrue(t > platformDone - 1e-9, o.policy() + ": tier " + tier + " up at " + t
                            + " before the platform at " + platformDone);
                }
            }
        }
    }
}
