package io.blackstart.coordinator.recovery;

import io.blackstart.coordinator.TestFixtures;
import io.blackstart.coordinator.store.AssignmentJournal;
import io.blackstart.coordinator.store.DesiredStateStore;
import io.blackstart.coordinator.store.InMemoryDesiredStateStore;

import io.blackstart.coordinator.store.DesiredStateStore.AssignmentValue;
import io.blackstart.testsupport.TestKitExtension;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

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
import static org.junit.jupiter.api.Assertions.assertTrue;

/** One write-back against the in-memory store: everything lands, bounded; a dead store fails it, nothing claimed. */
@Timeout(60)
public class JournalWriteBackTest {

    private static final Duration WAIT = Duration.ofSeconds(20);
    @RegisterExtension
    static final TestKitExtension kit = new TestKitExtension(TestFixtures.localConfig());

    private static List<AssignmentJournal.Entry> entries(int n) {
        List<AssignmentJournal.Entry> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(new AssignmentJournal.Entry(i + 1, "web-" + i, new AssignmentValue("host-" + (i % 3), 1, "deg", 5), 0));
        }
        return out;
    }

    private JournalWriteBack.Finished run(DesiredStateStore store, List<AssignmentJournal.Entry> entries,
                                          Map<String, String> runningOn) {
        Set<String> desired = new HashSet<>();
        entries.forEach(e -> desired.add(e.instanceId()));
        TestProbe<JournalWriteBack.Finished> reply = kit.get().createTestProbe(JournalWriteBack.Finished.class);
        kit.get().spawn(JournalWriteBack.create(store, entries, runningOn, desired, 3, 1, reply.ref()));
        return reply.receiveMessage(WAIT);
    }

    /** The in-memory store, counting the compare-and-sets in flight at once. */
    private static final class Counting implements DesiredStateStore {
        final InMemoryDesiredStateStore inner = new InMemoryDesiredStateStore();
        final java.util.concurrent.atomic.AtomicInteger inFlight = new java.util.concurrent.atomic.AtomicInteger();
        final java.util.concurrent.atomic.AtomicInteger peak = new java.util.concurrent.atomic.AtomicInteger();

        @Override
        public java.util.concurrent.CompletionStage<CasResult> recordAssignment(String id, AssignmentValue v, long rev) {
            peak.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
            // completes later, on another thread: the write-back has to wait for answers to send more
            return java.util.concurrent.CompletableFuture.supplyAsync(() -> null,
                            java.util.concurrent.CompletableFuture.delayedExecutor(2, java.util.concurrent.TimeUnit.MILLISECONDS))
                    .thenCompose(x -> inner.recordAssignment(id, v, rev))
                    .whenComplete((r, e) -> inFlight.decrementAndGet());
        }

        @Override
        public java.util.concurrent.CompletionStage<Map<String, AssignmentRecord>> loadAssignments() {
            return inner.loadAssignments();
        }

        @Override
        public java.util.concurrent.CompletionStage<AppsSnapshot> loadApps() {
            return inner.loadApps();
        }

        @Override
        public Subscription watchApps(long fromRevision, WatchListener listener) {
            return inner.watchApps(fromRevision, listener);
        }

        @Override
        public java.util.concurrent.CompletionStage<Long> putApp(String appId, String json) {
            return inner.putApp(appId, json);
        }

        @Override
        public java.util.concurrent.CompletionStage<Boolean> deleteApp(String appId) {
            return inner.deleteApp(appId);
        }

        @Override
        public java.util.concurrent.CompletionStage<Boolean> deleteAssignment(String instanceId) {
            return inner.deleteAssignment(instanceId);
        }

        @Override
        public java.util.concurrent.CompletionStage<java.util.Optional<ModeRecord>> readMode() {
            return inner.readMode();
        }

        @Override
        public java.util.concurrent.CompletionStage<Void> writeMode(ModeRecord mode) {
            return inner.writeMode(mode);
        }

        @Override
        public java.util.concurrent.CompletionStage<Map<String, StoredAgent>> loadAgents() {
            return inner.loadAgents();
        }

        @Override
        public java.util.concurrent.CompletionStage<AgentWrite> recordAgent(AgentRecord agent, long rev) {
            return inner.recordAgent(agent, rev);
        }

        @Override
        public java.util.concurrent.CompletionStage<Void> ping() {
            return inner.ping();
        }

        @Override
        public void close() {
            inner.close();
        }
    }

    @Test
    void aJournalLargerThanTheInFlightBoundIsWrittenCompletelyWithinTheBound() {
        Counting counting = new Counting();
        InMemoryDesiredStateStore store = counting.inner;
        int n = JournalWriteBack.MAX_IN_FLIGHT * 3 + 7;
        JournalWriteBack.Finished f = run(counting, entries(n), Map.of());
        assertNull(f.error());
        assertTrue(counting.peak.get() <= JournalWriteBack.MAX_IN_FLIGHT, "peak in flight " + counting.peak.get());
        assertTrue(counting.peak.get() > 1, "calls overlap: " + counting.peak.get());
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
