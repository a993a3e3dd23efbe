package io.blackstart.cli;

import io.blackstart.coordinator.CoordinatorNode;
import io.blackstart.coordinator.store.InMemoryDesiredStateStore;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import org.apache.pekko.actor.typed.ActorSystem;
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
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The doctor on a real coordinator that cannot form the cluster: seeds {@code [c1, c2, c3]}, only c2 runs (1 of 3,
 * no majority). Its own {@code GET /api/v1/doctor} names "coordinators cannot form a cluster: first seed c1 down"
 * as a root cause; once c3 starts the two form the cluster and that root cause is gone.
 */
@Timeout(120)
public class ColdStartDoctorTest {

    private static final ObjectMapper JSON = new ObjectMapper();
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

    private static List<Integer> freePorts(int n) {
        List<ServerSocket> sockets = new ArrayList<>();
        try {
            for (int i = 0; i < n; i++) {
                sockets.add(new ServerSocket(0, 1, InetAddress.getLoopbackAddress()));
            }
            return sockets.stream().map(ServerSocket::getLocalPort).sorted().toList();
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
        return "pekko://blackstart@127.0.0.1:" + port;
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
                blackstart.coordinator.cluster-formation.probe-timeout = 1s
                blackstart.coordinator.cluster-formation.retry-interval = 1s
                blackstart.doctor.docker-host = ""
                blackstart.doctor.connect-timeout = 1s
                blackstart.doctor.read-timeout = 2s
                """.formatted(port, list));
    }

    private static JsonNode doctor(ActorSystem<?> s) throws Exception {
        InetSocketAddress api = CoordinatorNode.httpAddress(s).toCompletableFuture().get(10, TimeUnit.SECONDS);
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + api.getPort() + "/api/v1/doctor"))
                        .timeout(Duration.ofSeconds(40)).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), r.body());
        return JSON.readTree(r.body());
    }

    private static JsonNode check(JsonNode report, String name) {
        for (JsonNode c : report.path("checks")) {
            if (c.path("name").asText().equals(name)) {
                return c;
            }
        }
        throw new AssertionError(name + " missing: " + report);
    }

    private static List<String> rootCauses(JsonNode report) {
        List<String> out = new ArrayList<>();
        report.path("rootCauses").forEach(n -> out.add(n.isTextual() ? n.asText() : n.path("name").asText()));
        return out;
    }

    @Test
    void theFirstSeedDownIsNamedAsTheRootCauseUntilAMajorityFormsTheCluster() throws Exception {
        org.slf4j.LoggerFactory.getILoggerFactory();
        InMemoryDesiredStateStore store = new InMemoryDesiredStateStore();
        List<Integer> ports = freePorts(3);
        ActorSystem<Void> c2 = CoordinatorNode.start(nodeConfig(ports.get(1), ports), store, false,
                Optional.of(new CoordinatorDoctor()));
        systems.add(c2);

        JsonNode report = doctor(c2);
        String formation = "coordinator cluster formation";
        JsonNode f = check(report, formation);
        assertEquals("fail", f.path("status").asText().toLowerCase(), f.toString());
        assertTrue(f.path("finding").asText().startsWith("coordinators cannot form a cluster: first seed "
                + address(ports.get(0)) + " down"), f.toString());
        assertTrue(rootCauses(report).contains(formation), report.toString());
        assertFalse(rootCauses(report).contains("coordinator members"), report.toString());
        assertTrue(f.path("blocks").toString().contains("recovery"), f.toString());

        ActorSystem<Void> c3 = CoordinatorNode.start(nodeConfig(ports.get(2), ports), store, false,
                Optional.of(new CoordinatorDoctor()));
        systems.add(c3);
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        JsonNode after = doctor(c2);
        // formed (this node is in a cluster) and the second coordinator is Up: two steps, seen in either order
        while (!check(after, formation).path("status").asText().equalsIgnoreCase("warn")
                || !check(after, "coordinator members").path("finding").asText().contains("2 coordinators")) {
            assertTrue(System.nanoTime() < deadline, "never formed: " + after);
            after = doctor(c2);
        }
        assertTrue(check(after, formation).path("finding").asText().contains("formed without the first seed"),
                after.toString());
        assertFalse(rootCauses(after).contains(formation), after.toString());
    }
}
