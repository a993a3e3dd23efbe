package io.blackstart.scheduler;

import io.blackstart.protocol.AppSpec;
import io.blackstart.protocol.Catalog;
import io.blackstart.protocol.Tier;
import io.blackstart.protocol.wire.ContainerInfo;
import io.blackstart.protocol.wire.ContainerState;
import io.blackstart.protocol.wire.StartResult;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Safety properties of the ledger under random catalogs, hosts and event sequences, driven against a tiny model of
 * the agents (what containers really exist where): never over credit, never over memory, never one instance
 * running twice, every pending instance explained, and the explanation is true.
 */
@Timeout(60)
class LedgerPropertiesTest {

    record AppGen(int tier, int priority, int instances, int memoryMb, int depOffset) {
    }

    @Provide
    Arbitrary<AppGen> appGen() {
        return Combinators.combine(Arbitraries.integers().between(0, 2), Arbitraries.integers().between(0, 3),
                Arbitraries.integers().between(0, 4), Arbitraries.integers().between(50, 900),
                Arbitraries.integers().between(0, 3)).as(AppGen::new);
    }

    static Catalog catalog(List<AppGen> gens) {
        TreeMap<String, AppSpec> apps = new TreeMap<>();
        for (int i = 0; i < gens.size(); i++) {
            AppGen g = gens.get(i);
            List<String> deps = g.depOffset() > 0 && i - g.depOffset() >= 0 ? List.of("app" + (i - g.depOffset())) : List.of();
            String id = "app" + i;
            apps.put(id, new AppSpec(id, "registry.local/" + id + ":1", g.instances(), Tier.values()[g.tier()],
                    g.priority(), g.memoryMb(), 0.5, deps, List.of(), Map.of(), 60));
        }
        return new Catalog(apps, List.of());
    }

    /** The real world: containers per host (instance -> running?). */
    static final class World {
        final Map<String, Map<String, Boolean>> containers = new TreeMap<>();
        final Map<String, Integer> credits = new HashMap<>();
        final Map<String, Long> memory = new HashMap<>();

        /** Starts sent to each host and not yet answered: a real agent reports them as in flight. */
        final Map<String, Integer> inFlight = new HashMap<>();

        HostReport report(String node) {
            List<ContainerInfo> cs = new ArrayList<>();
            containers.get(node).forEach((id, run) -> cs.add(new ContainerInfo(id, id.substring(0, id.lastIndexOf('-')),
                    "c", "img", run ? ContainerState.RUNNING : ContainerState.STOPPED, 0)));
            return new HostReport(node, credits.get(node), inFlight.getOrDefault(node, 0), memory.get(node), Set.of(), cs);
        }

        void apply(List<StopOrder> stops) {
            for (StopOrder s : stops) {
                Map<String, Boolean> m = containers.get(s.nodeId());
                if (m != null) {
                    m.remove(s.instanceId());
                }
            }
        }

        int runningCopies(String id) {
            int n = 0;
            for (Map<String, Boolean> m : containers.values()) {
                if (Boolean.TRUE.equals(m.get(id))) {
                    n++;
                }
            }
            return n;
        }
    }

    @Property(tries = 300)
    void safetyUnderRandomEvents(@ForAll @Size(min = 1, max = 8) List<@net.jqwik.api.From("appGen") AppGen> gens,
                                 @ForAll @IntRange(min = 1, max = 4) int hostCount,
                                 @ForAll @Size(min = 5, max = 60) List<@IntRange(min = 0, max = 99) Integer> ops,
                                 @ForAll long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        // a pull budget of 2: the test hosts report no images, so every start is a pull and the budget bites
        LedgerSettings settings = new LedgerSettings(3, 100, 400, 500, 3, 10_000, 2_000, 2, 500);
        Ledger l = new Ledger(settings, new SplittableRandom(seed));
        World w = new World();
        Catalog cat = catalog(gens);
        long now = 0;
        l.setCatalog(cat, now);
        for (int h = 0; h < hostCount; h++) {
            String node = "h" + h;
            w.containers.put(node, new TreeMap<>());
            w.credits.put(node, rnd.nextInt(0, 4));
            w.memory.put(node, (long) rnd.nextInt(300, 3000));
            // leftovers of before the blackout: stopped containers of some instances
            for (AppSpec a : cat.apps().values()) {
                for (int i = 0; i < a.instances(); i++) {
                    if (rnd.nextInt(4) == 0) {
                        w.containers.get(node).put(a.instance(i).toString(), false);
                    }
                }
            }
            w.apply(l.hostReported(w.report(node), now));
        }
        List<Assignment> inFlight = new ArrayList<>();
        for (int op : ops) {
            now += 50 + rnd.nextInt(400);
            if (op < 40) {
                for (Assignment a : l.plan(now)) {
                    l.assignmentRecorded(a.instanceId(), a.nodeId(), 1, now);
                    inFlight.add(a);
                    w.inFlight.merge(a.nodeId(), 1, Integer::sum);
                }
            } else if (op < 75 && !inFlight.isEmpty()) {
                Assignment a = inFlight.remove(rnd.nextInt(inFlight.size()));
                w.inFlight.merge(a.nodeId(), -1, Integer::sum);
                StartResult r = rnd.nextInt(3) == 0 ? StartResult.FAILED : StartResult.STARTED;
                if (r == StartResult.STARTED && w.containers.containsKey(a.nodeId())) {
                    w.containers.get(a.nodeId()).put(a.instanceId(), true);
                }
                w.apply(l.startOutcome(a.nodeId(), a.instanceId(), a.attempt(), r, "x", now));
            } else if (op < 90) {
                String node = "h" + rnd.nextInt(hostCount);
                if (w.containers.containsKey(node)) {
                    // the agent's own view: free slots beyond its starts in flight, never counting them twice
                    w.credits.put(node, rnd.nextInt(0, 4));
                    if (rnd.nextInt(5) == 0) { // a running container dies
                        w.containers.get(node).replaceAll((k, v) -> false);
                    }
                    w.apply(l.hostReported(w.report(node), now));
                }
            } else if (op < 93 && hostCount > 1) {
                String node = "h" + rnd.nextInt(hostCount);
                if (w.containers.remove(node) != null) {
                    l.hostLost(node, now);
                    inFlight.removeIf(a -> a.nodeId().equals(node));
                    w.inFlight.remove(node);
                }
            } else {
                l.tick(now);
            }
            checkInvariants(l, w, now);
        }
    }

    static void checkInvariants(Ledger l, World w, long now) {
        Map<String, Integer> outstanding = new HashMap<>();
        Map<String, Long> outstandingMem = new HashMap<>();
        Map<String, Long> memOf = new HashMap<>();
        for (AppSpec a : l.apps()) {
            memOf.put(a.id(), a.memoryMb());
        }
        Set<String> placed = new HashSet<>();
        for (Ledger.InstanceView v : l.instances()) {
            if (v.state() == InstanceState.ASSIGNED || v.state() == InstanceState.STARTING) {
                outstanding.merge(v.nodeId(), 1, Integer::sum);
                outstandingMem.merge(v.nodeId(), memOf.get(v.appId()), Long::sum);
            }
            if (v.state() == InstanceState.ASSIGNED || v.state() == InstanceState.STARTING
                    || v.state() == InstanceState.RUNNING) {
                assertNotNull(v.nodeId(), v.toString());
                assertTrue(placed.add(v.instanceId()));
            }
            assertTrue(w.runningCopies(v.instanceId()) <= 1, "two running containers of " + v.instanceId());
            Explanation e = l.explain(v.instanceId(), now);
            assertNotNull(e);
            assertEquals(v.state(), e.state());
            if (v.state() == InstanceState.PENDING) {
                assertTrue(Set.of("backoff", "dependency", "platform-gate", "restart-in-place", "no-credit", "memory", "pull-budget",
                        "queued").contains(e.rule()), e.toString());
            }
        }
        int pulls = outstanding.values().stream().mapToInt(Integer::intValue).sum();
        assertTrue(l.pullsInFlight() >= 0 && l.pullsInFlight() <= Math.min(2, pulls),
                "pulls in flight " + l.pullsInFlight() + " of " + pulls + " outstanding");
        for (Ledger.HostView h : l.hosts()) {
            int out = outstanding.getOrDefault(h.nodeId(), 0);
            assertEquals(out, h.outstanding(), "ledger's own count of " + h.nodeId());
            assertTrue(out <= h.granted(), h + " over credit: " + out);
            assertTrue(outstandingMem.getOrDefault(h.nodeId(), 0L) <= h.memoryAvailableMb(), h + " over memory");
        }
    }

    @Property(tries = 200)
    void everyPendingInstanceIsPlacedOrExplainedTruthfully(
            @ForAll @Size(min = 1, max = 8) List<@net.jqwik.api.From("appGen") AppGen> gens,
            @ForAll @IntRange(min = 0, max = 3) int hosts, @ForAll @IntRange(min = 0, max = 3) int credits) {
        Ledger l = new Ledger(LedgerSettings.defaults(), new SplittableRandom(7));
        l.setCatalog(catalog(gens), 0);
        for (int h = 0; h < hosts; h++) {
            l.hostReported(new HostReport("h" + h, credits, 0, 1500, Set.of(), List.of()), 0);
        }
        List<Assignment> placed = l.plan(0);
        Set<String> placedIds = new HashSet<>();
        placed.forEach(a -> placedIds.add(a.instanceId()));
        int free = 0;
        for (Ledger.HostView h : l.hosts()) {
            free += h.granted() - h.outstanding();
        }
        for (Ledger.InstanceView v : l.instances()) {
            Explanation e = l.explain(v.instanceId(), 0);
            if (placedIds.contains(v.instanceId())) {
                assertEquals(InstanceState.ASSIGNED, v.state());
            } else if (v.state() == InstanceState.PENDING) {
                // the explanation is true: no-credit means no free slot anywhere
                if (e.rule().equals("no-credit")) {
                    assertEquals(0, free, e.toString());
                }
                assertTrue(Set.of("dependency", "platform-gate", "no-credit", "memory", "pull-budget", "queued").contains(e.rule()),
                        e.toString());
            }
        }
    }
}
