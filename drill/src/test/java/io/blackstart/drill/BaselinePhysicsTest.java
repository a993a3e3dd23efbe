package io.blackstart.drill;

import io.blackstart.protocol.AppSpec;
import io.blackstart.protocol.Catalog;
import io.blackstart.protocol.Tier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The physics every policy shares and the baselines' honesty (issue 13): Docker creates an overcommitting start and
 * the kernel OOM-kills it after its boot (no instant refusal); a baseline honours its start timeouts as Blackstart
 * does (a boot longer than its timeout never counts as up, for anyone); the incident's scheduler sends one refresh
 * period's restarts to a handful of hosts.
 */
@Timeout(60)
class BaselinePhysicsTest {

    /** One host back at t = 0: knee 2, solo start 0.25 s, 4 cores, every image present. */
    private static World oneHost(long memoryMb, double webBootSeconds, int webTimeoutSeconds) {
        TreeMap<String, AppSpec> apps = new TreeMap<>();
        apps.put("api", new AppSpec("api", "registry.local/api:1", 1, Tier.PLATFORM, 0, 256, 0.5, List.of(),
                List.of(), Map.of(), 60));
        apps.put("web", new AppSpec("web", "registry.local/web:1", 2, Tier.APP, 0, 256, 0.5, List.of(),
                List.of(), Map.of(), webTimeoutSeconds));
        BitSet images = new BitSet();
        images.set(0, 2);
        return new World(new Catalog(apps, List.of()), new double[]{100, 100}, new double[]{1.0, webBootSeconds},
                new int[]{-1, -1, -1}, new String[]{"h0"}, new int[]{4}, new long[]{memoryMb}, new int[]{2},
                new double[]{0.25}, new double[]{0.0}, new boolean[]{false}, new boolean[]{false},
                new BitSet[]{images}, HostModel.defaults());
    }

    private static List<TraceEvent> trace(World w, String policy, DrillResult[] result) {
        List<TraceEvent> events = new ArrayList<>();
        result[0] = Drill.run(w, DrillOptions.defaults().withPolicies(List.of(policy)), null, (p, e) -> events.add(e));
        return events;
    }

    @Test
    void anOvercommittingStartIsCreatedAndOomKilledAfterItsBootNotRefusedAtOnce() {
        // 600 MiB: api (256) and one web (256) fit, the second web does not
        World w = oneHost(600, 2.0, 60);
        DrillResult[] r = new DrillResult[1];
        List<TraceEvent> events = trace(w, "random", r);
        // t=1.25 api up, both webs sent (768 MiB reserved on a 600 MiB host: Docker does not check);
        // t=1.50 both leave the engine; t=3.50 both booted: the first to finish finds the host overcommitted and is
        // OOM-killed, the second then fits (512 MiB) and is up
        TraceEvent firstOom = events.stream().filter(e -> e.kind() == TraceEvent.Kind.MEMORY_FAILED).findFirst()
                .orElseThrow();
        assertEquals(3.5, firstOom.time(), 1e-9, "killed when its boot ended, after engine and boot time");
        long sentAt125 = events.stream().filter(e -> e.kind() == TraceEvent.Kind.START_SENT)
                .filter(e -> Math.abs(e.time() - 1.25) < 1e-9).count();
        assertEquals(2, sentAt125, "both starts taken by the engine: no refusal on create");
        TraceEvent up = events.stream().filter(e -> e.kind() == TraceEvent.Kind.UP && e.time() == 3.5).findFirst()
                .orElseThrow();
        assertTrue(up.memoryUsed() <= 600, "the survivor runs within the host's memory: " + up);
        PolicyOutcome o = r[0].policies().get("random");
        assertFalse(o.complete(), "the third 256 MiB container can never fit in 600 MiB");
        assertEquals(2, o.instancesUp());
        assertTrue(o.memoryFailures() >= 1);
    }

    @ParameterizedTest
    @ValueSource(strings = {"stale-snapshot", "random", "p2c", "allocation-spread"})
    void aBootLongerThanItsTimeoutNeverCountsAsUpForAnyBaseline(String policy) {
        // web boots 90 s against a 60 s start timeout: every start is timed out and removed
        World w = oneHost(64_000, 90.0, 60);
        DrillResult[] r = new DrillResult[1];
        List<TraceEvent> events = trace(w, policy, r);
        PolicyOutcome o = r[0].policies().get(policy);
        assertFalse(o.complete(), policy + " reported complete although web cannot boot in time");
        assertEquals(1, o.instancesUp(), "only api is up");
        assertTrue(o.timeouts() >= 2, policy + " timeouts: " + o.timeouts());
        assertEquals(0, o.duplicates());
        assertTrue(events.stream().noneMatch(e -> e.kind() == TraceEvent.Kind.UP && w.instanceApp[e.instance()] == 1),
                "no web container ever ran");
        assertTrue(events.stream().anyMatch(e -> e.kind() == TraceEvent.Kind.KILLED), "timed-out starts removed");
        assertTrue(Double.isNaN(r[0].ratioToLowerBound(policy)), "no ratio for an incomplete run");
    }

    /**
     * Blackstart's ledger takes a timed-out start as evidence that the timeout is too short: the retry's command
     * carries twice the timeout (120 s), which the agent enforces, and web's 90 s boot fits it.
     */
    @Test
    void blackstartRetriesATimedOutStartWithTwiceTheTimeoutAndItComesUp() {
        World w = oneHost(64_000, 90.0, 60);
        DrillResult[] r = new DrillResult[1];
        List<TraceEvent> events = trace(w, "blackstart", r);
        PolicyOutcome o = r[0].policies().get("blackstart");
        assertTrue(o.complete(), "web boots within the longer timeout of its retry");
        assertEquals(2, o.timeouts(), "both webs' first attempts, at 60 s; none of the retries");
        assertEquals(0, o.duplicates());
        double killed = events.stream().filter(e -> e.kind() == TraceEvent.Kind.KILLED).mapToDouble(TraceEvent::time)
                .max().orElseThrow();
        double lastUp = events.stream().filter(e -> e.kind() == TraceEvent.Kind.UP).mapToDouble(TraceEvent::time)
                .max().orElseThrow();
        assertTrue(lastUp > killed + 90, "up after a whole 90 s boot of the retry: killed " + killed + ", up " + lastUp);
        assertTrue(r[0].ratioToLowerBound("blackstart") >= 1.0);
    }

    /** A boot longer than the longest timeout the ledger grows to (8 × 60 s) stays incomplete, and says so. */
    @Test
    void aBootLongerThanBlackstartsLongestTimeoutIsIncomplete() {
        World w = oneHost(64_000, 1_000.0, 60);
        DrillResult[] r = new DrillResult[1];
        List<TraceEvent> events = trace(w, "blackstart", r);
        PolicyOutcome o = r[0].policies().get("blackstart");
        assertFalse(o.complete(), "web's boot outlasts every attempt's timeout");
        assertEquals(1, o.instancesUp(), "only api is up");
        assertEquals(2 * io.blackstart.scheduler.LedgerSettings.defaults().maxAttempts(), o.timeouts(),
                "every attempt of both webs timed out, then they failed");
        assertTrue(events.stream().noneMatch(e -> e.kind() == TraceEvent.Kind.UP && w.instanceApp[e.instance()] == 1),
                "no web container ever ran");
        assertTrue(Double.isNaN(r[0].ratioToLowerBound("blackstart")), "no ratio for an incomplete run");
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 7})
    void staleSnapshotSendsEachRefreshPeriodsRestartsToAHandfulOfHosts(long seed) {
        DrillOptions o = DrillOptions.defaults().withSeed(seed).withHosts(60).withApps(600)
                .withReturnWindowSeconds(60).withPolicies(List.of("stale-snapshot"));
        World w = WorldGenerator.generate(o, HostModel.defaults());
        Map<Long, Set<Integer>> hostsByPeriod = new HashMap<>();
        Drill.run(w, o, null, (p, e) -> {
            if (e.kind() == TraceEvent.Kind.START_SENT) {
                hostsByPeriod.computeIfAbsent((long) Math.floor(e.time() / HostSnapshot.REFRESH_SECONDS),
                        k -> new HashSet<>()).add(e.host());
            }
        });
        int widest = hostsByPeriod.values().stream().mapToInt(Set::size).max().orElse(0);
        assertTrue(widest <= StaleSnapshotPolicy.HANDFUL, "one period's starts went to " + widest + " hosts");
        assertTrue(widest > 1, "more than the single top host: " + hostsByPeriod);
    }
}
