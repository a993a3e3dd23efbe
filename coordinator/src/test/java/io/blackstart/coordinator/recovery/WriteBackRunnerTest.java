package io.blackstart.coordinator.recovery;

import io.blackstart.coordinator.TestFixtures;
import io.blackstart.coordinator.store.AssignmentJournal;
import io.blackstart.coordinator.store.DesiredStateStore;
import io.blackstart.coordinator.store.DesiredStateStore.AssignmentValue;
import io.blackstart.coordinator.store.InMemoryDesiredStateStore;
import io.blackstart.testsupport.TestKitExtension;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The runner answers every ping and every write-back once, also when the write-back dies without answering. */
@Timeout(60)
public class WriteBackRunnerTest {

    private static final Duration WAIT = Duration.ofSeconds(20);
    @RegisterExtension
    static final TestKitExtension kit = new TestKitExtension(TestFixtures.localConfig());

    private static WriteBackRunner.Run run(long round, String... instances) {
        List<AssignmentJournal.Entry> entries = new ArrayList<>();
        for (int i = 0; i < instances.length; i++) {
            entries.add(new AssignmentJournal.Entry(i + 1, instances[i], new AssignmentValue("host-a", 1, "deg", 5), 0));
        }
        return new WriteBackRunner.Run(entries, Map.of(), Set.of(instances), 3, round);
    }

    /** {@code delegate}, except that loading the assignment records throws (not a failed future: a bug). */
    private static DesiredStateStore loadThrows(DesiredStateStore delegate) {
        return (DesiredStateStore) Proxy.newProxyInstance(DesiredStateStore.class.getClassLoader(),
                new Class<?>[]{DesiredStateStore.class}, (proxy, method, args) -> {
                    if (method.getName().equals("loadAssignments")) {
                        throw new IllegalStateException("a bug in the store");
                    }
                    try {
                        return method.invoke(delegate, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }

    @Test
    void aPingTellsWhetherEtcdAnswers() {
        InMemoryDesiredStateStore store = new InMemoryDesiredStateStore();
        TestProbe<WriteBackRunner.Event> manager = kit.get().createTestProbe(WriteBackRunner.Event.class);
        ActorRef<WriteBackRunner.Command> runner = kit.get().spawn(WriteBackRunner.create(store, manager.ref()));
        runner.tell(WriteBackRunner.Ping.INSTANCE);
        assertNull(manager.expectMessageClass(WriteBackRunner.Pinged.class, WAIT).error());
        store.setDown(true);
        runner.tell(WriteBackRunner.Ping.INSTANCE);
        assertNotNull(manager.expectMessageClass(WriteBackRunner.Pinged.class, WAIT).error(), "a store that is down");
    }

    @Test
    void aWriteBackIsAnsweredOnceWithWhatItWrote() {
        InMemoryDesiredStateStore store = new InMemoryDesiredStateStore();
        TestProbe<WriteBackRunner.Event> manager = kit.get().createTestProbe(WriteBackRunner.Event.class);
        ActorRef<WriteBackRunner.Command> runner = kit.get().spawn(WriteBackRunner.create(store, manager.ref()));
        runner.tell(run(7, "web-0", "web-1"));
        JournalWriteBack.Finished f = manager.expectMessageClass(WriteBackRunner.WrittenBack.class, WAIT).finished();
        assertNull(f.error());
        assertEquals(7, f.round());
        assertEquals(2, f.written().size());
        assertEquals(Set.of("web-0", "web-1"), store.assignmentsNow().keySet());
        manager.expectNoMessage(Duration.ofMillis(300)); // its stop after answering is not a second answer
    }

    @Test
    void aWriteBackThatDiesWithoutAnsweringIsAnsweredAsFailed() {
        TestProbe<WriteBackRunner.Event> manager = kit.get().createTestProbe(WriteBackRunner.Event.class);
        ActorRef<WriteBackRunner.Command> runner = kit.get().spawn(WriteBackRunner.create(
                loadThrows(new InMemoryDesiredStateStore()), manager.ref()));
        runner.tell(run(3, "web-0"));
        JournalWriteBack.Finished f = manager.expectMessageClass(WriteBackRunner.WrittenBack.class, WAIT).finished();
        assertEquals(3, f.round());
        assertInstanceOf(IllegalStateException.class, f.error());
        assertTrue(f.error().getMessage().contains("without an answer"), f.error().getMessage());
        assertTrue(f.written().isEmpty());
        manager.expectNoMessage(Duration.ofMillis(300));
        runner.tell(WriteBackRunner.Ping.INSTANCE); // the runner itself lives on
        assertNull(manager.expectMessageClass(WriteBackRunner.Pinged.class, WAIT).error());
    }

    @Test
    void theEntriesAreTheManagersAtTheMomentItAsked() {
        List<AssignmentJournal.Entry> journal = new ArrayList<>(run(1, "web-0").entries());
        Map<String, String> runningOn = new HashMap<>();
        WriteBackRunner.Run r = new WriteBackRunner.Run(journal, runningOn, Set.of("web-0"), 3, 1);
        journal.add(new AssignmentJournal.Entry(2, "web-1", new AssignmentValue("host-a", 1, "deg", 6), 0));
        runningOn.put("web-0", "host-b");
        assertEquals(1, r.entries().size(), "a line journaled after the request is not in this write-back");
        assertTrue(r.runningOn().isEmpty());
    }
}
