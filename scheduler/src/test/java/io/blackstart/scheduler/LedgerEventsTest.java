package io.blackstart.scheduler;

import io.blackstart.protocol.Catalog;
import io.blackstart.protocol.Tier;
import io.blackstart.protocol.wire.StartResult;
import io.blackstart.scheduler.event.HostJoined;
import io.blackstart.scheduler.event.HostLost;
import io.blackstart.scheduler.event.InstanceTransition;
import io.blackstart.scheduler.event.LedgerEvent;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;

import static io.blackstart.scheduler.Fixtures.app;
import static io.blackstart.scheduler.Fixtures.catalog;
import static io.blackstart.scheduler.Fixtures.host;
import static io.blackstart.scheduler.Fixtures.running;
import static io.blackstart.scheduler.Fixtures.stopped;
import static io.blackstart.scheduler.InstanceState.ASSIGNED;
import static io.blackstart.scheduler.InstanceState.PENDING;
import static io.blackstart.scheduler.InstanceState.RUNNING;
import static io.blackstart.scheduler.InstanceState.STARTING;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The ledger's event log: every state change of an instance as a transition, hosts joining and lost. */
@Timeout(60)
class LedgerEventsTest {

    /** A transition without its time, for comparing sequences. */
    record T(String instanceId, InstanceState from, InstanceState to, String nodeId, String reason) {
    }

    static List<T> transitions(List<LedgerEvent> events) {
        List<T> out = new ArrayList<>();
        for (LedgerEvent e : events) {
            if (e instanceof InstanceTransition t) {
                out.add(new T(t.instanceId(), t.from(), t.to(), t.nodeId(), t.reason()));
            }
        }
        return out;
    }

    /** Kills a-0's container on h1 and restarts it in place: report, plan, record, start, report. */
    static void killAndRestartInPlace(Ledger l, long now) {
        l.hostReported(host("h1", 1, 10_000, Set.of(), List.of(stopped("a-0"))), now);
        List<Assignment> as = l.plan(now + 1);
        assertEquals(1, as.size());
        Assignment a = as.get(0);
        assertEquals("h1", a.nodeId());
        l.assignmentRecorded(a.instanceId(), a.nodeId(), 1, now + 2);
        l.startOutcome(a.nodeId(), a.instanceId(), a.attempt(), StartResult.STARTED, null, now + 3);
        l.hostReported(host("h1", 1, 10_000, Set.of(), List.of(running("a-0"))), now + 4);
    }

    @Test
    void aContainerKilledAndRestartedInPlaceGivesItsExactTransitions() {
        List<LedgerEvent> events = new ArrayList<>();
        Ledger l = new Ledger(LedgerSettings.defaults(), new SplittableRandom(1), events::add);
        l.setCatalog(catalog(app("a", Tier.APP, 0, 1, 100)), 0);
        l.hostReported(host("h1", 1, 10_000, Set.of(), List.of(running("a-0"))), 0);
        assertEquals(List.of(new InstanceTransition("a-0", "a", Tier.APP, null, PENDING, null, "desired", 0),
                new HostJoined("h1", 0),
                new InstanceTransition("a-0", "a", Tier.APP, PENDING, RUNNING, "h1", "running (reported)", 0)), events);
        events.clear();

        killAndRestartInPlace(l, 1000);

        assertEquals(List.of(
                new InstanceTransition("a-0", "a", Tier.APP, RUNNING, PENDING, null, "container stopped on h1", 1000),
                new InstanceTransition("a-0", "a", Tier.APP, PENDING, ASSIGNED, "h1", "assigned", 1001),
                new InstanceTransition("a-0", "a", Tier.APP, ASSIGNED, STARTING, "h1", "assignment recorded", 1002),
                new InstanceTransition("a-0", "a", Tier.APP, STARTING, RUNNING, "h1", "started", 1003)), events,
                "the report that shows it running again changes nothing");
    }

    @Test
    void twentyKillsGiveTwentyDownsAndTwentyUpsInOrder() {
        List<LedgerEvent> events = new ArrayList<>();
        Ledger l = new Ledger(LedgerSettings.defaults(), new SplittableRandom(1), events::add);
        l.setCatalog(catalog(app("a", Tier.APP, 0, 1, 100)), 0);
        l.hostReported(host("h1", 1, 10_000, Set.of(), List.of(running("a-0"))), 0);
        events.clear();
        for (int i = 1; i <= 20; i++) {
            killAndRestartInPlace(l, i * 1000L);
        }
        List<T> ts = transitions(events);
        List<String> downsAndUps = new ArrayList<>();
        List<String> expected = new ArrayList<>();
        for (T t : ts) {
            if (t.from() == RUNNING) {
                downsAndUps.add("down");
            } else if (t.to() == RUNNING) {
                downsAndUps.add("up");
            }
        }
        for (int i = 0; i < 20; i++) {
            expected.add("down");
            expected.add("up");
        }
        assertEquals(expected, downsAndUps);
        assertEquals(80, ts.size());
        for (int i = 0; i < ts.size(); i += 4) {
            assertEquals(new T("a-0", RUNNING, PENDING, null, "container stopped on h1"), ts.get(i));
            assertEquals(new T("a-0", PENDING, ASSIGNED, "h1", "assigned"), ts.get(i + 1));
            assertEquals(new T("a-0", ASSIGNED, STARTING, "h1", "assignment recorded"), ts.get(i + 2));
            assertEquals(new T("a-0", STARTING, RUNNING, "h1", "started"), ts.get(i + 3));
        }
        for (int i = 1; i < events.size(); i++) {
            assertTrue(events.get(i - 1).at() <= events.get(i).at(), "in time order");
        }
    }

    @Test
    void aHostJoinsOnItsFirstReportAndIsLostWithItsInstances() {
        List<LedgerEvent> events = new ArrayList<>();
        Ledger l = new Ledger(LedgerSettings.defaults(), new SplittableRandom(1), events::add);
        l.setCatalog(catalog(app("a", Tier.APP, 0, 2, 100)), 0);
        l.hostReported(host("h1", 1, 10_000, Set.of(), List.of(running("a-0"))), 0);
        l.hostReported(host("h1", 2, 10_000, Set.of(), List.of(running("a-0"))), 10);
        List<Assignment> as = l.plan(20);
        assertEquals(List.of("a-1"), Fixtures.ids(as));
        assertEquals(1, events.stream().filter(e -> e instanceof HostJoined).count(), "a second report joins nothing");
        events.clear();

        l.hostLost("h1", 30);

        assertEquals(new HostLost("h1", 30), events.get(0));
        List<T> ts = transitions(events);
        assertEquals(Set.of(new T("a-0", RUNNING, PENDING, null, "host h1 lost"),
                new T("a-1", ASSIGNED, PENDING, null, "host h1 lost")), Set.copyOf(ts));
        assertEquals(3, events.size());
        events.clear();

        l.hostReported(host("h1", 1, 10_000), 40);
        assertEquals(new HostJoined("h1", 40), events.get(0), "back after it was lost: joins again");
    }

    @Test
    void catalogAdditionsAndRemovalsAreTransitionsFromAndToNothing() {
        List<LedgerEvent> events = new ArrayList<>();
        Ledger l = new Ledger(LedgerSettings.defaults(), new SplittableRandom(1), events::add);
        l.setCatalog(catalog(app("a", Tier.APP, 0, 2, 100)), 0);
        l.hostReported(host("h1", 0, 10_000, Set.of(), List.of(running("a-1"))), 0);
        events.clear();
        l.setCatalog(catalog(app("a", Tier.APP, 0, 1, 100)), 5);
        assertEquals(List.of(new T("a-1", RUNNING, null, null, "no longer desired")), transitions(events));
    }

    @Test
    void aFailedStartIsATransitionWithItsMessage() {
        List<LedgerEvent> events = new ArrayList<>();
        Ledger l = new Ledger(new LedgerSettings(1, 1000, 1000, 1000, 100, 1000, 1000), new SplittableRandom(1),
                events::add);
        l.setCatalog(catalog(app("db", Tier.DATABASE, 0, 1, 100), app("web", Tier.APP, 0, 1, 100, "db")), 0);
        l.hostReported(host("h1", 5, 100_000), 0);
        Assignment a = Fixtures.planAndRecord(l, 0).get(0);
        events.clear();
        l.startOutcome("h1", a.instanceId(), 1, StartResult.FAILED, "boom", 1);
        assertEquals(List.of(new T("db-0", STARTING, InstanceState.FAILED, null, "failed: boom"),
                new T("web-0", PENDING, InstanceState.FAILED, null, "dependency 'db' failed")), transitions(events),
                "the cause before what it causes");
    }

    @Test
    void withoutASinkTheLedgerWorksTheSame() {
        Ledger l = LedgerTest.ledger();
        l.setCatalog(catalog(app("a", Tier.APP, 0, 1, 100)), 0);
        l.hostReported(host("h1", 1, 10_000, Set.of(), List.of(running("a-0"))), 0);
        killAndRestartInPlace(l, 1000);
        assertEquals(RUNNING, l.instance("a-0").state());
    }

    @Provide
    Arbitrary<LedgerPropertiesTest.AppGen> appGen() {
        return new LedgerPropertiesTest().appGen();
    }

    /**
     * Under a random drive (plans, outcomes, reports with dying containers, lost hosts, catalog changes, ticks), every
     * transition of an instance starts where its previous one ended, and the last one always names the ledger's
     * current state: no state change bypasses the log.
     */
    @Property(tries = 200)
    void everyTransitionStartsWhereThePreviousEnded(
            @ForAll @Size(min = 1, max = 8) List<LedgerPropertiesTest.@net.jqwik.api.From("appGen") AppGen> gens,
            @ForAll @IntRange(min = 1, max = 4) int hostCount,
            @ForAll @Size(min = 5, max = 60) List<@IntRange(min = 0, max = 99) Integer> ops,
            @ForAll long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        List<LedgerEvent> events = new ArrayList<>();
        Ledger l = new Ledger(new LedgerSettings(2, 100, 400, 500, 3, 10_000, 2_000, 2, 500),
                new SplittableRandom(seed), events::add);
        LedgerPropertiesTest.World w = new LedgerPropertiesTest.World();
        Catalog full = LedgerPropertiesTest.catalog(gens);
        Catalog half = LedgerPropertiesTest.catalog(gens.subList(0, (gens.size() + 1) / 2));
        long now = 0;
        l.setCatalog(full, now);
        for (int h = 0; h < hostCount; h++) {
            String node = "h" + h;
            w.containers.put(node, new TreeMap<>());
            w.credits.put(node, rnd.nextInt(0, 4));
            w.memory.put(node, (long) rnd.nextInt(300, 3000));
            for (var a : full.apps().values()) {
                for (int i = 0; i < a.instances(); i++) {
                    if (rnd.nextInt(4) == 0) {
                        w.containers.get(node).put(a.instance(i).toString(), rnd.nextBoolean());
                    }
                }
            }
            w.apply(l.hostReported(w.report(node), now));
        }
        Map<String, InstanceState> last = new HashMap<>();
        Map<String, Boolean> joined = new HashMap<>();
        int seen = check(l, events, 0, last, joined);
        List<Assignment> inFlight = new ArrayList<>();
        for (int op : ops) {
            now += 50 + rnd.nextInt(400);
            if (op < 35) {
                for (Assignment a : l.plan(now)) {
                    if (rnd.nextInt(10) == 0) {
                        l.assignmentConflict(a.instanceId(), a.nodeId(), "held elsewhere", now);
                        continue;
                    }
                    l.assignmentRecorded(a.instanceId(), a.nodeId(), 1, now);
                    inFlight.add(a);
                }
            } else if (op < 65 && !inFlight.isEmpty()) {
                Assignment a = inFlight.remove(rnd.nextInt(inFlight.size()));
                StartResult r = rnd.nextInt(3) == 0 ? StartResult.FAILED : StartResult.STARTED;
                if (r == StartResult.STARTED && w.containers.containsKey(a.nodeId())) {
                    w.containers.get(a.nodeId()).put(a.instanceId(), true);
                }
                w.apply(l.startOutcome(a.nodeId(), a.instanceId(), a.attempt(), r, "x", now));
            } else if (op < 85) {
                String node = "h" + rnd.nextInt(hostCount);
                w.containers.putIfAbsent(node, new TreeMap<>());
                w.credits.put(node, rnd.nextInt(0, 4));
                w.memory.putIfAbsent(node, 2000L);
                if (rnd.nextInt(4) == 0) { // a running container dies
                    w.containers.get(node).replaceAll((k, v) -> false);
                }
                w.apply(l.hostReported(w.report(node), now));
            } else if (op < 90) {
                String node = "h" + rnd.nextInt(hostCount);
                if (w.containers.remove(node) != null) {
                    l.hostLost(node, now);
                    inFlight.removeIf(a -> a.nodeId().equals(node));
                }
            } else if (op < 94) {
                w.apply(l.setCatalog(rnd.nextBoolean() ? half : full, now));
            } else {
                l.tick(now);
            }
            seen = check(l, events, seen, last, joined);
        }
    }

    /** Checks the events since {@code from} against the ones before and the ledger's state; returns the new end. */
    static int check(Ledger l, List<LedgerEvent> events, int from, Map<String, InstanceState> last,
                     Map<String, Boolean> joined) {
        for (LedgerEvent e : events.subList(from, events.size())) {
            if (e instanceof InstanceTransition t) {
                assertEquals(last.get(t.instanceId()), t.from(), "chain of " + t.instanceId() + " at " + t);
                assertTrue(t.from() != t.to(), t.toString());
                last.put(t.instanceId(), t.to());
                if (t.to() == null) {
                    last.remove(t.instanceId());
                }
            } else if (e instanceof HostJoined j) {
                assertTrue(!joined.getOrDefault(j.nodeId(), false), "joined twice: " + j);
                joined.put(j.nodeId(), true);
            } else if (e instanceof HostLost h) {
                assertTrue(joined.getOrDefault(h.nodeId(), false), "lost before it joined: " + h);
                joined.put(h.nodeId(), false);
            }
        }
        Map<String, InstanceState> now = new HashMap<>();
        for (Ledger.InstanceView v : l.instances()) {
            now.put(v.instanceId(), v.state());
        }
        assertEquals(now, last, "the log's last word on every instance is its state");
        return events.size();
    }
}
