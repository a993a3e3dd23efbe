package io.blackstart.coordinator;

import io.blackstart.coordinator.DesiredStateStore.AssignmentValue;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

/** One write-back against the in-memory store: everything lands, bounded; a dead store fails it, nothing claimed. */
@Timeout(60)
class JournalWriteBackTest {

    private static final Duration WAIT = Duration.ofSeconds(20);
    private static ActorTestKit kit;

    @BeforeAll
    static void start() {
        kit = ActorTestKit.create(TestFixtures.localConfig());
    }

    @AfterAll
    static void stop() {
        kit.shutdownTestKit();
    }

    private static List<AssignmentJournal.Entry> entries(int n) {
        List<AssignmentJournal.Entry> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(new AssignmentJournal.Entry(i + 1, "web-" + i, new AssignmentValue("host-" + (i % 3), 1, "deg", 5), 0));
        }
        return out;
    }

    private JournalWriteBack.Finished run(InMemoryDesiredStateStore store, List<AssignmentJournal.Entry> entries,
                                          Map<String, String> runningOn) {
        Set<String> desired = new HashSet<>();
        entries.forEach(e -> desired.add(e.instanceId()));
        TestProbe<JournalWriteBack.Finished> reply = kit.createTestProbe(JournalWriteBack.Finished.class);
        kit.spawn(JournalWriteBack.create(store, entries, runningOn, desired, 3, reply.ref()));
        return reply.receiveMessage(WAIT);
    }

    @Test
    void aJournalLargerThanTheInFlightBoundIsWrittenCompletely() {
        InMemoryDesiredStateStore store = new InMemoryDesiredStateStore();
        int n = JournalWriteBack.MAX_IN_FLIGHT * 3 + 7;
        JournalWriteBack.Finished f = run(store, entries(n), Map.of());
        assertNull(f.error());
        assertEquals(n, f.written().size());
        assertEquals(n, store.assignmentsNow().size());
        assertEquals(n, f.throughSeq());
        assertEquals("host-1", store.assignmentsNow().get("web-4").value().node());
    }

    @Test
    void aRecordOfAnotherHostYieldsToTheContainerThatRuns() {
        InMemoryDesiredStateStore store = new InMemoryDesiredStateStore();
        store.recordAssignment("web-0", new AssignmentValue("host-9", 2, "before", 1), 0).toCompletableFuture().join();
        Map<String, String> running = new HashMap<>(Map.of("web-0", "host-0"));
        JournalWriteBack.Finished f = run(store, entries(1), running);
        assertNull(f.error());
        assertEquals("host-0", store.assignmentsNow().get("web-0").value().node());
    }

    @Test
    void aDeadStoreFailsTheWriteBack() {
        InMemoryDesiredStateStore store = new InMemoryDesiredStateStore();
        store.setDown(true);
        JournalWriteBack.Finished f = run(store, entries(5), Map.of());
        assertNotNull(f.error());
        assertEquals(0, f.written().size());
    }
}
