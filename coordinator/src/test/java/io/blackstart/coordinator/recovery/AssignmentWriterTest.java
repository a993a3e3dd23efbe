package io.blackstart.coordinator.recovery;

import io.blackstart.coordinator.TestFixtures;
import io.blackstart.coordinator.store.DesiredStateStore.AssignmentValue;
import io.blackstart.coordinator.store.DesiredStateStore.CasResult;
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

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Assignment records against the in-memory store: loaded once (retried, or given up), compare-and-set, deleted. */
@Timeout(60)
public class AssignmentWriterTest {

    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final AssignmentValue VALUE = new AssignmentValue("host-1", 1, "test/1", 5);
    @RegisterExtension
    static final TestKitExtension kit = new TestKitExtension(TestFixtures.localConfig());

    private ActorRef<AssignmentWriter.Command> writer(InMemoryDesiredStateStore store,
                                                      TestProbe<AssignmentWriter.Event> parent) {
        return kit.get().spawn(AssignmentWriter.create(store, parent.ref(), Duration.ofMillis(20), Duration.ofMillis(100)));
    }

    private static Assignment assignment(String instanceId) {
        return new Assignment(instanceId, "web", "host-1", 1,
                new ContainerSpec("registry.local/web:1", List.of(), Map.of(), 64, 0.1, 30), "test");
    }

    @Test
    void loadsTheRecordsOnceRetryingWhileTheStoreIsDown() {
        InMemoryDesiredStateStore store = new InMemoryDesiredStateStore();
        long rev = store.seedAssignment("web-0", VALUE);
        store.setDown(true);
        TestProbe<AssignmentWriter.Event> parent = kit.get().createTestProbe(AssignmentWriter.Event.class);
        writer(store, parent);
        assertTrue(parent.expectMessageClass(AssignmentWriter.LoadFailed.class, WAIT).why()
                .startsWith("loading assignments: "));
        store.setDown(false);
        AssignmentWriter.Event e;
        do {
            e = parent.receiveMessage(WAIT);
        } while (e instanceof AssignmentWriter.LoadFailed);
        AssignmentWriter.Loaded loaded = assertInstanceOf(AssignmentWriter.Loaded.class, e);
        assertEquals(rev, loaded.records().get("web-0").modRevision());
        parent.expectNoMessage(Duration.ofMillis(300));
    }

    @Test
    void stopLoadingEndsTheRetries() {
        InMemoryDesiredStateStore store = new InMemoryDesiredStateStore();
        store.setDown(true);
        TestProbe<AssignmentWriter.Event> parent = kit.get().createTestProbe(AssignmentWriter.Event.class);
        // the first retry would come 300 ms after the first failure, and would find the store up
        ActorRef<AssignmentWriter.Command> w = kit.get().spawn(AssignmentWriter.create(store, parent.ref(),
                Duration.ofMillis(300), Duration.ofMillis(300)));
        parent.expectMessageClass(AssignmentWriter.LoadFailed.class, WAIT);
        w.tell(AssignmentWriter.StopLoading.INSTANCE);
        store.setDown(false);
        parent.expectNoMessage(Duration.ofMillis(900)); // no late Loaded, no more failures
    }

    @Test
    void recordsByCompareAndSetAndDeletes() {
        InMemoryDesiredStateStore store = new InMemoryDesiredStateStore();
        TestProbe<AssignmentWriter.Event> parent = kit.get().createTestProbe(AssignmentWriter.Event.class);
        ActorRef<AssignmentWriter.Command> w = writer(store, parent);
        parent.expectMessageClass(AssignmentWriter.Loaded.class, WAIT);

        w.tell(new AssignmentWriter.Record(assignment("web-0"), VALUE, 0));
        AssignmentWriter.Recorded first = parent.expectMessageClass(AssignmentWriter.Recorded.class, WAIT);
        CasResult.Recorded recorded = assertInstanceOf(CasResult.Recorded.class, first.result());
        assertEquals("web-0", first.assignment().instanceId());

        // a writer that saw no record loses against the one just written, and learns it
        w.tell(new AssignmentWriter.Record(assignment("web-0"), new AssignmentValue("host-2", 1, "other/1", 6), 0));
        CasResult.Conflict conflict = assertInstanceOf(CasResult.Conflict.class,
                parent.expectMessageClass(AssignmentWriter.Recorded.class, WAIT).result());
        assertEquals(recorded.modRevision(), conflict.current().orElseThrow().modRevision());

        w.tell(new AssignmentWriter.Delete("web-0"));
        Await.until("the record deleted", WAIT, () -> store.assignmentsNow().isEmpty());

        store.setDown(true);
        w.tell(new AssignmentWriter.Record(assignment("web-1"), VALUE, 0));
        assertNotNull(parent.expectMessageClass(AssignmentWriter.Recorded.class, WAIT).error());
    }
}
