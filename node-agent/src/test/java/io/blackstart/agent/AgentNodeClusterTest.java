package io.blackstart.agent;

import io.blackstart.protocol.wire.AgentCommand;
import io.blackstart.protocol.wire.AgentEvent;
import io.blackstart.protocol.wire.AgentEvent.AgentReport;
import io.blackstart.protocol.wire.AgentEvent.StartOutcome;
import io.blackstart.protocol.wire.StartResult;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.receptionist.Receptionist;
import org.apache.pekko.cluster.Member;
import org.apache.pekko.cluster.typed.Cluster;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.stream.StreamSupport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link AgentNode#start} as the CLI calls it: a separate cluster node with role {@code agent}, found by a
 * coordinator-side gateway (a TestProbe in another ActorSystem) through the receptionist; reports and commands cross
 * Artery as CBOR. Needs the local Docker engine.
 */
@Tag("docker")
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class AgentNodeClusterTest {

    private static final Duration WAIT = Duration.ofSeconds(20);

    private CoordinatorAndAgent nodes;

    @AfterEach
    void tearDown() throws Exception {
        if (nodes != null) {
            nodes.close();
        }
    }

    @Test
    void anAgentNodeJoinsReportsAndTakesCommandsOverTheNetwork() {
        nodes = new CoordinatorAndAgent("it");
        ActorTestKit coordinator = nodes.coordinator;
        Cluster cluster = nodes.coordinatorCluster();
        nodes.coordinatorFoundsTheCluster();
        TestProbe<AgentEvent> gateway = coordinator.createTestProbe(AgentEvent.class);
        coordinator.system().receptionist().tell(Receptionist.register(NodeAgent.GATEWAY_KEY, gateway.ref()));
        String nodeId = nodes.nodeId;
        ActorSystem<Void> agentSystem = nodes.startAgent("");

        AgentReport report = gateway.expectMessageClass(AgentReport.class, WAIT);
        assertEquals(nodeId, report.nodeId());
        assertTrue(report.containers().isEmpty());
        Member agentMember = StreamSupport.stream(cluster.state().getMembers().spliterator(), false)
                .filter(m -> m.hasRole(AgentNode.ROLE)).findFirst().orElseThrow();
        assertEquals(agentSystem.address(), agentMember.address());

        TestProbe<AgentEvent> replies = coordinator.createTestProbe(AgentEvent.class);
        report.agent().tell(new AgentCommand.RequestReport(replies.ref()));
        assertEquals(nodeId, replies.expectMessageClass(AgentReport.class, WAIT).nodeId());

        String instance = nodeId + "-remote-0";
        report.agent().tell(new AgentCommand.StartInstance(instance, nodeId + "-remote", TestConfigs.spec(30), 3, 1,
                replies.ref()));
        StartOutcome outcome = replies.expectMessageClass(StartOutcome.class, WAIT);
        assertEquals(StartResult.STARTED, outcome.result(), outcome.toString());
        assertEquals(3, outcome.assignment());
    }

    @Test
    void aMissingNodeIdIsRefusedBeforeAnythingStarts() {
        var e = assertThrows(IllegalArgumentException.class, () -> AgentNode.start(CoordinatorAndAgent.clusterNode("")));
        assertTrue(e.getMessage().contains("blackstart.agent.node-id"), e.getMessage());
    }
}
