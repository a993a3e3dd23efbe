package io.blackstart.drill;

import io.blackstart.protocol.AppSpec;
import io.blackstart.protocol.Catalog;
import io.blackstart.protocol.Tier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The {@code kubernetes} baseline: determinism, no duplicate by construction, restart in place on the home node,
 * taint-based eviction only after the node lifecycle controller's delays (worked out by hand on small worlds), and
 * nothing bound inside an etcd outage.
 */
@Timeout(120)
class KubernetesPolicyTest {

    static final String K8S = KubernetesPolicy.NAME;
    static final double INF = Double.POSITIVE_INFINITY;

    static DrillOptions small(long seed, int hosts, int apps, double window, double lost) {
        return DrillOptions.defaults().withSeed(seed).withHosts(hosts).withApps(apps).withReturnWindowSeconds(window)
                .withLostHostsFraction(lost).withPolicies(List.of(K8S));
    }

    record Run(World world, PolicyOutcome outcome, List<TraceEvent> trace, KubernetesPolicy policy) {
    }

    /** Runs the policy on {@code w} directly (the policy object stays inspectable). */
    static Run run(World w, long seed) {
        KubernetesPolicy p = new KubernetesPolicy(seed);
        List<TraceEvent> trace = new ArrayList<>();
        Simulation sim = new Simulation(w, p, trace::add, null);
        sim.run();
        return new Run(w, sim.outcome(K8S, 0), trace, p);
    }

    static Run run(DrillOptions o) {
        return run(WorldGenerator.generate(o, HostModel.defaults()), o.seed());
    }

    /**
     * One app {@code web} with one instance per host, each instance's stopped container and image on its host
     * (instance k on host k), plenty of memory; host k back at {@code returnAt[k]}.
     */
    static World oneInstancePerHost(double[] returnAt, double etcdFrom, double etcdTo) {
        int n = returnAt.length;
        TreeMap<String, AppSpec> apps = new TreeMap<>();
        apps.put("web", new AppSpec("web", "registry.local/web:1", n, Tier.APP, 0, 256, 0.5, List.of(), List.of(),
                Map.of(), 60));
        Catalog catalog = new Catalog(apps, List.of());
        int[] home = new int[n];
        String[] ids = new String[n];
        int[] cores = new int[n];
        long[] mem = new long[n];
        int[] knee = new int[n];
        double[] solo = new double[n];
        BitSet[] images = new BitSet[n];
        for (int h = 0; h < n; h++) {
            home[h] = h;
            ids[h] = "h" + h;
            cores[h] = 4;
            mem[h] = 64_000;
            knee[h] = 2;
            solo[h] = 0.25;
            images[h] = new BitSet();
            images[h].set(0);
        }
        return new World(catalog, new double[]{100}, new double[]{1.0}, home, ids, cores, mem, knee, solo, returnAt,
                new boolean[n], new boolean[n], images, HostModel.defaults(), null, etcdFrom, etcdTo);
    }

    static List<TraceEvent> sent(Run r, int instance) {
        return r.trace().stream().filter(e -> e.kind() == TraceEvent.Kind.START_SENT && e.instance() == instance)
                .toList();
    }

    @ParameterizedTest(name = "seed {0}")
    @CsvSource({"1", "42"})
    void sameSeedSameResult(long seed) {
        DrillOptions o = small(seed, 30, 200, 300, 0.1);
        assertEquals(Drill.run(o, null).toJson(), Drill.run(o, null).toJson());
        DrillOptions r = o.withReadiness(true).withEtcdOutage(20, 200);
        assertEquals(Drill.run(r, null).toJson(), Drill.run(r, null).toJson());
    }

    /** No instance ever has two containers, and none is started on two hosts (the trace), across sizes. */
    @ParameterizedTest(name = "seed {0}: {1} hosts, {2} apps, window {3} s, lost {4}, readiness {5}")
    @CsvSource({"1, 20, 150, 120, 0.05, false", "1, 20, 150, 120, 0.05, true", "2, 40, 300, 600, 0.1, false",
            "2, 40, 300, 600, 0.1, true", "3, 60, 400, 900, 0.02, false", "3, 60, 400, 900, 0.02, true",
            "4, 8, 60, 30, 0.25, true", "5, 55, 300, 900, 0.3, false", "6, 3, 20, 0, 0.34, true"})
    void neverADuplicate(long seed, int hosts, int apps, double window, double lost, boolean readiness) {
        Run r = run(small(seed, hosts, apps, window, lost).withReadiness(readiness));
        assertEquals(0, r.outcome().duplicates());
        assertTrue(r.outcome().complete(), "did not finish: " + r.outcome());
        Map<Integer, Integer> startedOn = new HashMap<>();
        for (TraceEvent e : r.trace()) {
            if (e.kind() == TraceEvent.Kind.UP) {
                assertEquals(1, e.running(), "duplicate: " + e);
            }
            if (e.kind() == TraceEvent.Kind.START_SENT) {
                Integer before = startedOn.put(e.instance(), e.host());
                assertTrue(before == null || before == e.host(), "started on two hosts: " + e);
            }
            if (e.kind() == TraceEvent.Kind.MEMORY_FAILED) {
                startedOn.remove(e.instance()); // rejected at admission: no container; its replacement goes anywhere
            }
        }
        if (readiness && hosts >= 20) {
            assertTrue(r.outcome().crashRestarts() > 0, "no start order, yet nobody crash-looped");
        }
    }

    /** Every host back before any eviction can happen (55 s + 5 s + 300 s): every pod restarts on its home, at once. */
    @ParameterizedTest(name = "seed {0}, readiness {1}")
    @CsvSource({"7, false", "8, true"})
    void aPodWhoseNodeReturnsStartsThereAndNowhereElse(long seed, boolean readiness) {
        Run r = run(small(seed, 40, 300, 300, 0).withReadiness(readiness));
        World w = r.world();
        int homed = 0;
        for (int i = 0; i < w.instances(); i++) {
            List<TraceEvent> s = sent(r, i);
            assertFalse(s.isEmpty(), w.instanceId[i] + " never started");
            if (w.home[i] < 0) {
                continue;
            }
            homed++;
            for (TraceEvent e : s) {
                assertEquals(w.home[i], e.host(), w.instanceId[i] + " started away from its node: " + e);
            }
            assertEquals(w.returnAt[w.home[i]], s.get(0).time(), 1e-9, "the kubelet starts its pods when back");
        }
        assertTrue(homed > 0);
        assertEquals(0, r.policy().evictions());
        assertTrue(r.outcome().complete());
        // no start order: some customer app was up before the last platform instance
        double[][] up = r.outcome().upTimesByTier();
        double platformDone = up[0][up[0].length - 1];
        assertTrue(up[2][0] < platformDone, "a gate-free kubelet still started the platform first");
    }

    /**
     * Normal zone: 9 of 10 nodes back before the grace period. At 55 s (first 5 s pass after the 50 s grace) the lost
     * node is Unknown, at 60 s it is queued and tainted at once (the bucket has its token), at 360 s its pod is
     * evicted and the replacement bound and started elsewhere.
     */
    @Test
    void aLostNodesPodIsReplacedTaintPlusTolerationLater() {
        double[] back = {0, 1, 2, 3, 4, 5, 6, 7, 8, INF};
        Run r = run(oneInstancePerHost(back, Double.NaN, Double.NaN), 1);
        List<TraceEvent> s = sent(r, 9);
        assertEquals(1, s.size(), s.toString());
        assertEquals(60 + 300, s.get(0).time(), 1e-9);
        assertTrue(s.get(0).host() != 9);
        for (int i = 0; i < 9; i++) {
            assertEquals(List.of(i), sent(r, i).stream().map(TraceEvent::host).toList());
        }
        assertEquals(1, r.policy().evictions());
        assertTrue(r.outcome().complete());
    }

    /**
     * Full disruption, then a small zone: no node back by 55 s, so every node is Unknown and the controller stops
     * evictions (master disruption mode). h0 back at 200 s: 4 of 5 NotReady ≥ 0.55, partial disruption, and with
     * ≤ 50 nodes the rate is 0. h1 at 210 s: 3 of 5, still partial. h3 at 220 s: 2 NotReady, normal: rate 0.1/s,
     * the new bucket drained (the old limiter had no token), so the first taint at 230 s: h2 (queue order). h4 back
     * at 240 s leaves the queue. h2's pod is evicted at 530 s and started elsewhere then; nothing before.
     */
    @Test
    void noEvictionInFullDisruptionNorAtTheSecondaryRateOfASmallZone() {
        double[] back = {200, 210, INF, 220, 240};
        Run r = run(oneInstancePerHost(back, Double.NaN, Double.NaN), 1);
        for (int i : new int[]{0, 1, 3, 4}) {
            List<TraceEvent> s = sent(r, i);
            assertEquals(1, s.size());
            assertEquals(i, s.get(0).host());
            assertEquals(back[i], s.get(0).time(), 1e-9);
        }
        List<TraceEvent> lost = sent(r, 2);
        assertEquals(1, lost.size(), lost.toString());
        assertEquals(230 + 300, lost.get(0).time(), 1e-9);
        assertTrue(lost.get(0).host() != 2);
        assertEquals(1, r.policy().evictions());
    }

    /** 4 of 5 nodes never return: partial disruption forever in a zone of ≤ 50 nodes, so their pods never move. */
    @Test
    void aSmallZoneMostlyDownNeverEvicts() {
        Run r = run(oneInstancePerHost(new double[]{0, INF, INF, INF, INF}, Double.NaN, Double.NaN), 1);
        assertEquals(0, r.policy().evictions());
        assertFalse(r.outcome().complete());
        assertEquals(1, r.outcome().instancesUp());
        assertEquals(1, r.trace().stream().filter(e -> e.kind() == TraceEvent.Kind.START_SENT).count());
    }

    /**
     * etcd takes no writes from 50 s to 400 s: the grace-period pass at 55 s cannot write the Unknown status; the
     * controller does it when writes return (400 s), queues at 405 s and taints at once; eviction at 705 s.
     */
    @Test
    void anOutageDelaysTheControllerAndTheBinding() {
        double[] back = {0, 1, 2, 3, 4, 5, 6, 7, 8, INF};
        Run r = run(oneInstancePerHost(back, 50, 400), 1);
        List<TraceEvent> s = sent(r, 9);
        assertEquals(1, s.size(), s.toString());
        assertEquals(405 + 300, s.get(0).time(), 1e-9);
        assertEquals(List.of(705.0), r.policy().bindTimes);
    }

    /** Nothing bound inside the window; the kubelets of nodes back in it still start their bound pods. */
    @ParameterizedTest(name = "seed {0}, readiness {1}")
    @CsvSource({"9, false", "10, true"})
    void nothingIsBoundInsideAnOutage(long seed, boolean readiness) {
        double from = 20;
        double to = 300;
        Run r = run(small(seed, 40, 300, 400, 0.05).withReadiness(readiness).withEtcdOutage(from, to));
        assertFalse(r.policy().bindTimes.isEmpty(), "nothing was ever scheduled");
        for (double t : r.policy().bindTimes) {
            assertTrue(t < from || t >= to, "bound at " + t + " inside the outage");
        }
        assertTrue(r.trace().stream().anyMatch(e -> e.kind() == TraceEvent.Kind.START_SENT && e.time() >= from
                && e.time() < to), "no kubelet started its bound pods inside the window");
        assertTrue(r.outcome().complete());
        assertEquals(0, r.outcome().duplicates());
    }

    @Test
    void theSchedulersSearchBreadth() {
        assertEquals(60, KubernetesPolicy.feasibleNodesToFind(60));
        assertEquals(230, KubernetesPolicy.feasibleNodesToFind(500)); // 46 %
        assertEquals(680, KubernetesPolicy.feasibleNodesToFind(2000)); // 34 %
        assertEquals(100, KubernetesPolicy.feasibleNodesToFind(120)); // at least 100
        assertEquals(55, KubernetesPolicy.markUnknownAt(), 1e-9);
    }

    @Test
    void registeredAfterStaleSnapshot() {
        assertEquals(Drill.POLICIES.indexOf("stale-snapshot") + 1, Drill.POLICIES.indexOf(K8S));
        assertEquals(Drill.KNOWN_POLICIES.indexOf("stale-snapshot") + 1, Drill.KNOWN_POLICIES.indexOf(K8S));
        assertTrue(DrillMain.usage().contains(K8S));
    }
}
