package io.blackstart.coordinator.cluster;

import io.blackstart.testsupport.Await;
import io.blackstart.coordinator.CoordinatorNode;
import io.blackstart.coordinator.agents.AgentGateway;
import io.blackstart.coordinator.recovery.RecoveryManager;
import io.blackstart.coordinator.status.StatusBoard;
import io.blackstart.coordinator.status.StatusSnapshot;
import io.blackstart.coordinator.store.InMemoryDesiredStateStore;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.blackstart.protocol.wire.AgentCommand;
import io.blackstart.protocol.wire.AgentEvent;
import io.blackstart.protocol.wire.StartResult;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.receptionist.Receptionist;
import org.apache.pekko.cluster.Member;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.typed.Cluster;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.StreamSupport;

import static io.blackstart.coordinator.TestFixtures.report;
import static io.blackstart.coordinator.TestFixtures.spec;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Three coordinators in one JVM on fixed loopback ports (seed addresses must be known in advance), seed list
 * {@code [c1, c2, c3]}, and c1 (the first seed, the only node Pekko would let join itself) is not started: c2 alone
 * is a minority and stays out; with c3 the two form the cluster, the recovery manager runs and starts an instance,
 * an agent whose first seed is down joins, {@code GET /api/v1/cluster} shows 2 Up coordinators; when c1 finally
 * starts it joins that cluster instead of founding a second one.
 */
@Timeout(180)
public class ClusterFormationTest {

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

    /** {@code n} distinct loopback ports nobody listens on right now (all bound at once, then released). */
    private static List<Integer> freePorts(int n) {
        List<ServerSocket> sockets = new ArrayList<>();
        try {
            for (int i = 0; i < n; i++) {
                sockets.add(new ServerSocket(0, 1, InetAddress.getLoopbackAddress()));
            }
            return sockets.stream().map(ServerSocket::getLocalPort).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            for (ServerSocket s : sockets) {
                try {
                    s.close();
                } catch (IOException ignored) {
                    // released for the actor systems to bind
                }
            }
        }
    }

    private static String address(int port) {
        return "pekko://" + CoordinatorNode.SYSTEM_NAME + "@127.0.0.1:" + port;
    }

    private static Config nodeConfig(int port, List<Integer> seeds) {
        String list = String.join(", ", seeds.stream().map(p -> "\"" + address(p) + "\"").toList());
        return ConfigFactory.parseString("""
                pekko.actor.provider = cluster
                pekko.remote.artery.canonical.hostname = "127.0.0.1"
                pekko.remote.artery.canonical.port = %d
                pekko.cluster.seed-nodes = [%s]
                pekko.cluster.jmx.multi-mbeans-in-same-jvm = on
                pekko.coordinated-shutdown.exit-jvm = off
                blackstart.coordinator.api.port = 0
                blackstart.coordinator.recovery.settle-time = 1s
                blackstart.coordinator.recovery.tick-interval = 100ms
                blackstart.coordinator.recovery.status-interval = 100ms
                blackstart.coordinator.cluster-formation.probe-timeout = 1s
                blackstart.coordinator.cluster-formation.retry-interval = 1s
                """.formatted(port, list));
    }


    private static boolean up(ActorSystem<?> s) {
        return Cluster.get(s).selfMember().status() == MemberStatus.up();
    }

    private static long upCoordinators(ActorSystem<?> s) {
        return StreamSupport.stream(Cluster.get(s).state().getMembers().spliterator(), false)
                .filter(m -> m.status() == MemberStatus.up() && m.hasRole(CoordinatorNode.ROLE)).count();
    }

    @Test
    void anyTwoOfThreeFormTheClusterWhenTheFirstSeedNeverStarts() throws Exception {
        org.slf4j.LoggerFactory.getILoggerFactory();
        InMemoryDesiredStateStore store = new InMemoryDesiredStateStore();
        store.putApp("web", spec("web", 1, "app")).toCompletableFuture().get(5, TimeUnit.SECONDS);
        List<Integer> ports = freePorts(3).stream().sorted().toList(); // c1 < c2 < c3, as cluster.sh numbers them
        int p1 = ports.get(0);
        int p2 = ports.get(1);
        int p3 = ports.get(2);

        // c2 alone: 1 of 3 is no majority, it must not found a cluster of its own
        ActorSystem<Void> c2 = CoordinatorNode.start(nodeConfig(p2, ports), store, false);
        systems.add(c2);
        // several formation rounds (1 s each), sampling a state that must not change
        Await.throughout("c2 alone for 6 s", Duration.ofSeconds(6), Duration.ofMillis(50),
                () -> assertFalse(up(c2), "a lone coordinator (1 of 3) formed a cluster"));

        // c3 arrives: 2 of 3, c1 (the first seed) still never started
        long secondStart = System.nanoTime();
        ActorSystem<Void> c3 = CoordinatorNode.start(nodeConfig(p3, ports), store, false);
        systems.add(c3);
        Await.until("c2 and c3 Up", Duration.ofSeconds(60), () -> up(c2) && up(c3)
                && upCoordinators(c2) == 2 && upCoordinators(c3) == 2);
        long formedMillis = (System.nanoTime() - secondStart) / 1_000_000;
        System.out.println("FORMATION second coordinator start -> both Up: " + formedMillis + " ms");
        // the founder is the lowest alive address: c2
        Member oldest = StreamSupport.stream(Cluster.get(c3).state().getMembers().spliterator(), false)
                .filter(m -> m.status() == MemberStatus.up()).reduce((a, b) -> a.isOlderThan(b) ? a : b).orElseThrow();
        assertEquals(address(p2), oldest.address().toString());

        // an agent whose first seed (c1) is down joins through Pekko's own seed-node process
        ActorSystem<Void> agentSystem = ActorSystem.create(Behaviors.empty(), CoordinatorNode.SYSTEM_NAME,
                ConfigFactory.parseString("""
                        pekko.cluster.roles = ["agent"]
                        pekko.remote.artery.canonical.port = 0
                        """).withFallback(nodeConfig(0, ports)).withFallback(ConfigFactory.load()));
        systems.add(agentSystem);
        Await.until("the agent Up", Duration.ofSeconds(60), () -> up(agentSystem));

        // the recovery manager singleton runs and recovers: it answers, and starts web-0 on an agent of c3
        StatusSnapshot status = AskPattern.<RecoveryManager.Command, StatusSnapshot>ask(
                CoordinatorNode.recoveryManager(c3), RecoveryManager.GetStatus::new, Duration.ofSeconds(20),
                c3.scheduler()).toCompletableFuture().get(30, TimeUnit.SECONDS);
        assertEquals(1, status.total().desired());
        TestProbe<AgentCommand> agent = TestProbe.create(c3);
        c3.receptionist().tell(Receptionist.register(RecoveryManager.AGENT_KEY, agent.ref()));
        ActorRef<AgentEvent> gateway = localGateway(c3);
        gateway.tell(report("local-1", agent.ref(), 1, 2, 0, false));
        AgentCommand.StartInstance start = null;
        long deadline = System.nanoTime() + Duration.ofSeconds(40).toNanos();
        long seq = 2;
        while (start == null) {
            AgentCommand c = agent.receiveMessage(Duration.ofNanos(Math.max(1, deadline - System.nanoTime())));
            if (c instanceof AgentCommand.RequestReport rr) {
                rr.replyTo().tell(report("local-1", agent.ref(), seq++, 2, 0, false));
            } else if (c instanceof AgentCommand.StartInstance s) {
                start = s;
            }
        }
        assertEquals("web-0", start.instanceId());
        start.replyTo().tell(new AgentEvent.StartOutcome("local-1", "web-0", start.assignment(), start.attempt(),
                StartResult.STARTED, "c1", null, 10));
        StatusBoard board = CoordinatorNode.statusBoard(c3);
        Await.until("web-0 running on c3's board", Duration.ofSeconds(30),
                () -> board.latest().map(s -> s.total().running() == 1).orElse(false));

        // the API: 2 Up coordinators (and the agent), the singleton on c2
        JsonNode cluster = clusterJson(c3);
        List<String> upCoordinators = new ArrayList<>();
        for (JsonNode m : cluster.get("members")) {
            if (m.get("status").asText().equals("Up") && m.get("roles").toString().contains("coordinator")) {
                upCoordinators.add(m.get("address").asText());
            }
        }
        assertEquals(List.of(address(p2), address(p3)), upCoordinators.stream().sorted().toList(), cluster.toString());
        assertEquals(address(p2), cluster.get("singleton").asText(), cluster.toString());

        // c1 returns late: it joins the existing cluster, it does not found a second one
        ActorSystem<Void> c1 = CoordinatorNode.start(nodeConfig(p1, ports), store, false);
        systems.add(c1);
        Await.until("c1 Up in the same cluster", Duration.ofSeconds(60), () -> up(c1) && upCoordinators(c1) == 3
                && upCoordinators(c2) == 3);
        assertNotEquals(address(p1), clusterJson(c1).get("singleton").asText(), "the singleton stayed where it was");
        assertTrue(board.latest().map(s -> s.total().running() == 1).orElse(false));
    }

    private static JsonNode clusterJson(ActorSystem<?> s) throws Exception {
        InetSocketAddress api = CoordinatorNode.httpAddress(s).toCompletableFuture().get(10, TimeUnit.SECONDS);
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + api.getPort() + "/api/v1/cluster")).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), r.body());
        return new ObjectMapper().readTree(r.body());
    }

    private static ActorRef<AgentEvent> localGateway(ActorSystem<?> s) {
        TestProbe<Receptionist.Listing> listing = TestProbe.create(s);
        return Await.until("a local agent gateway on " + s, Duration.ofSeconds(20), () -> {
            s.receptionist().tell(Receptionist.find(AgentGateway.SERVICE_KEY, listing.ref()));
            return listing.receiveMessage(Duration.ofSeconds(5)).getServiceInstances(AgentGateway.SERVICE_KEY).stream()
                    .filter(g -> g.path().address().hasLocalScope()).findFirst();
        }, java.util.Optional::isPresent).orElseThrow();
    }
}
