package io.blackstart.coordinator.status;

import io.blackstart.coordinator.tracker.TrackerView;
import io.blackstart.scheduler.event.LedgerEvent;
import io.blackstart.scheduler.event.ModeChanged;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.receptionist.Receptionist;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

@Timeout(30)
public class StatusPublisherTest {

    private static final Duration WAIT = Duration.ofSeconds(5);
    /** One system per test: another test's publisher would send its latest snapshot to this test's replicas. */
    private ActorTestKit kit;

    @BeforeEach
    void start() {
        kit = ActorTestKit.create();
    }

    @AfterEach
    void shutdown() {
        kit.shutdownTestKit();
    }

    private static StatusSnapshot snapshot(long at) {
        return new StatusSnapshot("running", "recovery", 0, "auto", at, StatusSnapshot.Counts.ZERO, Map.of(),
                List.of(), true, "", "etcd", List.of(), List.of(), 0, 0, TrackerView.EMPTY, 0);
    }

    private static LedgerEvent event(long at) {
        return new ModeChanged("recovery", "auto", at);
    }

    private TestProbe<BoardUpdate> replica() {
        TestProbe<BoardUpdate> probe = kit.createTestProbe();
        kit.system().receptionist().tell(Receptionist.register(StatusBoard.SERVICE_KEY, probe.ref()));
        return probe;
    }

    /** A replica that got {@code s} (whether as a new replica or as a listed one, both are once). */
    private static void joined(ActorRef<StatusPublisher.Command> publisher, TestProbe<BoardUpdate> probe,
                               StatusSnapshot s) {
        publisher.tell(new StatusPublisher.Publish(s));
        assertEquals(s, probe.expectMessageClass(StatusSnapshot.class, WAIT));
    }

    @Test
    void eventsGoOutAheadOfTheSnapshotThatFollowsThem() {
        TestProbe<BoardUpdate> probe = replica();
        ActorRef<StatusPublisher.Command> publisher = kit.spawn(StatusPublisher.create("inc-a", Duration.ofHours(1)));
        joined(publisher, probe, snapshot(1));
        for (int i = 0; i < 3; i++) {
            publisher.tell(new StatusPublisher.Event(event(10 + i)));
        }
        publisher.tell(new StatusPublisher.Publish(snapshot(2)));
        EventBatch batch = probe.expectMessageClass(EventBatch.class, WAIT);
        assertEquals("inc-a", batch.incarnation());
        assertEquals(1, batch.firstSeq());
        assertEquals(List.of(event(10), event(11), event(12)), batch.events());
        assertEquals(snapshot(2), probe.expectMessageClass(StatusSnapshot.class, WAIT));
        probe.expectNoMessage(Duration.ofMillis(200)); // nothing twice
    }

    @Test
    void anEventWithNoSnapshotAfterItGoesOutAfterTheFlushDelay() {
        TestProbe<BoardUpdate> probe = replica();
        ActorRef<StatusPublisher.Command> publisher = kit.spawn(StatusPublisher.create("inc-b", Duration.ofMillis(50)));
        joined(publisher, probe, snapshot(1));
        publisher.tell(new StatusPublisher.Event(event(20)));
        EventBatch batch = probe.expectMessageClass(EventBatch.class, WAIT);
        assertEquals(List.of(event(20)), batch.events());
        publisher.tell(new StatusPublisher.Event(event(21)));
        assertEquals(2, probe.expectMessageClass(EventBatch.class, WAIT).firstSeq(), "numbers go on");
    }

    @Test
    void aReplicaThatAppearsGetsTheLatestSnapshotAtOnceThenWhatFollows() {
        TestProbe<BoardUpdate> first = replica();
        ActorRef<StatusPublisher.Command> publisher = kit.spawn(StatusPublisher.create("inc-c", Duration.ofHours(1)));
        joined(publisher, first, snapshot(5));
        TestProbe<BoardUpdate> late = replica();
        assertEquals(snapshot(5), late.expectMessageClass(StatusSnapshot.class, WAIT),
                "a new node's board is not empty until the next status-interval");
        first.expectNoMessage(Duration.ofMillis(200)); // the known replica is not sent it again
        publisher.tell(new StatusPublisher.Event(event(30)));
        publisher.tell(new StatusPublisher.Publish(snapshot(6)));
        for (TestProbe<BoardUpdate> p : List.of(first, late)) {
            assertInstanceOf(EventBatch.class, p.receiveMessage(WAIT));
            assertEquals(snapshot(6), p.expectMessageClass(StatusSnapshot.class, WAIT));
        }
    }
}
