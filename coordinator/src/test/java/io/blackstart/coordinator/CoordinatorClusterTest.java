package io.blackstart.coordinator;

import io.blackstart.testsupport.Await;
import io.blackstart.coordinator.agents.AgentGateway;
import io.blackstart.coordinator.recovery.RecoveryManager;
import io.blackstart.coordinator.status.StatusBoard;
import io.blackstart.coordinator.status.StatusSnapshot;
import io.blackstart.coordinator.store.InMemoryDesiredStateStore;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.blackstart.protocol.wire.AgentCommand;
import io.blackstart.protocol.wire.AgentEvent;
import io.blackstart.protocol.wire.StartResult;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.actor.typed.receptionist.Receptionist;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Join;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static io.blackstart.coordinator.TestFixtures.report;
import static io.blackstart.coordinator.TestFixtures.spec;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Two coordinator nodes in one JVM (Artery on port 0, joined programmatically, one shared in-memory store): the
 * singleton runs on the first; an agent on the second talks only to the second's gateway, which forwards to the
 * singleton; the status reaches the second node's board and HTTP API. Then the first node leaves: the singleton
 * moves and rebuilds without starting the running instance again.
 */
@Timeout(120)
public class CoordinatorClusterTest {

    private final List<ActorSystem<?>> systems = new ArrayList<>();

    @AfterEach
    void shutdown() throws Exception {
        for (ActorSystem<?> s : systems) {
            s.terminate();
        }
        for (ActorSystem<?> s : systems) {
            s.getWhenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
        }
    }

    private static Config nodeConfig() {
        return ConfigFactory.parseString("""
                pekko.actor.provider = cluster
                pekko.remote.artery.canonical.hostname = "127.0.0.1"
                pekko.remote.artery.canonical.port = 0
                pekko.cluster.seed-nodes = []
                pekko.cluster.jmx.multi-mbeans-in-same-jvm = on
                pekko.coordinated-shutdown.exit-jvm = off
                blackstart.coordinator.api.port = 0
                blackstart.coordinator.recovery.settle-time = 1s
                blackstart.coordinator.recovery.tick-interval = 100ms
                blackstart.coordinator.recovery.status-interval = 100ms
                """);
    }


    @Test
    void largeStatusReachesTheOtherNode() throws Exception {
        org.slf4j.LoggerFactory.getILoggerFactory();
        InMemoryDesiredStateStore store = new InMemoryDesiredStateStore();
        store.putApp("bulk", spec("bulk", 8000, "app")).toCompletableFuture().get(5, TimeUnit.SECONDS);
        ActorSystem<Void> a = CoordinatorNode.start(nodeConfig(), store, false);
        systems.add(a);
        Cluster.get(a).manager().tell(Join.create(Cluster.get(a).selfMember().address()));
        Await.until("first node up", Duration.ofSeconds(20), () -> Cluster.get(a).selfMember().status() == MemberStatus.up());
        ActorSystem<Void> b = CoordinatorNode.start(nodeConfig(), store, false);
        systems.add(b);
        Cluster.get(b).manager().tell(Join.create(Cluster.get(a).selfMember().address()));
        Await.until("second node up", Duration.ofSeconds(30), () -> Cluster.get(b).selfMember().status() == MemberStatus.up());
        // 8000 instances: far beyond Artery's ordinary 256 KiB frame
        StatusBoard boardB = CoordinatorNode.statusBoard(b);
        Await.until("8000 desired instances on node b's board", Duration.ofSeconds(30), () -> boardB.latest()
                .map(s -> s.total().desired() == 8000 && s.instances().size() == 8000).orElse(false));
    }

    @Test
    void agentOnTheOtherNodeIsServedByTheSingletonThroughItsLocalGateway() throws Exception {
        org.slf4j.LoggerFactory.getILoggerFactory();
        InMemoryDesiredStateStore store = new InMemoryDesiredStateStore();
        store.putApp("web", spec("web", 1, "app")).toCompletableFuture().get(5, TimeUnit.SECONDS);

        ActorSystem<Void> a = CoordinatorNode.start(nodeConfig(), store, false);
        systems.add(a);
        Cluster.get(a).manager().tell(Join.create(Cluster.get(a).selfMember().address()));
        Await.until("first node up", Duration.ofSeconds(20), () -> Cluster.get(a).selfMember().status() == MemberStatus.up());
        ActorSystem<Void> b = CoordinatorNode.start(nodeConfig(), store, false);
        systems.add(b);
        Cluster.get(b).manager().tell(Join.create(Cluster.get(a).selfMember().address()));
        Await.until("second node up", Duration.ofSeconds(30), () -> Cluster.get(b).selfMember().status() == MemberStatus.up());
        assertTrue(Cluster.get(b).selfMember().hasRole("coordinator"));

        // an agent living on node b, registered with the (cluster) receptionist
        TestProbe<AgentCommand> agent = TestProbe.create(b);
        b.receptionist().tell(Receptionist.register(RecoveryManager.AGENT_KEY, agent.ref()));

        // it sends to the gateway of its own node
        TestProbe<Receptionist.Listing> listing = TestProbe.create(b);
        ActorRef<AgentEvent> gatewayB = Await.until("the agent gateway of node b", Duration.ofSeconds(10), () -> {
            b.receptionist().tell(Receptionist.find(AgentGateway.SERVICE_KEY, listing.ref()));
            return listing.receiveMessage(Duration.ofSeconds(5)).getServiceInstances(AgentGateway.SERVICE_KEY).stream()
                    .filter(g -> g.path().address().hasLocalScope()).findFirst();
        }, java.util.Optional::isPresent).orElseThrow();
        assertTrue(gatewayB != null, "gateway on node b registered");

        ActorRef<AgentEvent> gateway = gatewayB;
        gateway.tell(report("local-1", agent.ref(), 1, 2, 0, false));
        AgentCommand.StartInstance start = null;
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (start == null) {
            AgentCommand c = agent.receiveMessage(Duration.ofNanos(Math.max(1, deadline - System.nanoTime())));
            if (c instanceof AgentCommand.RequestReport rr) {
                rr.replyTo().tell(report("local-1", agent.ref(), 2, 2, 0, false));
            } else if (c instanceof AgentCommand.StartInstance s) {
                start = s;
            }
        }
        assertEquals("web-0", start.instanceId());
        // the singleton runs on node a: the reply address is remote from node b
        assertTrue(!start.replyTo().path().address().hasLocalScope(), start.replyTo().path().toString());
        start.replyTo().tell(new AgentEvent.StartOutcome("local-1", "web-0", start.assignment(), start.attempt(),
                StartResult.STARTED, "c1", null, 10));

        StatusBoard boardB = CoordinatorNode.statusBoard(b);
        Await.until("status on node b shows web-0 running", Duration.ofSeconds(20), () -> boardB.latest()
                .map(s -> s.total().running() == 1).orElse(false));

        InetSocketAddress api = CoordinatorNode.httpAddress(b).toCompletableFuture().get(10, TimeUnit.SECONDS);
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + api.getPort() + "/api/v1/status")).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode());
        assertTrue(r.body().contains("\"running\":1"), r.body());

        // the cluster as node b sees it: both members Up, the singleton on the oldest (a), the agent present
        HttpResponse<String> cr = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + api.getPort() + "/api/v1/cluster")).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, cr.statusCode(), cr.body());
        JsonNode cluster = new ObjectMapper().readTree(cr.body());
        String addressA = Cluster.get(a).selfMember().address().toString();
        assertEquals(Cluster.get(b).selfMember().address().toString(), cluster.get("self").asText());
        assertEquals(2, cluster.get("members").size(), cr.body());
        for (JsonNode m : cluster.get("members")) {
            assertEquals("Up", m.get("status").asText(), cr.body());
            assertTrue(m.get("roles").toString().contains("coordinator"), cr.body());
        }
        assertEquals(0, cluster.get("unreachable").size(), cr.body());
        assertEquals(addressA, cluster.get("singleton").asText(), cr.body());
        assertTrue(cluster.hasNonNull("leader"), cr.body());
        assertEquals("local-1", cluster.get("agentsPresent").get(0).get("nodeId").asText(), cr.body());
        assertTrue(cluster.get("agentsPresent").get(0).get("lastReportMillis").asLong() > 0, cr.body());
        assertTrue(cluster.get("agentsKnown").toString().contains("local-1"), cr.body());
        assertTrue(cluster.hasNonNull("generatedAt"), cr.body());

        // a GetStatus from node b crosses to the singleton and back
        StatusSnapshot direct = AskPattern.<RecoveryManager.Command, StatusSnapshot>ask(CoordinatorNode.recoveryManager(b),
                RecoveryManager.GetStatus::new, Duration.ofSeconds(10), b.scheduler()).toCompletableFuture()
                .get(15, TimeUnit.SECONDS);
        assertEquals(1, direct.total().desired());
        assertEquals("local-1", direct.hosts().get(0).nodeId());

        // node a leaves: the singleton moves to b, rebuilds from the store and the agent's report, starts nothing
        a.terminate();
        a.getWhenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
        boolean asked = false;
        long quietUntil = Long.MAX_VALUE;
        deadline = System.nanoTime() + Duration.ofSeconds(40).toNanos();
        while (System.nanoTime() < Math.min(deadline, quietUntil)) {
            AgentCommand c;
            try {
                c = agent.receiveMessage(Duration.ofMillis(200));
            } catch (AssertionError quiet) {
                continue;
            }
            if (c instanceof AgentCommand.RequestReport rr) {
                asked = true;
                quietUntil = System.nanoTime() + Duration.ofSeconds(3).toNanos();
                rr.replyTo().tell(report("local-1", agent.ref(), 3, 2, 0, false, TestFixtures.running("web-0")));
            } else if (c instanceof AgentCommand.StartInstance s) {
                throw new AssertionError("duplicate start after failover: " + s.instanceId());
            }
        }
        assertTrue(asked, "the new singleton on b asked the agent for its report");
        StatusSnapshot afterFailover = AskPattern.<RecoveryManager.Command, StatusSnapshot>ask(
                CoordinatorNode.recoveryManager(b), RecoveryManager.GetStatus::new, Duration.ofSeconds(10),
                b.scheduler()).toCompletableFuture().get(15, TimeUnit.SECONDS);
        assertEquals("running", afterFailover.phase());
        assertEquals(1, afterFailover.total().running());
        assertEquals(1, store.assignmentsNow().size());
    }
}
