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
 * The recorder alone, with the manager played by a probe: where an assignment goes (etcd or the journal), and the
 * write-back handshake (due, the manager's view, written back) with nothing recorded in between.
 */
@Timeout(60)
public class AssignmentRecorderTest {

    private static final Duration WAIT = Duration.ofSeconds(20);
    @RegisterExtension
    static final TestKitExtension kit = new TestKitExtension(TestFixtures.localConfig());

    @TempDir
    Path dir;

    /** The manager's side: every event, and the latest state told. */
    private static final class Manager {
        final TestProbe<AssignmentRecorder.Event> probe = kit.get().createTestProbe(AssignmentRecorder.Event.class);
        AssignmentRecorder.State state = AssignmentRecorder.State.INITIAL;

        /** The next event of {@code type}; states on the way are taken, anything else fails. */
        <T extends AssignmentRecorder.Event> T next(Class<T> type) {
            while (true) {
                AssignmentRecorder.Event e = probe.receiveMessage(WAIT);
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

        r.tell(new AssignmentRecorder.Record(List.of(wanted("web-0", 0)), false));
        AssignmentRecorder.Recorded rec = m.next(AssignmentRecorder.Recorded.class);
        assertFalse(rec.journaled());
        assertEquals(store.assignmentsNow().get("web-0").modRevision(), rec.token());
        assertEquals(rec.token(), rec.revision());

        r.tell(new AssignmentRecorder.Record(List.of(wanted("web-0", 0)), false)); // expects no record: there is one
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
            AssignmentRecorder.Event e = m.probe.receiveMessage(WAIT);
            if (e instanceof AssignmentRecorder.JournalRead || e instanceof AssignmentRecorder.Loaded) {
                seen.add(e.getClass());
            }
        }
        store.setDown(true);

        r.tell(new AssignmentRecorder.Record(List.of(wanted("web-0", 0)), false));
        AssignmentRecorder.NotRecorded n = m.next(AssignmentRecorder.NotRecorded.class);
        assertTrue(n.storeProblem().startsWith("recording assignment: "), n.storeProblem());
        assertEquals(AssignmentRecorder.Where.ETCD, m.state.where());

        r.tell(new AssignmentRecorder.Record(List.of(wanted("web-0", 0)), true)); // the allowance stands now
        m.next(AssignmentRecorder.NotRecorded.class);
        assertEquals(AssignmentRecorder.Where.JOURNAL, m.state.where(), "told before the event");
        assertTrue(m.state.degradedSince() > 0);

        r.tell(new AssignmentRecorder.Record(List.of(wanted("web-0", 0), wanted("web-1", 0)), true));
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
        r.tell(new AssignmentRecorder.Journal("test: etcd down", System.currentTimeMillis()));
        assertEquals(AssignmentRecorder.Where.JOURNAL, m.next(AssignmentRecorder.State.class).where());
        r.tell(new AssignmentRecorder.Record(List.of(wanted("web-0", 0)), true));
        AssignmentRecorder.Recorded rec = m.next(AssignmentRecorder.Recorded.class);
        assertTrue(rec.journaled());
        assertEquals(1, m.state.unwritten());
        assertTrue(m.state.degraded());

        store.setDown(false);
        AssignmentRecorder.WriteBackDue due = m.next(AssignmentRecorder.WriteBackDue.class);
        assertTrue(m.state.planningPaused(), "paused from the moment it is due");
        r.tell(new AssignmentRecorder.Record(List.of(wanted("web-1", 0)), true));
        AssignmentRecorder.NotRecorded refused = m.next(AssignmentRecorder.NotRecorded.class);
        assertEquals("web-1", refused.assignment().instanceId());
        assertNull(refused.storeProblem(), "etcd is not at fault");

        r.tell(new AssignmentRecorder.WriteBackView(due.round(), Map.of("web-0", "host-a"), Set.of("web-0")));
        AssignmentRecorder.WrittenBack w = m.next(AssignmentRecorder.WrittenBack.class);
        assertNull(w.error());
        assertEquals(List.of("web-0"), w.written().stream().map(JournalWriteBack.Written::instanceId).toList());
        assertEquals("host-a", store.assignmentsNow().get("web-0").value().node());
        assertFalse(m.state.degraded());
        assertFalse(m.state.planningPaused());
        assertEquals(AssignmentRecorder.Where.ETCD, m.state.where());
        assertEquals(1, m.state.writtenBack());

        r.tell(new AssignmentRecorder.Record(List.of(wanted("web-1", 0)), true));
        assertFalse(m.next(AssignmentRecorder.Recorded.class).journaled(), "to etcd again");
        Await.until("the journal trimmed away", WAIT, () -> !Files.exists(journal));
    }

    @Test
    void withoutAJournalTheOperatorsAllowanceChangesNothingAndTheManagerIsToldSo() {
        InMemoryDesiredStateStore store = new InMemoryDesiredStateStore();
        store.setDown(true);
        Manager m = new Manager();
        ActorRef<AssignmentRecorder.Command> r = recorder(store, m, null);
        m.next(AssignmentRecorder.LoadFailed.class);
        r.tell(new AssignmentRecorder.Journal("test", System.currentTimeMillis()));
        AssignmentRecorder.State s = m.next(AssignmentRecorder.State.class);
        assertEquals(AssignmentRecorder.Where.ETCD, s.where());
        assertFalse(s.degraded());
    }
}
