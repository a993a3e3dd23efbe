package io.blackstart.coordinator.recovery;

import io.blackstart.coordinator.TestFixtures;
import io.blackstart.coordinator.cluster.MemberVetter;
import io.blackstart.coordinator.status.EventLog;
import io.blackstart.coordinator.status.StatusSnapshot;

import io.blackstart.protocol.SpecError;
import io.blackstart.protocol.wire.AgentCommand;
import io.blackstart.protocol.wire.AgentEvent;
import io.blackstart.protocol.wire.StartResult;
import io.blackstart.testsupport.TestKitExtension;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import static io.blackstart.coordinator.TestFixtures.report;
import static io.blackstart.coordinator.TestFixtures.running;

/** Every coordinator message that crosses the network survives a jackson-cbor round trip (no Java serialization). */
@Timeout(30)
public class WireSerializationTest {

    @RegisterExtension
    static final TestKitExtension kit = new TestKitExtension(TestFixtures.localConfig());

    @Test
    void crossNodeMessagesRoundTrip() {
        ActorRef<AgentCommand> agent = kit.get().createTestProbe(AgentCommand.class).ref();
        ActorRef<RecoveryManager.ModeReply> replies = kit.get().createTestProbe(RecoveryManager.ModeReply.class).ref();
        ActorRef<StatusSnapshot> statuses = kit.get().createTestProbe(StatusSnapshot.class).ref();
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
                        1.5, 3),
                new io.blackstart.coordinator.status.EventBatch("host:1/ab12cd34", 41, List.of(
                        new io.blackstart.scheduler.event.InstanceTransition("web-0", "web",
                                io.blackstart.protocol.Tier.APP, null, io.blackstart.scheduler.InstanceState.PENDING,
                                null, null, 1),
                        new io.blackstart.scheduler.event.InstanceTransition("web-0", "web",
                                io.blackstart.protocol.Tier.APP, io.blackstart.scheduler.InstanceState.RUNNING,
                                io.blackstart.scheduler.InstanceState.PENDING, "n1", "container exited", 2),
                        new io.blackstart.scheduler.event.HostJoined("n1", 3),
                        new io.blackstart.scheduler.event.HostLost("n1", 4),
                        new io.blackstart.scheduler.event.ModeChanged("recovery", "auto", 5))));
        for (Object m : messages) {
            kit.get().serializationTestKit().verifySerialization(m, true);
        }
    }

    /** A full event batch of the longest reasons the log lets through stays well inside Artery's frame. */
    @Test
    void aFullEventBatchFitsAnArteryFrame() {
        EventLog log = new EventLog("pekko://blackstart@some-long-host-name.example:25520/ab12cd34");
        for (int i = 0; i < io.blackstart.coordinator.status.EventBatch.MAX_EVENTS; i++) {
            log.append(new io.blackstart.scheduler.event.InstanceTransition("a-rather-long-app-id-" + i + "-12345",
                    "a-rather-long-app-id-" + i, io.blackstart.protocol.Tier.DATABASE,
                    io.blackstart.scheduler.InstanceState.RUNNING_UNREADY,
                    io.blackstart.scheduler.InstanceState.NEEDS_ATTENTION, "host-with-a-long-name-" + i,
                    "r".repeat(10_000), Long.MAX_VALUE));
        }
        var batches = log.drain();
        assertEquals(1, batches.size());
        var serialization = org.apache.pekko.serialization.SerializationExtension.get(
                org.apache.pekko.actor.typed.javadsl.Adapter.toClassic(kit.get().system()));
        byte[] bytes = serialization.serialize(batches.get(0)).get();
        long frame = kit.get().system().settings().config().getBytes("pekko.remote.artery.advanced.maximum-frame-size");
        assertTrue(bytes.length < frame / 2, "full batch " + bytes.length + " bytes, frame " + frame);
    }

    @Test
    void sessionMessagesRoundTrip() {
        ActorRef<AgentCommand> agent = kit.get().createTestProbe(AgentCommand.class).ref();
        ActorRef<AgentEvent> replyTo = kit.get().createTestProbe(AgentEvent.class).ref();
        ActorRef<RecoveryManager.ModeReply> replies = kit.get().createTestProbe(RecoveryManager.ModeReply.class).ref();
        byte[] b = {1, 2, 3};
        List<Object> messages = List.of(
                new RecoveryManager.AgentEventReceived(new AgentEvent.Hello("n1", agent, List.of(b), b, 5, b)),
                new RecoveryManager.AgentEventReceived(new AgentEvent.Sealed("n1", agent, 7, 1, 33, "m", b, b)),
                new AgentCommand.Grant("n1", 7, b, b, 5, List.of(b, b), b, replyTo),
                new AgentCommand.Sealed(7, 1, 33, "m", b, b),
                new AgentCommand.Rehello("new manager"),
                new RecoveryManager.SetMode(true, false, replies, new ModeProof(List.of(b), 5, b, b)),
                new MemberVetter.Challenge("pekko://blackstart@127.0.0.1:1", b, kit.get().createTestProbe(
                        MemberVetter.Proof.class).ref()),
                new MemberVetter.Proof("pekko://blackstart@127.0.0.1:1", b, List.of(b), b));
        for (Object m : messages) {
            // byte arrays compare by identity: check that each decodes, and its bytes again decode alike
            Object back = kit.get().serializationTestKit().verifySerialization(m, false);
            assertEquals(m.getClass(), back.getClass());
        }
    }

    /**
     * The largest start a valid spec can make — a 64 KiB document (the cap) whose env and command take all of it —
     * sealed as the recovery manager sends it, stays well inside Artery's frame.
     */
    @Test
    void aStartAtTheSpecCapsFitsAnArteryFrame() {
        StringBuilder env = new StringBuilder();
        for (int i = 0; i < 200; i++) {
            env.append(i == 0 ? "" : ",").append("\"K").append(i).append("\":\"").append("v".repeat(150)).append('"');
        }
        StringBuilder cmd = new StringBuilder();
        for (int i = 0; i < 200; i++) {
            cmd.append(i == 0 ? "" : ",").append('"').append("a".repeat(140)).append('"');
        }
        String doc = "{\"id\":\"big\",\"image\":\"blackstart/testapp:1\",\"instances\":1,\"memoryMb\":16,"
                + "\"cpus\":0.1,\"env\":{" + env + "},\"command\":[" + cmd + "]}";
        assertTrue(doc.length() > 60_000 && doc.length() <= io.blackstart.protocol.SpecLimits.DEFAULT.documentBytes(),
                "a document near the cap: " + doc.length());
        io.blackstart.protocol.AppSpec app = io.blackstart.protocol.AppSpecParser.parse("/apps/big", "big", doc)
                .spec().orElseThrow();
        ActorRef<AgentEvent> replyTo = kit.get().createTestProbe(AgentEvent.class).ref();
        AgentCommand.StartInstance start = new AgentCommand.StartInstance("big-0", "big",
                new io.blackstart.protocol.wire.ContainerSpec(app.image(), app.command(), app.env(), app.memoryMb(),
                        app.cpus(), 60), 12, 1, replyTo);
        var serialization = org.apache.pekko.serialization.SerializationExtension.get(
                org.apache.pekko.actor.typed.javadsl.Adapter.toClassic(kit.get().system()));
        var payload = new io.blackstart.protocol.trust.Payloads(serialization).encode(start);
        byte[] sealed = serialization.serialize(new AgentCommand.Sealed(7, 1, payload.serializerId(),
                payload.manifest(), payload.bytes(), new byte[32])).get();
        long frame = kit.get().system().settings().config().getBytes("pekko.remote.artery.advanced.maximum-frame-size");
        assertTrue(sealed.length < frame / 2, "sealed start " + sealed.length + " bytes, frame " + frame);
    }
}
