package io.blackstart.drill;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code --readiness} and {@code --etcd-outage}: determinism, Blackstart gating on ready (read off the trace),
 * crash restarts of the baselines that gate on running, starts inside an outage, the lower bound, and the flags.
 */
@Timeout(180)
class ReadinessAndOutageTest {

    static DrillOptions small(long seed) {
        return DrillOptions.defaults().withSeed(seed).withHosts(30).withApps(300).withReturnWindowSeconds(120)
                .withLostHostsFraction(0.03);
    }

    record Traced(World world, DrillResult result, List<TraceEvent> events) {
    }

    static Traced traced(DrillOptions o, String policy) {
        DrillOptions one = o.withPolicies(List.of(policy));
        World w = WorldGenerator.generate(one, HostModel.defaults());
        List<TraceEvent> trace = new ArrayList<>();
        DrillResult r = Drill.run(w, one, null, (p, e) -> trace.add(e));
        return new Traced(w, r, trace);
    }

    @ParameterizedTest(name = "seed {0}")
    @CsvSource({"1", "42"})
    void sameSeedSameResultWithTheOptionsOn(long seed) {
        DrillOptions o = small(seed).withReadiness(true).withEtcdOutage(30, 90);
        String a = Drill.run(o, null).toJson();
        assertEquals(a, Drill.run(o, null).toJson());
        assertTrue(a.contains("\"readiness\" : true") && a.contains("\"crashRestarts\"")
                && a.contains("\"startsDuringOutage\"") && a.contains("\"blackstart-no-journal\""), a);
    }

    @Test
    void theOptionsOffLeaveTheDocumentAsItWas() {
        String a = Drill.run(small(3), null).toJson();
        assertTrue(!a.contains("readiness") && !a.contains("crashRestarts") && !a.contains("etcdOutage")
                && !a.contains("startsDuringOutage") && !a.contains("no-journal"), a);
        assertEquals(Drill.POLICIES, small(3).policies());
        assertEquals(Drill.KNOWN_POLICIES, small(3).withEtcdOutage(1, 2).policies());
        assertEquals(List.of("random"), small(3).withPolicies(List.of("random")).withEtcdOutage(1, 2).policies());
    }

    /**
     * With both options off, {@code drill --json} is what a9ce6c6 (before them) printed for everything the options
     * could have changed: the golden files are its output for {@code --hosts 40 --apps 400 --seed S --json}, with
     * the lower bound's lines as the tightened bound gives them (f1bde91: only those lines and the new
     * {@code lowerBoundUngatedSeconds} differ). The baselines' own figures are left out of the comparison: issue 13
     * changed them on purpose (timeouts honoured, OOM kills instead of instant memory refusals, the incident's
     * handful of hosts) while the platform and {@code blackstart} stayed as they were — and those are compared;
     * policies added after the golden files ({@code kubernetes}, {@code nomad}) are not in them.
     */
    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 42, 446105})
    void withTheOptionsOffTheJsonIsWhatItWasBefore(long seed) throws Exception {
        String golden;
        try (var in = getClass().getResourceAsStream("/golden/seed-" + seed + "-40x400.json")) {
            golden = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        }
        DrillMainTest.Run r = DrillMainTest.run("--seed", Long.toString(seed), "--hosts", "40", "--apps", "400",
                "--json");
        assertEquals(0, r.status(), r.err());
        com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
        com.fasterxml.jackson.databind.node.ObjectNode before =
                (com.fasterxml.jackson.databind.node.ObjectNode) json.readTree(golden);
        com.fasterxml.jackson.databind.node.ObjectNode now =
                (com.fasterxml.jackson.databind.node.ObjectNode) json.readTree(r.out());
        assertEquals(json.writeValueAsString(before.get("policies").get("blackstart")),
                json.writeValueAsString(now.get("policies").get("blackstart")), "blackstart's figures");
        List<String> beforeNames = iterable(before.get("policies").fieldNames());
        List<String> nowNames = iterable(now.get("policies").fieldNames());
        nowNames.removeIf(n -> !beforeNames.contains(n)); // policies added after the golden files (kubernetes, nomad)
        assertEquals(beforeNames, nowNames, "the same policies, in the same order");
        before.remove("policies");
        now.remove("policies");
        assertEquals(json.writeValueAsString(before), json.writeValueAsString(now), "the platform and the bound");
    }

    private static List<String> iterable(java.util.Iterator<String> it) {
        List<String> out = new java.util.ArrayList<>();
        it.forEachRemaining(out::add);
        return out;
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {5, 6})
    void blackstartStartsNoDependantBeforeItsDependenciesAreReady(long seed) {
        Traced t = traced(small(seed).withReadiness(true), "blackstart");
        World w = t.world();
        double[] readyAt = new double[w.apps.length];
        Arrays.fill(readyAt, Double.NaN);
        int platformLeft = 0;
        for (int i = 0; i < w.instances(); i++) {
            platformLeft += w.tier(i) == io.blackstart.protocol.Tier.PLATFORM ? 1 : 0;
        }
        int dependants = 0;
        int ready = 0;
        for (TraceEvent e : t.events()) {
            assertTrue(e.kind() != TraceEvent.Kind.CRASHED && e.kind() != TraceEvent.Kind.RESTARTED,
                    "blackstart started something early: " + e);
            int app = e.instance() < 0 ? -1 : w.instanceApp[e.instance()];
            if (e.kind() == TraceEvent.Kind.READY) {
                ready++;
                if (Double.isNaN(readyAt[app])) {
                    readyAt[app] = e.time();
                }
                if (w.tier(e.instance()) == io.blackstart.protocol.Tier.PLATFORM) {
                    platformLeft--;
                }
            }
            if (e.kind() == TraceEvent.Kind.START_SENT) {
                for (int d : w.dependsOn[app]) {
                    assertTrue(!Double.isNaN(readyAt[d]) && readyAt[d] <= e.time(),
                            w.instanceId[e.instance()] + " sent at " + e.time() + " before " + w.apps[d].id()
                                    + " was ready");
                }
                dependants += w.dependsOn[app].length > 0 ? 1 : 0;
                if (w.tier(e.instance()) != io.blackstart.protocol.Tier.PLATFORM) {
                    assertEquals(0, platformLeft, "platform gate open before the platform was ready: " + e);
                }
            }
        }
        assertTrue(dependants > 0, "the catalog has dependants");
        assertEquals(w.instances(), ready);
        PolicyOutcome b = t.result().policies().get("blackstart");
        assertTrue(b.complete());
        assertEquals(0, b.crashRestarts());
    }

    @Test
    void baselinesThatGateOnRunningCrashLoopTheirDependants() {
        DrillResult r = Drill.run(small(7).withReadiness(true), null);
        for (String p : List.of("random", "p2c")) {
            assertTrue(r.policies().get(p).crashRestarts() > 0, p + ": " + r.toJson());
        }
        assertEquals(0, r.policies().get("blackstart").crashRestarts());
        // and the crashes are restarts in place: seen in the trace, each after a crash, on the same host
        Traced t = traced(small(7).withReadiness(true), "random");
        int crashed = 0;
        int restarted = 0;
        for (TraceEvent e : t.events()) {
            crashed += e.kind() == TraceEvent.Kind.CRASHED ? 1 : 0;
            restarted += e.kind() == TraceEvent.Kind.RESTARTED ? 1 : 0;
            assertTrue(restarted <= crashed, "a restart without a crash: " + e);
        }
        assertEquals(t.result().policies().get("random").crashRestarts(), crashed);
    }

    @Test
    void crashLoopBackOffIsKubelets() {
        assertEquals(10, Simulation.crashBackoffSeconds(1));
        assertEquals(20, Simulation.crashBackoffSeconds(2));
        assertEquals(160, Simulation.crashBackoffSeconds(5));
        assertEquals(300, Simulation.crashBackoffSeconds(6));
        assertEquals(300, Simulation.crashBackoffSeconds(40));
    }

    @Test
    void inAnOutageBlackstartKeepsStartingAndTheNoJournalCoordinatorAssignsNothing() {
        double from = 30;
        double to = 90;
        DrillOptions o = small(8).withEtcdOutage(from, to);
        Traced journal = traced(o, "blackstart");
        Traced noJournal = traced(o, "blackstart-no-journal");
        long inside = journal.events().stream()
                .filter(e -> e.kind() == TraceEvent.Kind.START_SENT && e.time() >= from && e.time() < to).count();
        assertTrue(inside > 0, "blackstart made no start inside the outage");
        assertEquals(inside, journal.result().policies().get("blackstart").startsDuringOutage());
        long noJournalInside = noJournal.events().stream()
                .filter(e -> e.kind() == TraceEvent.Kind.START_SENT && e.time() >= from && e.time() < to).count();
        assertEquals(0, noJournalInside);
        PolicyOutcome nj = noJournal.result().policies().get("blackstart-no-journal");
        assertEquals(0, nj.startsDuringOutage());
        assertTrue(nj.complete());
        // starts sent before the window carried on through it
        assertTrue(noJournal.events().stream().anyMatch(e -> e.kind() == TraceEvent.Kind.UP && e.time() >= from
                && e.time() < to), "nothing already started came up inside the window");
        DrillResult all = Drill.run(o, null);
        for (String b : List.of("stale-snapshot", "random", "p2c", "allocation-spread")) {
            assertEquals(0, all.policies().get(b).startsDuringOutage(), b);
        }
        assertTrue(nj.makespanSeconds() >= to);
    }

    @ParameterizedTest(name = "seed {0}: {1} hosts, {2} apps, window {3} s, outage {4}-{5}")
    @CsvSource({"1, 10, 60, 0, 0, 20", "2, 25, 150, 120, 10, 200", "3, 40, 300, 600, 300, 310",
            "4, 8, 100, 30, 0, 1", "5, 60, 200, 900, 100, 1000"})
    void noPolicyBeatsTheLowerBoundWithTheOptionsOn(long seed, int hosts, int apps, double window, double from,
                                                    double to) {
        DrillResult r = Drill.run(DrillPropertiesTest.small(seed, hosts, apps, window, 0.02).withReadiness(true)
                .withEtcdOutage(from, to), null);
        assertEquals(Drill.KNOWN_POLICIES, List.copyOf(r.policies().keySet()));
        for (PolicyOutcome o : r.policies().values()) {
            assertTrue(o.complete(), o.policy() + " did not finish");
            assertTrue(o.makespanSeconds() >= r.boundFor(o.policy()) - 1e-6,
                    o.policy() + " makespan " + o.makespanSeconds() + " < lower bound " + r.lowerBound());
            assertTrue(!Drill.honoursGate(o.policy()) || o.platformUpSeconds() >= r.lowerBound().platformSeconds() - 1e-6,
                    o.policy());
        }
    }

    @Property(tries = 25)
    void lowerBoundHoldsOnRandomPlatformsWithTheOptionsOn(@ForAll long seed,
                                                         @ForAll @IntRange(min = 1, max = 12) int hosts,
                                                         @ForAll @IntRange(min = 1, max = 60) int apps,
                                                         @ForAll @DoubleRange(min = 0, max = 600) double window,
                                                         @ForAll @DoubleRange(min = 0, max = 300) double from,
                                                         @ForAll @DoubleRange(min = 1, max = 600) double length) {
        DrillResult r = Drill.run(DrillOptions.defaults().withSeed(seed).withHosts(hosts).withApps(apps)
                .withReturnWindowSeconds(window).withLostHostsFraction(0.1).withReadiness(true)
                .withEtcdOutage(from, from + length), null);
        for (PolicyOutcome p : r.policies().values()) {
            assertTrue(p.complete(), p.policy() + " did not finish");
            assertTrue(p.makespanSeconds() >= r.boundFor(p.policy()) - 1e-6,
                    p.policy() + " " + p.makespanSeconds() + " beats " + r.lowerBound());
            assertTrue(!Drill.honoursGate(p.policy()) || p.platformUpSeconds() >= r.lowerBound().platformSeconds() - 1e-6,
                    p.policy());
        }
        assertEquals(0, r.policies().get("blackstart").crashRestarts());
        assertEquals(0, r.policies().get("blackstart").duplicates());
    }

    @ParameterizedTest
    @ValueSource(strings = {"--etcd-outage 5", "--etcd-outage 10,5", "--etcd-outage 5,5", "--etcd-outage -5,10",
            "--etcd-outage 5,-10", "--etcd-outage a,b", "--etcd-outage", "--etcd-outage 1,2,3"})
    void badOutageFlagsNameTheFlagAndGiveStatus2(String args) {
        DrillMainTest.Run r = DrillMainTest.run(args.split(" "));
        assertEquals(2, r.status(), r.err());
        assertTrue(r.err().contains("--etcd-outage"), r.err());
        assertTrue(r.err().contains("Usage: drill"), r.err());
    }

    @Test
    void theFlagsReachTheOptions() {
        DrillMainTest.Run r = DrillMainTest.run("--hosts", "6", "--apps", "30", "--readiness", "--etcd-outage",
                "10s,1m", "--json");
        assertEquals(0, r.status(), r.err());
        assertTrue(r.out().contains("\"readiness\" : true"), r.out());
        assertTrue(r.out().contains("\"fromSeconds\" : 10.0") && r.out().contains("\"toSeconds\" : 60.0"), r.out());
        assertTrue(r.out().contains("\"blackstart-no-journal\""), r.out());
        DrillMainTest.Run table = DrillMainTest.run("--hosts", "6", "--apps", "30", "--readiness", "--etcd-outage",
                "10,60");
        assertEquals(0, table.status(), table.err());
        assertTrue(table.out().contains("crash") && table.out().contains("starts in"), table.out());
    }
}
