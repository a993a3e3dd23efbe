package io.blackstart.coordinator.recovery;

import io.blackstart.coordinator.TestFixtures;
import io.blackstart.coordinator.store.DesiredStateStore.AssignmentValue;
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

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The journal on a real file: what one incarnation journals the next one finds, numbered beyond it; trims stick. */
@Timeout(60)
public class JournalRecorderTest {

    private static final Duration WAIT = Duration.ofSeconds(20);
    @RegisterExtension
    static final TestKitExtension kit = new TestKitExtension(TestFixtures.localConfig());

    @TempDir
    Path dir;

    private static JournalRecorder.Wanted wanted(String instanceId, long base) {
        Assignment a = new Assignment(instanceId, "web", "host-1", 1,
                new ContainerSpec("registry.local/web:1", List.of(), Map.of(), 64, 0.1, 30), "test");
        return new JournalRecorder.Wanted(a, new AssignmentValue("host-1", 1, "test/1", 5), base);
    }

    private ActorRef<JournalRecorder.Command> recorder(Path file, TestProbe<JournalRecorder.Event> parent, long now) {
        return kit.get().spawn(JournalRecorder.create(file, parent.ref(), () -> now));
    }

    @Test
    void theNextIncarnationFindsTheJournaledAssignmentsAndNumbersBeyondThem() {
        Path file = dir.resolve("journal.jsonl");
        TestProbe<JournalRecorder.Event> first = kit.get().createTestProbe(JournalRecorder.Event.class);
        ActorRef<JournalRecorder.Command> r1 = recorder(file, first, 1_000);
        assertEquals(new JournalRecorder.Opened(List.of()), first.receiveMessage(WAIT));
        r1.tell(new JournalRecorder.Append(List.of(wanted("web-0", 0), wanted("web-1", 41))));
        JournalRecorder.Journaled j = first.expectMessageClass(JournalRecorder.Journaled.class, WAIT);
        assertNull(j.error());
        assertEquals(List.of("web-0", "web-1"), j.lines().stream().map(l -> l.assignment().instanceId()).toList());
        long lastSeq = j.lines().get(1).entry().seq();
        assertTrue(j.lines().get(0).entry().seq() > 1_000 * 1000L, "numbered beyond the clock in microseconds");
        assertEquals(41, j.lines().get(1).entry().baseRevision());

        // a later incarnation with a clock that went backwards still numbers after what it found
        TestProbe<JournalRecorder.Event> second = kit.get().createTestProbe(JournalRecorder.Event.class);
        ActorRef<JournalRecorder.Command> r2 = recorder(file, second, 1);
        JournalRecorder.Opened opened = assertInstanceOf(JournalRecorder.Opened.class, second.receiveMessage(WAIT));
        assertEquals(List.of("web-0", "web-1"), opened.entries().stream().map(e -> e.instanceId()).toList());
        r2.tell(new JournalRecorder.Append(List.of(wanted("web-2", 0))));
        assertTrue(second.expectMessageClass(JournalRecorder.Journaled.class, WAIT).lines().get(0).entry().seq() > lastSeq);

        r2.tell(new JournalRecorder.Trim(lastSeq));
        TestProbe<JournalRecorder.Event> third = kit.get().createTestProbe(JournalRecorder.Event.class);
        Await.until("the trim on disk", WAIT, () -> {
            ActorRef<JournalRecorder.Command> r3 = recorder(file, third, 1);
            JournalRecorder.Opened o = (JournalRecorder.Opened) third.receiveMessage(WAIT);
            kit.get().stop(r3);
            return o.entries().stream().map(e -> e.instanceId()).toList().equals(List.of("web-2"));
        });
    }
}
