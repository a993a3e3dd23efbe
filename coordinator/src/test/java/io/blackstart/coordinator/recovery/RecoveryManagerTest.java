package io.blackstart.coordinator.recovery;

import io.blackstart.testsupport.Await;
import io.blackstart.testsupport.TestKitExtension;
import io.blackstart.coordinator.AgentProbe;
import io.blackstart.coordinator.CoordinatorSettings;
import io.blackstart.coordinator.RegisteredAgents;
import io.blackstart.coordinator.TestFixtures;
import io.blackstart.coordinator.catalog.CatalogKeeper;
import io.blackstart.coordinator.status.StatusSnapshot;
import io.blackstart.coordinator.store.DesiredStateStore;
import io.blackstart.coordinator.store.InMemoryDesiredStateStore;

import io.blackstart.protocol.Catalog;
import io.blackstart.protocol.wire.AgentCommand;
import io.blackstart.protocol.wire.AgentEvent;
import io.blackstart.protocol.wire.StartResult;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.ManualTime;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.receptionist.Receptionist;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

import static io.blackstart.coordinator.TestFixtures.catalog;
import static io.blackstart.coordinator.TestFixtures.report;
import static io.blackstart.coordinator.TestFixtures.running;
import static io.blackstart.coordinator.TestFixtures.spec;
import static io.blackstart.coordinator.TestFixtures.stopped;
import static io.blackstart.coordinator.TestFixtures.update;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The recovery manager with an in-memory store, a probe as catalog keeper and probes as agents. */
@Timeout(120)
public class RecoveryManagerTest {

    private static final Duration WAIT = Duration.ofSeconds(5);
    @RegisterExtension
    static final TestKitExtension kit = new TestKitExtension(TestFixtures.localConfig());
    private final RegisteredAgents agents = new RegisteredAgents(kit.get());

    @AfterEach
    void deregister() {
        agents.clear();
    }

    private AgentProbe agent(String node) {
        return agents.add(node);
    }

    /** A manager whose catalog keeper is a probe; returns the manager after handing it {@code catalog}. */
    private ActorRef<RecoveryManager.Command> manager(InMemoryDesiredStateStore store, Catalog catalog,
                                                      CoordinatorSettings.Recovery settings) {
        TestProbe<CatalogKeeper.Command> keeper = kit.get().createTestProbe(CatalogKeeper.Command.class);
        ActorRef<RecoveryManager.Command> m = kit.get().spawn(RecoveryManager.create(store, keeper.ref(), settings));
        CatalogKeeper.Subscribe sub = keeper.expectMessageClass(CatalogKeeper.Subscribe.class, WAIT);
        sub.subscriber().tell(update(catalog));
        return m;
    }

    private static void send(ActorRef<RecoveryManager.Command> m, AgentEvent e) {
        m.tell(new RecoveryManager.AgentEventReceived(e));
    }

    private static void started(ActorRef<RecoveryManager.Command> m, String node, AgentCommand.StartInstance s) {
        send(m, new AgentEvent.StartOutcome(node, s.instanceId(), s.assignment(), s.attempt(), StartResult.STARTED,
                "c-" + s.instanceId(), null, 5));
    }

    private StatusSnapshot status(ActorRef<RecoveryManager.Command> m) {
        TestProbe<StatusSnapshot> p = kit.get().createTestProbe(StatusSnapshot.class);
        m.tell(new RecoveryManager.GetStatus(p.ref()));
        return p.receiveMessage(WAIT);
    }

    @Test
    void neverMoreOutstandingStartsThanGrantedCredits() {
        InMemoryDesiredStateStore store = new InMemoryDesiredStateStore();
        AgentProbe a = agent("host-a");
        ActorRef<RecoveryManager.Command> m = manager(store, catalog(spec("web", 5, "app")), TestFixtures.recovery());
        a.expectReportRequest(WAIT);
        send(m, report("host-a", a.ref(), 1, 2, 0, false));

        AgentCommand.StartInstance s1 = a.expectStart(WAIT);
        AgentCommand.StartInstance s2 = a.expectStart(WAIT);
        a.expectNoStart(Duration.ofMillis(600)); // 2 credits granted, 2 outstanding: nothing more, tick after tick
        assertEquals(2, store.assignmentsNow().size(), "each start was recorded before it was sent");
        assertTrue(store.assignmentsNow().containsKey(s1.instanceId()));

        // the agent confirms what it is doing: still no room
        send(m, report("host-a", a.ref(), 2, 0, 2, false));
        a.expectNoStart(Duration.ofMillis(300));

        // one finishes: exactly one more
        started(m, "host-a", s1);
        AgentCommand.StartInstance s3 = a.expectStart(WAIT);
        a.expectNoStart(Duration.ofMillis(300));
        assertEquals(3, Set.of(s1.instanceId(), s2.instanceId(), s3.instanceId()).size());
        StatusSnapshot.HostStatus h = status(m).hosts().get(0);
        assertEquals(2, h.peakOutstanding(), "never more outstanding than granted");
        assertEquals(2, h.peakStartsInFlight());
        kit.get().stop(m);
    }

    @Test
    void platformTierFirstThenDatabaseThenDependants() {
        InMemoryDesiredStateStore store = new InMemoryDesiredStateStore();
        AgentProbe a = agent("host-a");
        ActorRef<RecoveryManager.Command> m = manager(store, catalog(spec("core", 1, "platform"),
                spec("db", 1, "database"), spec("web", 1, "app", "db")), TestFixtures.recovery());
        a.expectReportRequest(WAIT);
        send(m, report("host-a", a.ref(), 1, 5, 0, false));

        AgentCommand.StartInstance first = a.expectStart(WAIT);
        assertEquals("core-0", first.instanceId());
        a.expectNoStart(Duration.ofMillis(400)); // platform gate: nothing else while core-0 is not running
        started(m, "host-a", first);

        AgentCommand.StartInstance second = a.expectStart(WAIT);
        assertEquals("db-0", second.instanceId());
        a.expectNoStart(Duration.ofMillis(400)); // web depends on db
        started(m, "host-a", second);

        assertEquals("web-0", a.expectStart(WAIT).instanceId());
        kit.get().stop(m);
    }

    @Test
    void failedStartsAreRetriedThenTheInstanceFailsWithItsReason() {
        InMemoryDesiredStateStore store = new InMemoryDesiredStateStore();
        AgentProbe a = agent("host-a");
        ActorRef<RecoveryManager.Command> m = manager(store, catalog(spec("flaky", 1, "app")),
                TestFixtures.recovery(2, Duration.ofMillis(300)));
        a.expectReportRequest(WAIT);
        send(m, report("host-a", a.ref(), 1, 1, 0, false));

        for (int attempt = 1; attempt <= 2; attempt++) {
            AgentCommand.StartInstance s = a.expectStart(WAIT);
            assertEquals(attempt, s.attempt());
            send(m, new AgentEvent.StartOutcome("host-a", s.instanceId(), s.assignment(), s.attempt(),
                    StartResult.FAILED, null, "image exploded", 3));
        }
        a.expectNoStart(Duration.ofMillis(500));
        StatusSnapshot st = status(m);
        assertEquals(1, st.total().failed());
        StatusSnapshot.InstanceStatus i = st.instances().get(0);
        assertEquals("failed", i.state());
        assertTrue(i.failure().contains("image exploded"), i.failure());
        kit.get().stop(m);
    }

    @Test
    void newIncarnationRebuildsFromReportsAndStartsNothingTwice() {
        InMemoryDesiredStateStore store = new InMemoryDesiredStateStore();
        Catalog cat = catalog(spec("web", 2, "app"));
        AgentProbe a = agent("host-a");
        ActorRef<RecoveryManager.Command> first = manager(store, cat, TestFixtures.recovery());
        a.expectReportRequest(WAIT);
        send(first, report("host-a", a.ref(), 1, 2, 0, false));
        AgentCommand.StartInstance s1 = a.expectStart(WAIT);
        AgentCommand.StartInstance s2 = a.expectStart(WAIT);
        started(first, "host-a", s1);
        started(first, "host-a", s2);
        kit.get().stop(first); // the singleton's node dies

        a.reportRequests = 0;
        int recordedByFirst = store.casCalls.get();
        ActorRef<RecoveryManager.Command> second = manager(store, cat, TestFixtures.recovery());
        a.expectReportRequest(WAIT);
        send(second, report("host-a", a.ref(), 7, 2, 0, false, running("web-0"), running("web-1")));
        a.expectNoStart(Duration.ofSeconds(1));
        StatusSnapshot st = status(second);
        assertEquals(2, st.total().running());
        assertEquals(recordedByFirst, store.casCalls.get(), "the second incarnation recorded nothing");
        kit.get().stop(second);
    }

    @Test
    void startStillInFlightOnAnotherHostIsNotDuplicated() {
        InMemoryDesiredStateStore store = new InMemoryDesiredStateStore();
        // an earlier incarnation sent web-0 to host-a a moment ago; host-a has not got the container up yet
        store.seedAssignment("web-0", new DesiredStateStore.AssignmentValue("host-a", 1, "old/1", System.currentTimeMillis()));
        AgentProbe a = agent("host-a");
        AgentProbe b = agent("host-b");
        ActorRef<RecoveryManager.Command> m = manager(store, catalog(spec("web", 2, "app")), TestFixtures.recovery());
        a.expectReportRequest(WAIT);
        b.expectReportRequest(WAIT);
        send(m, report("host-a", a.ref(), 1, 0, 0, false));   // busy: no credit
        send(m, report("host-b", b.ref(), 1, 5, 0, false));

        Set<String> startedOnB = new HashSet<>();
        startedOnB.add(b.expectStart(WAIT).instanceId());
        b.expectNoStart(Duration.ofMillis(1500));
        assertEquals(Set.of("web-1"), startedOnB, "web-0 may still be starting on host-a");
        assertEquals("host-a", store.assignmentsNow().get("web-0").value().node());

        // host-a reports the container running: web-0 is running there, nothing else happens
        send(m, report("host-a", a.ref(), 2, 1, 0, false, running("web-0")));
        a.expectNoStart(Duration.ofMillis(300));
        b.expectNoStart(Duration.ofMillis(300));
        kit.get().stop(m);
    }

    @Test
    void failureOfAStartSentByAnEarlierIncarnationIsNotCountedAgainstTheNewOne() {
        InMemoryDesiredStateStore store = new InMemoryDesiredStateStore();
        long oldRevision = store.seedAssignment("web-0",
                new DesiredStateStore.AssignmentValue("host-a", 1, "old/1", System.currentTimeMillis()));
        AgentProbe a = agent("host-a");
        ActorRef<RecoveryManager.Command> m = manager(store, catalog(spec("web", 1, "app")),
                TestFixtures.recovery(1, Duration.ofMillis(300)));
        a.expectReportRequest(WAIT);
        send(m, report("host-a", a.ref(), 1, 1, 0, false));
        AgentCommand.StartInstance s = a.expectStart(WAIT); // same host as the old record: allowed
        assertTrue(s.assignment() > oldRevision);
        send(m, new AgentEvent.StartOutcome("host-a", "web-0", oldRevision, 1, StartResult.FAILED, null, "old", 1));
        a.expectNoStart(Duration.ofMillis(300));
        assertEquals("starting", status(m).instances().get(0).state(), "max-attempts 1, yet not failed by the stale outcome");
        started(m, "host-a", s);
        a.expectNoStart(Duration.ofMillis(200));
        assertEquals(1, status(m).total().running());
        kit.get().stop(m);
    }

    @Test
    void recoveryModeEnteredAboveThresholdAndLeftWhenConverged() {
        InMemoryDesiredStateStore store = new InMemoryDesiredStateStore();
        AgentProbe a = agent("host-a");
        ActorRef<RecoveryManager.Command> m = manager(store, catalog(spec("web", 2, "app")), TestFixtures.recovery());
        a.expectReportRequest(WAIT);
        send(m, report("host-a", a.ref(), 1, 2, 0, false, stopped("web-0")));

        a.expectMode(true, WAIT);
        awaitMode(store, true);
        assertEquals("auto", store.modeNow().orElseThrow().by());
        AgentCommand.StartInstance s1 = a.expectStart(WAIT);
        AgentCommand.StartInstance s2 = a.expectStart(WAIT);
        started(m, "host-a", s1);
        a.expectNoStart(Duration.ofMillis(200));
        assertTrue(a.modes.stream().allMatch(AgentCommand.SetRecoveryMode::recovery), "still recovering");
        started(m, "host-a", s2);
        a.expectMode(false, WAIT);
        awaitMode(store, false);
        assertEquals("normal", status(m).mode());
        kit.get().stop(m);
    }

    @Test
    void operatorCommandsAndLosingHostsSwitchTheMode() {
        InMemoryDesiredStateStore store = new InMemoryDesiredStateStore();
        AgentProbe a = agent("host-a");
        AgentProbe b = agent("host-b");
        ActorRef<RecoveryManager.Command> m = manager(store, catalog(spec("web", 4, "app")), TestFixtures.recovery());
        a.expectReportRequest(WAIT);
        b.expectReportRequest(WAIT);
        send(m, report("host-a", a.ref(), 1, 2, 0, false, running("web-0"), running("web-1")));
        send(m, report("host-b", b.ref(), 1, 2, 0, false, running("web-2"), running("web-3")));
        a.expectMode(false, WAIT); // all up: normal mode, told to every agent
        assertFalse(status(m).mode().equals("recovery"));

        // an operator starts recovery mode on a converged platform: it stays on
        TestProbe<RecoveryManager.ModeReply> reply = kit.get().createTestProbe(RecoveryManager.ModeReply.class);
        m.tell(new RecoveryManager.SetMode(true, false, reply.ref()));
        assertEquals("recovery", reply.receiveMessage(WAIT).mode());
        a.expectMode(true, WAIT);
        b.expectMode(true, WAIT);
        a.expectNoStart(Duration.ofMillis(300));
        assertEquals("recovery", status(m).mode());
        assertEquals("operator", store.modeNow().orElseThrow().by());
        m.tell(new RecoveryManager.SetMode(false, false, reply.ref()));
        assertEquals("normal", reply.receiveMessage(WAIT).mode());
        a.expectMode(false, WAIT);

        // host-b leaves: half of the instances are down -> recovery mode by itself, web-2/3 restarted on host-a
        kit.get().system().receptionist().tell(Receptionist.deregister(RecoveryManager.AGENT_KEY, b.ref()));
        a.expectMode(true, WAIT);
        Set<String> restarted = new HashSet<>();
        restarted.add(a.expectStart(WAIT).instanceId());
        restarted.add(a.expectStart(WAIT).instanceId());
        assertEquals(Set.of("web-2", "web-3"), restarted);
        assertEquals("auto", store.modeNow().orElseThrow().by());
        kit.get().stop(m);
    }

    /**
     * On manual time (the scheduler's {@link ManualTime} and the manager's wall clock moved together), so the host
     * timeout is crossed exactly, not by waiting 600 ms on a loaded machine and hoping the ticks kept up.
     */
    @Test
    void hostThatStopsReportingIsLostAndItsInstancesArePendingAgain() {
        ActorTestKit manual = ActorTestKit.create(ManualTime.config().withFallback(TestFixtures.localConfig()));
        try {
            ManualTime time = ManualTime.get(manual.system());
            AtomicLong clock = new AtomicLong(1_700_000_000_000L);
            CoordinatorSettings.Recovery settings = TestFixtures.recovery(3, Duration.ofMillis(300), Duration.ofMillis(600));
            InMemoryDesiredStateStore store = new InMemoryDesiredStateStore();
            AgentProbe a = new RegisteredAgents(manual).add("host-a");
            TestProbe<CatalogKeeper.Command> keeper = manual.createTestProbe(CatalogKeeper.Command.class);
            ActorRef<RecoveryManager.Command> m = manual.spawn(RecoveryManager.create(store, keeper.ref(), settings,
                    clock::get));
            keeper.expectMessageClass(CatalogKeeper.Subscribe.class, WAIT).subscriber()
                    .tell(update(catalog(spec("web", 2, "app"))));
            a.expectReportRequest(WAIT);
            send(m, report("host-a", a.ref(), 1, 2, 0, false, running("web-0"), running("web-1")));
            time.timePasses(settings.settleTime()); // the rebuild may wait out the settle time
            a.expectMode(false, WAIT);
            TestProbe<StatusSnapshot> status = manual.createTestProbe(StatusSnapshot.class);
            m.tell(new RecoveryManager.GetStatus(status.ref()));
            assertEquals(2, status.receiveMessage(WAIT).total().running());

            // no more reports: lost at the first tick after the host timeout, everything is down -> recovery mode
            clock.addAndGet(settings.hostTimeout().toMillis() + 1);
            time.timePasses(settings.tickInterval());
            a.expectMode(true, WAIT);
            m.tell(new RecoveryManager.GetStatus(status.ref()));
            StatusSnapshot st = status.receiveMessage(WAIT);
            assertEquals(0, st.total().running());
            assertEquals(2, st.total().pending());
            assertTrue(st.hosts().isEmpty());
        } finally {
            manual.shutdownTestKit();
        }
    }

    @Test
    void cachedCatalogIsUsedOnlyAfterAnOperatorAllowsIt() {
        InMemoryDesiredStateStore store = new InMemoryDesiredStateStore();
        AgentProbe a = agent("host-a");
        TestProbe<CatalogKeeper.Command> keeper = kit.get().createTestProbe(CatalogKeeper.Command.class);
        ActorRef<RecoveryManager.Command> m = kit.get().spawn(RecoveryManager.create(store, keeper.ref(), TestFixtures.recovery()));
        CatalogKeeper.Subscribe sub = keeper.expectMessageClass(CatalogKeeper.Subscribe.class, WAIT);
        sub.subscriber().tell(new CatalogKeeper.CatalogUpdate(catalog(spec("web", 1, "app")), 9,
                CatalogKeeper.Source.CACHE, false, "etcd unreachable"));
        a.expectReportRequest(WAIT);
        send(m, report("host-a", a.ref(), 1, 1, 0, false));
        a.expectNoStart(Duration.ofMillis(600));
        assertEquals("rebuilding", status(m).phase());

        TestProbe<RecoveryManager.ModeReply> reply = kit.get().createTestProbe(RecoveryManager.ModeReply.class);
        m.tell(new RecoveryManager.SetMode(true, true, reply.ref()));
        assertTrue(reply.receiveMessage(WAIT).message().contains("stale catalog allowed"));
        assertEquals("web-0", a.expectStart(WAIT).instanceId());
        assertEquals("cache", status(m).catalogSource());
        kit.get().stop(m);
    }

    @Test
    void reportOlderThanAConfirmedStartDoesNotCauseASecondStart() {
        InMemoryDesiredStateStore store = new InMemoryDesiredStateStore();
        AgentProbe a = agent("host-a");
        AgentProbe b = agent("host-b");
        ActorRef<RecoveryManager.Command> m = manager(store, catalog(spec("web", 1, "app")), TestFixtures.recovery());
        a.expectReportRequest(WAIT);
        b.expectReportRequest(WAIT);
        send(m, report("host-a", a.ref(), 1, 1, 0, false));
        send(m, report("host-b", b.ref(), 1, 0, 0, false));
        AgentCommand.StartInstance s = a.expectStart(WAIT);
        send(m, report("host-b", b.ref(), 2, 1, 0, false)); // b has room now
        started(m, "host-a", s);
        // written before the container came up, delivered after the outcome (it took the gateway's path)
        send(m, report("host-a", a.ref(), 2, 0, 1, false));
        b.expectNoStart(Duration.ofMillis(500));
        a.expectNoStart(Duration.ofMillis(100));
        assertEquals(1, status(m).total().running());
        // after the grace, reports are the truth again
        send(m, report("host-a", a.ref(), 3, 1, 0, false, running("web-0")));
        b.expectNoStart(Duration.ofMillis(900));
        assertEquals(1, status(m).total().running());
        kit.get().stop(m);
    }

    @Test
    void deltaReportsApplyOnTheirBaseAndAGapAsksTheAgentForAFullReport() {
        InMemoryDesiredStateStore store = new InMemoryDesiredStateStore();
        AgentProbe a = agent("host-a");
        ActorRef<RecoveryManager.Command> m = manager(store, catalog(spec("web", 3, "app")), TestFixtures.recovery());
        a.expectReportRequest(WAIT);
        send(m, report("host-a", a.ref(), 1, 0, 0, false, running("web-0"), running("web-1"), running("web-2")));
        awaitRunning(m, 3); // the rebuild may wait out the settle time (an agent of an earlier test still listed)

        // web-1 stopped, web-2's container is gone; web-0 is not listed (unchanged)
        send(m, delta("host-a", a.ref(), 2, List.of(stopped("web-1")), "web-2"));
        StatusSnapshot st = status(m);
        assertEquals(1, st.total().running());
        assertEquals(2, st.hosts().get(0).containers(), "web-0 (not in the delta) and web-1; web-2's is gone");
        assertEquals(1, st.hosts().get(0).runningContainers());

        // report 3 was lost: report 4 cannot be applied, and the agent is asked for a full one
        a.reportRequests = 0;
        send(m, delta("host-a", a.ref(), 4, List.of(stopped("web-0"))));
        a.expectReportRequest(WAIT);
        assertEquals(1, status(m).total().running(), "the delta after the gap changed nothing");

        send(m, report("host-a", a.ref(), 5, 0, 0, false, running("web-0"), running("web-1"), running("web-2")));
        assertEquals(3, status(m).total().running());
        kit.get().stop(m);
    }

    /** Waits until the manager (rebuilt) shows {@code n} instances running. */
    private void awaitRunning(ActorRef<RecoveryManager.Command> m, int n) {
        Await.until(n + " running", WAIT, () -> status(m),
                s -> !s.phase().equals("rebuilding") && s.total().running() == n);
    }

    private static AgentEvent.AgentReport delta(String node, ActorRef<AgentCommand> agent, long seq,
                                                List<io.blackstart.protocol.wire.ContainerInfo> changed,
                                                String... gone) {
        AgentEvent.AgentReport base = report(node, agent, seq, 0, 0, false);
        return new AgentEvent.AgentReport(node, agent, seq, changed, base.load(), 0, 0, 4, false, true,
                List.of(gone));
    }

    private static void awaitMode(InMemoryDesiredStateStore store, boolean recovery) {
        Await.until("mode in store recovery=" + recovery, WAIT, store::modeNow,
                mode -> mode.map(DesiredStateStore.ModeRecord::recovery).orElse(!recovery) == recovery);
    }
}
