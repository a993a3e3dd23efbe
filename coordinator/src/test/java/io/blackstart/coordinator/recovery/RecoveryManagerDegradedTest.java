package io.blackstart.coordinator.recovery;

import io.blackstart.testsupport.Await;
import io.blackstart.testsupport.TestKitExtension;
import io.blackstart.coordinator.AgentProbe;
import io.blackstart.coordinator.RegisteredAgents;
import io.blackstart.coordinator.TestFixtures;
import io.blackstart.coordinator.catalog.CatalogKeeper;
import io.blackstart.coordinator.status.StatusSnapshot;
import io.blackstart.coordinator.store.AssignmentJournal;
import io.blackstart.coordinator.store.InMemoryDesiredStateStore;

import io.blackstart.coordinator.store.DesiredStateStore.AssignmentValue;
import io.blackstart.protocol.Catalog;
import io.blackstart.protocol.wire.AgentCommand;
import io.blackstart.protocol.wire.AgentEvent;
import io.blackstart.protocol.wire.StartResult;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.receptionist.Receptionist;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import static io.blackstart.coordinator.TestFixtures.catalog;
import static io.blackstart.coordinator.TestFixtures.report;
import static io.blackstart.coordinator.TestFixtures.running;
import static io.blackstart.coordinator.TestFixtures.spec;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Degraded recovery: etcd down (the in-memory store refusing every call), the cached catalog allowed by an operator;
 * assignments go to the journal file, starts follow, and the journal is written back when the store answers again.
 */
@Timeout(120)
public class RecoveryManagerDegradedTest {

    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final long CACHED_AT = 1_700_000_000_000L;
    @RegisterExtension
    static final TestKitExtension kit = new TestKitExtension(TestFixtures.localConfig());
    private final RegisteredAgents agents = new RegisteredAgents(kit.get());

    @TempDir
    Path dir;

    @AfterEach
    void deregister() {
        agents.clear();
    }

    private AgentProbe agent(String node) {
        return agents.add(node);
    }

    private ActorRef<RecoveryManager.Command> manager(InMemoryDesiredStateStore store, Catalog cached, Path journal) {
        return manager(store, new CatalogKeeper.CatalogUpdate(cached, 9, CatalogKeeper.Source.CACHE, false,
                "etcd unreachable", 0, CACHED_AT), journal);
    }

    /** A manager journaling to {@code journal}, whose catalog keeper (a probe) publishes {@code catalog}. */
    private ActorRef<RecoveryManager.Command> manager(InMemoryDesiredStateStore store, CatalogKeeper.CatalogUpdate catalog,
                                                      Path journal) {
        TestProbe<CatalogKeeper.Command> keeper = kit.get().createTestProbe(CatalogKeeper.Command.class);
        ActorRef<RecoveryManager.Command> m = kit.get().spawn(RecoveryManager.create(store, keeper.ref(),
                TestFixtures.recovery().withAssignmentJournal(journal)));
        keeper.expectMessageClass(CatalogKeeper.Subscribe.class, WAIT).subscriber().tell(catalog);
        return m;
    }

    /**
     * A manager with etcd down and the cached catalog of app web ({@code instances}), to which agent {@code a}
     * reported {@code credits}; returns once its etcd load failed.
     */
    private ActorRef<RecoveryManager.Command> degradedHost(InMemoryDesiredStateStore store, AgentProbe a, Path journal,
                                                           int instances, int credits) {
        ActorRef<RecoveryManager.Command> m = manager(store, catalog(spec("web", instances, "app")), journal);
        a.expectReportRequest(WAIT);
        send(m, report(a.nodeId, a.ref(), 1, credits, 0, false));
        Await.until("a failed etcd load", WAIT, () -> !status(m).etcdOk());
        return m;
    }

    private static void send(ActorRef<RecoveryManager.Command> m, AgentEvent e) {
        m.tell(new RecoveryManager.AgentEventReceived(e));
    }

    private StatusSnapshot status(ActorRef<RecoveryManager.Command> m) {
        TestProbe<StatusSnapshot> p = kit.get().createTestProbe(StatusSnapshot.class);
        m.tell(new RecoveryManager.GetStatus(p.ref()));
        return p.receiveMessage(WAIT);
    }

    private RecoveryManager.ModeReply allowStale(ActorRef<RecoveryManager.Command> m) {
        TestProbe<RecoveryManager.ModeReply> reply = kit.get().createTestProbe(RecoveryManager.ModeReply.class);
        m.tell(new RecoveryManager.SetMode(true, true, reply.ref()));
        return reply.receiveMessage(WAIT);
    }

    @Test
    void withEtcdDownStartsAreJournaledThenWrittenBackWhenItAnswers() throws Exception {
        InMemoryDesiredStateStore store = new InMemoryDesiredStateStore();
        store.setDown(true);
        Path journal = dir.resolve("assignments.journal");
        AgentProbe a = agent("host-a");
        ActorRef<RecoveryManager.Command> m = degradedHost(store, a, journal, 2, 3);
        a.expectNoStart(Duration.ofMillis(500)); // stale catalog not allowed yet: nothing starts

        RecoveryManager.ModeReply r = allowStale(m);
        assertEquals("recovery", r.mode());
        assertTrue(r.message().startsWith("degraded: etcd down, recovering from catalog cached at 2023-11-14T22:13:20Z"),
                r.message());
        AgentCommand.StartInstance s1 = a.expectStart(WAIT);
        AgentCommand.StartInstance s2 = a.expectStart(WAIT);
        assertEquals(Set.of("web-0", "web-1"), Set.of(s1.instanceId(), s2.instanceId()));
        assertTrue(s1.assignment() < 0 && s2.assignment() < 0, "journal tokens, not etcd revisions");
        var lines = new AssignmentJournal(journal).read().entries();
        assertEquals(Set.of("web-0", "web-1"), Set.of(lines.get(0).instanceId(), lines.get(1).instanceId()),
                "each start's line was on disk before the start was sent");
        StatusSnapshot.Degraded d = status(m).degraded();
        assertEquals("journaling", d.state());
        assertEquals(CACHED_AT, d.catalogCachedAt());
        assertEquals(2, d.journaled());
        assertEquals(2, d.pending());

        for (AgentCommand.StartInstance s : List.of(s1, s2)) {
            send(m, new AgentEvent.StartOutcome("host-a", s.instanceId(), s.assignment(), s.attempt(),
                    StartResult.STARTED, "c-" + s.instanceId(), null, 5));
        }
        send(m, report("host-a", a.ref(), 2, 3, 0, false, running("web-0"), running("web-1")));
        Await.until("both running", WAIT, () -> status(m).total().running() == 2);
        assertTrue(store.assignmentsNow().isEmpty(), "nothing reached etcd while it was down");

        store.setDown(false);
        Await.until("the journal written back", WAIT, () -> store.assignmentsNow().size() == 2
                && !status(m).degraded().active());
        store.assignmentsNow().values().forEach(rec -> assertEquals("host-a", rec.value().node()));
        Await.until("the journal trimmed away", WAIT, () -> !Files.exists(journal));
        a.expectNoStart(Duration.ofMillis(300));
        kit.get().stop(m);
    }

    @Test
    void aFailedStartDuringTheOutageIsRetriedFromTheJournal() throws Exception {
        InMemoryDesiredStateStore store = new InMemoryDesiredStateStore();
        store.setDown(true);
        Path journal = dir.resolve("assignments.journal");
        AgentProbe a = agent("host-a");
        ActorRef<RecoveryManager.Command> m = degradedHost(store, a, journal, 1, 1);
        allowStale(m);
        AgentCommand.StartInstance first = a.expectStart(WAIT);
        send(m, new AgentEvent.StartOutcome("host-a", first.instanceId(), first.assignment(), first.attempt(),
                StartResult.FAILED, null, "exit 1", 5));
        AgentCommand.StartInstance again = a.expectStart(WAIT);
        assertEquals("web-0", again.instanceId());
        assertTrue(again.attempt() > first.attempt());
        assertTrue(again.assignment() < first.assignment(), "a later journal line");
        assertEquals(2, new AssignmentJournal(journal).read().entries().size());
        kit.get().stop(m);
    }

    @Test
    void leftoverJournalOfAnEarlierIncarnationIsWrittenBackBeforeAnythingIsPlanned() throws Exception {
        InMemoryDesiredStateStore store = new InMemoryDesiredStateStore();
        Path journal = dir.resolve("assignments.journal");
        new AssignmentJournal(journal).append(List.of(new AssignmentJournal.Entry(1, "web-0",
                new AssignmentValue("host-a", 1, "earlier", CACHED_AT), 0)));
        AgentProbe a = agent("host-a");
        ActorRef<RecoveryManager.Command> m = manager(store, TestFixtures.update(catalog(spec("web", 2, "app"))),
                journal);
        a.expectReportRequest(WAIT);
        send(m, report("host-a", a.ref(), 1, 2, 0, false, running("web-0")));
        Await.until("the leftover entry written back", WAIT, () -> store.assignmentsNow().containsKey("web-0"));
        assertEquals("host-a", store.assignmentsNow().get("web-0").value().node());
        assertEquals("web-1", a.expectStart(WAIT).instanceId(), "then planning goes on, through etcd");
        a.expectNoStart(Duration.ofMillis(300));
        assertTrue(store.assignmentsNow().get("web-1").modRevision() > store.assignmentsNow().get("web-0").modRevision(),
                "web-1 was assigned only after the journal's web-0 was back in etcd");
        Await.until("the journal trimmed away", WAIT, () -> !Files.exists(journal));
        kit.get().stop(m);
    }

    @Test
    void anUnwritableJournalSendsNoStartAndSaysWhy() throws Exception {
        InMemoryDesiredStateStore store = new InMemoryDesiredStateStore();
        store.setDown(true);
        Path journal = Files.createDirectories(dir.resolve("a-directory"));
        AgentProbe a = agent("host-a");
        ActorRef<RecoveryManager.Command> m = degradedHost(store, a, journal, 1, 1);
        allowStale(m);
        a.expectNoStart(Duration.ofMillis(800));
        Await.until("the journal problem in the status", WAIT, () -> status(m).degraded().detail().contains("a-directory"));
        assertFalse(status(m).total().running() > 0);
        kit.get().stop(m);
    }

    @Test
    void anAllowanceGivenWhileEtcdWorkedDoesNotJournalALaterOutageByItself() throws Exception {
        InMemoryDesiredStateStore store = new InMemoryDesiredStateStore();
        Path journal = dir.resolve("assignments.journal");
        AgentProbe a = agent("host-a");
        ActorRef<RecoveryManager.Command> m = manager(store, TestFixtures.update(catalog(spec("web", 2, "app"))),
                journal);
        a.expectReportRequest(WAIT);
        send(m, report("host-a", a.ref(), 1, 1, 0, false));
        AgentCommand.StartInstance s1 = a.expectStart(WAIT);
        assertTrue(s1.assignment() > 0, "through etcd");
        allowStale(m); // etcd works: nothing to journal, and the allowance ends with the next etcd success
        store.setDown(true);
        send(m, new AgentEvent.StartOutcome("host-a", s1.instanceId(), s1.assignment(), s1.attempt(),
                StartResult.STARTED, "c-" + s1.instanceId(), null, 5));
        send(m, report("host-a", a.ref(), 2, 1, 0, false, running(s1.instanceId())));
        a.expectNoStart(Duration.ofMillis(800));
        assertFalse(status(m).degraded().active(), "an old allowance does not journal a new outage");
        assertFalse(Files.exists(journal));

        RecoveryManager.ModeReply r = allowStale(m); // the operator decides for this outage
        assertTrue(r.message().startsWith("degraded: etcd down"), r.message());
        AgentCommand.StartInstance s2 = a.expectStart(WAIT);
        assertTrue(s2.assignment() < 0, "journaled");
        kit.get().stop(m);
    }
}
