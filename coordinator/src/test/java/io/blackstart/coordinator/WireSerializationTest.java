package io.blackstart.coordinator;

import io.blackstart.protocol.SpecError;
import io.blackstart.protocol.wire.AgentCommand;
import io.blackstart.protocol.wire.AgentEvent;
import io.blackstart.protocol.wire.StartResult;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.List;
import java.util.Map;

import static io.blackstart.coordinator.TestFixtures.report;
import static io.blackstart.coordinator.TestFixtures.running;

/** Every coordinator message that crosses the network survives a jackson-cbor round trip (no Java serialization). */
@Timeout(30)
class WireSerializationTest {

    private static ActorTestKit kit;

    @BeforeAll
    static void start() {
        kit = ActorTestKit.create(TestFixtures.localConfig());
    }

    @AfterAll
    static void stop() {
        kit.shutdownTestKit();
    }

    @Test
    void crossNodeMessagesRoundTrip() {
        ActorRef<AgentCommand> agent = kit.createTestProbe(AgentCommand.class).ref();
        ActorRef<RecoveryManager.ModeReply> replies = kit.createTestProbe(RecoveryManager.ModeReply.class).ref();
        ActorRef<StatusSnapshot> statuses = kit.createTestProbe(StatusSnapshot.class).ref();
        List<Object> messages = List.of(
                new RecoveryManager.AgentEventReceived(report("n1", agent, 3, 2, 1, true, running("web-0"))),
                new RecoveryManager.AgentEventReceived(new AgentEvent.StartOutcome("n1", "web-0", 7, 1,
                        StartResult.TIMED_OUT, null, "slow", 61_000)),
                new RecoveryManager.AgentEventReceived(new AgentEvent.StopOutcome("n1", "web-0", true, "")),
                new RecoveryManager.SetMode(true, false, replies),
                new RecoveryManager.ModeReply("recovery", 1, "operator", "ok"),
                new RecoveryManager.GetStatus(statuses),
                new StatusSnapshot("running", "normal", 1, "auto", 2, new StatusSnapshot.Counts(1, 1, 0, 0, 0),
                        Map.of("app", new StatusSnapshot.Counts(1, 1, 0, 0, 0)),
                        List.of(new SpecError("/k", "id", "bad")), false, "down", "etcd",
                        List.of(new StatusSnapshot.HostStatus("n1", 1, 0, 4, 1, 0, 100, 0.2, 1, 1, false, 5, 0, 2, 2)),
                        List.of(new StatusSnapshot.InstanceStatus("web-0", "web", "app", "running", "n1", 1, null)),
                        1.5, 3));
        for (Object m : messages) {
            kit.serializationTestKit().verifySerialization(m, true);
        }
    }
}
