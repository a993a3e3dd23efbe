package io.blackstart.coordinator.recovery;

import io.blackstart.coordinator.TestFixtures;
import io.blackstart.coordinator.store.AssignmentJournal;
import io.blackstart.coordinator.store.DesiredStateStore.AssignmentValue;
import io.blackstart.coordinator.store.InMemoryDesiredStateStore;
import io.blackstart.protocol.wire.ContainerSpec;
import io.blackstart.scheduler.Assignment;
import io.blackstart.testsupport.Await;
import io.blackstart.testsupport.TestKitExtension;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The recorder alone, with the manager played by a probe: where an assignment goes (etcd or the journal), when the
 * operator's allowance lets it journal, and the write-back handshake (due, the manager's view, written back) with
 * nothing recorded in between. A message's events come first, then the state they led to.
 */
@Timeout(60)
public class AssignmentRecorderTest {

    private static final Duration WAIT = Duration.ofSeconds(20);
    @RegisterExtension
    static final TestKitExtension kit = new TestKitExtension(TestFixtures.localConfig());

    @TempDir
    Path dir;

    /** The manager's side: every event (a batch's events, then its state), and the latest state told. */
    private static final class Manager {
        final TestProbe<AssignmentRecorder.Event> probe = kit.get().createTestProbe(AssignmentRecorder.Event.class);
        final java.util.ArrayDeque<AssignmentRecorder.Event> unread = new java.util.ArrayDeque<>();
        AssignmentRecorder.State state = AssignmentRecorder.State.INITIAL;

        /** The next event, out of the next batch when the last one is read. */
        AssignmentRecorder.Event receive() {
            while (unread.isEmpty()) {
                AssignmentRecorder.Batch b = (AssignmentRecorder.Batch) probe.receiveMessage(WAIT);
                unread.addAll(b.events());
                if (b.state() != null) {
                    unread.add(b.state());
                }
            }
            return unread.poll();
        }

        /** The next event of {@code type}; states on the way are taken, anything else fails. */
        <T extends AssignmentRecorder.Event> T next(Class<T> type) {
            while (true) {
                AssignmentRecorder.Event e = receive();
                if (type.isInstance(e)) {
                    if (e instanceof AssignmentRecorder.State s) {
                        state = s;
                    }
                    return type.cast(e);
                }
                if (e instanceof AssignmentRecorder.State s) {
                    state = s;
                } else if (!(e instanceof AssignmentRecorder.LoadFailed)) {
                    throw new AssertionError("expected " + type.getSimpleName() + ", got " + e);
                }
            }
        }
    }

    private ActorRef<AssignmentRecorder.Command> recorder(InMemoryDesiredStateStore store, Manager m, Path journal) {
        var settings = journal == null ? TestFixtures.recovery() : TestFixtures.recovery().withAssignmentJournal(journal);
        return kit.get().spawn(AssignmentRecorder.create(store, m.probe.ref(), settings, System::currentTimeMillis));
    }

    private static AssignmentRecorder.Wanted wanted(String instanceId, long expected) {
        Assignment a = new Assignment(instanceId, "web", "host-a", 1,
                new ContainerSpec("registry.local/web:1", List.of(), Map.of(), 64, 0.1, 30), "test");
        return new AssignmentRecorder.Wanted(a, new AssignmentValue("host-a", 1, "test/1", 5), expected);
    }

    @Test
    void withEtcdUpAssignmentsAreRecordedThereByCompareAndSet() {
        InMemoryDesiredStateStore store = new InMemoryDesiredStateStore();
        Manager m = new Manager();
        ActorRef<AssignmentRecorder.Command> r = recorder(store, m, null);
        assertTrue(m.next(AssignmentRecorder.Loaded.class).records().isEmpty());

        r.tell(new AssignmentRecorder.Record(List.of(wanted("web-0", 0))));
        AssignmentRecorder.Recorded rec = m.next(AssignmentRecorder.Recorded.class);
        assertFalse(rec.journaled());
        assertEquals(store.assignmentsNow().get("web-0").modRevision(), rec.token());
        assertEquals(rec.token(), rec.revision());

        r.tell(new AssignmentRecorder.Record(List.of(wanted("web-0", 0)))); // expects no record: there is one
        AssignmentRecorder.Conflict c = m.next(AssignmentRecorder.Conflict.class);
        assertEquals(rec.token(), c.current().orElseThrow().modRevision());
    }

    @Test
    void aFailedRecordIsNotJournaledWithoutTheOperatorsAllowanceButIsWithIt() throws Exception {
        InMemoryDesiredStateStore store = new InMemoryDesiredStateStore();
        Path journal = dir.resolve("assignments.journal");
        Manager m = new Manager();
        ActorRef<AssignmentRecorder.Command> r = recorder(store, m, journal);
        // the journal is read and the records loaded, in either order
        Set<Class<?>> seen = new java.util.HashSet<>();
        while (seen.size() < 2) {
            AssignmentRecorder.Event e = m.receive();
            if (e instanceof AssignmentRecorder.JournalRead || e instanceof AssignmentRecorder.Loaded) {
                seen.add(e.getClass());
            }
        }
        store.setDown(true);

        r.tell(new AssignmentRecorder.Record(List.of(wanted("web-0", 0))));
        AssignmentRecorder.NotRecorded n = m.next(AssignmentRecorder.NotRecorded.class);
        assertTrue(n.storeProblem().startsWith("recording assignment: "), n.storeProblem());
        assertEquals(AssignmentRecorder.Where.ETCD, m.state.where());

        r.tell(new AssignmentRecorder.Allowance(1, true, false, "", System.currentTimeMillis())); // etcd seemed fine
        assertEquals(1, m.next(AssignmentRecorder.State.class).allowanceSeq());
        assertEquals(AssignmentRecorder.Where.ETCD, m.state.where(), "nothing to journal yet");
        r.tell(new AssignmentRecorder.Record(List.of(wanted("web-0", 0))));
        m.next(AssignmentRecorder.NotRecorded.class);
        AssignmentRecorder.State journaling = m.next(AssignmentRecorder.State.class);
        assertEquals(AssignmentRecorder.Where.JOURNAL, journaling.where(), "the failure with the allowance standing");
        assertTrue(journaling.degradedSince() > 0);

        r.tell(new AssignmentRecorder.Record(List.of(wanted("web-0", 0), wanted("web-1", 0))));
        AssignmentRecorder.Recorded a = m.next(AssignmentRecorder.Recorded.class);
        AssignmentRecorder.Recorded b = m.next(AssignmentRecorder.Recorded.class);
        assertTrue(a.journaled() && b.journaled());
        assertEquals(List.of("web-0", "web-1"), new AssignmentJournal(journal).read().entries().stream()
                .map(AssignmentJournal.Entry::instanceId).toList(), "on disk before the manager hears of it");
        assertTrue(store.assignmentsNow().isEmpty());
    }

    @Test
    void etcdBackTheJournalIsWrittenBackAfterTheManagersViewAndNothingIsRecordedMeanwhile() throws Exception {
        InMemoryDesiredStateStore store = new InMemoryDesiredStateStore();
        store.setDown(true);
        Path journal = dir.resolve("assignments.journal");
        Manager m = new Manager();
        ActorRef<AssignmentRecorder.Command> r = recorder(store, m, journal);
        assertEquals("", m.next(AssignmentRecorder.JournalRead.class).problem());
        r.tell(new AssignmentRecorder.Allowance(1, true, true, "test: etcd down", System.currentTimeMillis()));
        assertEquals(AssignmentRecorder.Where.JOURNAL, m.next(AssignmentRecorder.State.class).where());
        r.tell(new AssignmentRecorder.Record(List.of(wanted("web-0", 0))));
        AssignmentRecorder.Recorded rec = m.next(AssignmentRecorder.Recorded.class);
        assertTrue(rec.journaled());
        AssignmentRecorder.State journaled = m.next(AssignmentRecorder.State.class);
        assertEquals(1, journaled.unwritten());
        assertEquals(0, journaled.journaling());
        assertTrue(journaled.degraded());

        store.setDown(false);
        AssignmentRecorder.WriteBackDue due = m.next(AssignmentRecorder.WriteBackDue.class);
        assertTrue(m.next(AssignmentRecorder.State.class).planningPaused(), "paused from the moment it is due");
        r.tell(new AssignmentRecorder.Record(List.of(wanted("web-1", 0))));
        AssignmentRecorder.NotRecorded refused = m.next(AssignmentRecorder.NotRecorded.class);
        assertEquals("web-1", refused.assignment().instanceId());
        assertNull(refused.storeProblem(), "etcd is not at fault");

        r.tell(new AssignmentRecorder.WriteBackView(due.round(), Map.of("web-0", "host-a"), Set.of("web-0")));
        AssignmentRecorder.WrittenBack w = m.next(AssignmentRecorder.WrittenBack.class);
        assertNull(w.error());
        assertEquals(List.of("web-0"), w.written().stream().map(JournalWriteBack.Written::instanceId).toList());
        assertEquals("host-a", store.assignmentsNow().get("web-0").value().node());
        m.next(AssignmentRecorder.State.class);
        assertFalse(m.state.degraded());
        assertFalse(m.state.planningPaused());
        assertEquals(AssignmentRecorder.Where.ETCD, m.state.where());
        assertEquals(1, m.state.writtenBack());

        r.tell(new AssignmentRecorder.Record(List.of(wanted("web-1", 0))));
        assertFalse(m.next(AssignmentRecorder.Recorded.class).journaled(), "to etcd again");
        Await.until("the journal trimmed away", WAIT, () -> !Files.exists(journal));
    }

    @Test
    void leftoversOfAnEarlierIncarnationWaitForEtcdAndAreJournaledOverWhenTheOperatorAllowsIt() throws Exception {
        InMemoryDesiredStateStore store = new InMemoryDesiredStateStore();
        store.setDown(true);
        Path journal = dir.resolve("assignments.journal");
        new AssignmentJournal(journal).append(List.of(new AssignmentJournal.Entry(1, "web-0",
                new AssignmentValue("host-a", 1, "earlier", 5), 0)));
        Manager m = new Manager();
        ActorRef<AssignmentRecorder.Command> r = recorder(store, m, journal);
        assertEquals(1, m.next(AssignmentRecorder.JournalRead.class).entries().size());
        // etcd not loaded: ticks (every 50 ms) must not ask for a write-back against it
        for (int i = 0; i < 10; i++) {
            AssignmentRecorder.Event e = m.receive();
            assertTrue(e instanceof AssignmentRecorder.LoadFailed || e instanceof AssignmentRecorder.State, e.toString());
        }
        assertFalse(m.state.planningPaused() && m.state.writeBackWanted(), "no write-back asked for");

        r.tell(new AssignmentRecorder.Allowance(1, true, true, "rebuilding: etcd down", System.currentTimeMillis()));
        AssignmentRecorder.State journaling;
        do {
            journaling = m.next(AssignmentRecorder.State.class);
        } while (journaling.allowanceSeq() < 1);
        assertEquals(AssignmentRecorder.Where.JOURNAL, journaling.where());
        assertFalse(journaling.planningPaused(), "journaling goes on; the leftovers go back once etcd answers a ping");

        store.setDown(false);
        AssignmentRecorder.WriteBackDue due = m.next(AssignmentRecorder.WriteBackDue.class);
        r.tell(new AssignmentRecorder.WriteBackView(due.round(), Map.of("web-0", "host-a"), Set.of("web-0")));
        assertNull(m.next(AssignmentRecorder.WrittenBack.class).error());
        assertEquals("host-a", store.assignmentsNow().get("web-0").value().node());
    }

    @Test
    void withoutAJournalTheOperatorsAllowanceChangesNothingAndTheManagerIsToldSo() {
        InMemoryDesiredStateStore store = new InMemoryDesiredStateStore();
        store.setDown(true);
        Manager m = new Manager();
        ActorRef<AssignmentRecorder.Command> r = recorder(store, m, null);
        m.next(AssignmentRecorder.LoadFailed.class);
        r.tell(new AssignmentRecorder.Allowance(1, true, true, "test", System.currentTimeMillis()));
        AssignmentRecorder.State s = m.next(AssignmentRecorder.State.class);
        assertEquals(AssignmentRecorder.Where.ETCD, s.where());
        assertFalse(s.degraded());
    }
}
