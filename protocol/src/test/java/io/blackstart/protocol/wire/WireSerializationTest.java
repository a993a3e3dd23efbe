package io.blackstart.protocol.wire;

import io.blackstart.testsupport.TestKitExtension;
import org.apache.pekko.actor.testkit.typed.javadsl.SerializationTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.serialization.Serialization;
import org.apache.pekko.serialization.SerializationExtension;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Every wire message survives a CBOR round trip, and none falls back to Java serialization. */
@Timeout(60)
class WireSerializationTest {

    @RegisterExtension
    static final TestKitExtension testKit = new TestKitExtension();
    private static SerializationTestKit serialization;

    @BeforeAll
    static void start() {
        serialization = new SerializationTestKit(testKit.get().system());
    }

    static Stream<CborSerializable> messages() {
        TestProbe<AgentEvent> coordinator = testKit.get().createTestProbe();
        TestProbe<AgentCommand> agent = testKit.get().createTestProbe();
        ContainerSpec spec = new ContainerSpec("blackstart/testapp:1", List.of("/bin/sleep", "100000"),
                Map.of("PORT", "8080"), 64, 0.25, 30);
        ContainerInfo info = new ContainerInfo("web-0", "web", "c0ffee", "blackstart/testapp:1", ContainerState.STOPPED, 1700000000000L);
        HostLoad load = new HostLoad(2, 24_000, 12_000, 0.12, 0.03, 0.7, 1, List.of("blackstart/testapp:1"));
        return Stream.of(
                new AgentCommand.StartInstance("web-0", "web", spec, 42L, 1, coordinator.ref()),
                new AgentCommand.StopInstance("web-0", "no longer desired", coordinator.ref()),
                new AgentCommand.SetRecoveryMode(true),
                new AgentCommand.RequestReport(coordinator.ref()),
                new AgentEvent.AgentReport("node-1", agent.ref(), 7, List.of(info), load, 3, 1, 4, true),
                new AgentEvent.AgentReport("node-1", agent.ref(), 8, List.of(info), load, 2, 2, 4, true, true,
                        List.of("web-1", "web-2")),
                new AgentEvent.StartOutcome("node-1", "web-0", 42L, 1, StartResult.TIMED_OUT, null, "no answer in 30 s", 30_001),
                new AgentEvent.StopOutcome("node-1", "web-0", true, "removed"),
                new AgentCommand.DiagnoseHost(9L, coordinator.ref()),
                new AgentEvent.HostDiagnosis("node-1", 9L, 1700000000001L, 1700000000013L,
                        new EngineDiagnosis(true, "20.10.24", "1.41", "overlay2", "/var/lib/docker", 40L << 30, 98L << 30,
                                "", 12)),
                new AgentEvent.HostDiagnosis("node-2", 9L, 1700000000001L, 1700000003002L,
                        EngineDiagnosis.unreachable("no answer within 3000 ms", 3001)));
    }

    @Test
    void everyMessageRoundTripsThroughCbor() {
        Serialization ser = SerializationExtension.get(Adapter.toClassic(testKit.get().system()));
        List<CborSerializable> all = messages().toList();
        assertEquals(11, all.size());
        for (CborSerializable m : all) {
            assertEquals("JacksonCborSerializer", ser.findSerializerFor(m).getClass().getSimpleName(),
                    m.getClass().getSimpleName());
            assertEquals(m, serialization.verifySerialization(m, true));
        }
    }
}
