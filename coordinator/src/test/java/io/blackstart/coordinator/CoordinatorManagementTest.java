package io.blackstart.coordinator;

import io.blackstart.testsupport.Await;
import io.blackstart.testsupport.SharedEtcd;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Join;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The coordinator's management endpoint (Pekko Management) on a real node: {@code /alive}, {@code /ready} (member Up
 * and catalog loaded from etcd, else 503 naming the condition) and the read-only {@code /cluster/members}.
 */
@Tag("etcd")
@Timeout(90)
class CoordinatorManagementTest {

    private final String prefix = SharedEtcd.uniquePrefix("mgmt");
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private ActorSystem<?> system;

    @AfterEach
    void cleanUp() throws Exception {
        if (system != null) {
            system.terminate();
            system.getWhenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
        }
    }

    private static Config node(String extra) {
        return ConfigFactory.parseString("""
                pekko.actor.provider = cluster
                pekko.remote.artery.canonical.hostname = "127.0.0.1"
                pekko.remote.artery.canonical.port = 0
                pekko.coordinated-shutdown.exit-jvm = off
                blackstart.coordinator.api.port = 0
                blackstart.coordinator.management.port = 0
                blackstart.coordinator.tracker.jmx = off
                """ + extra);
    }

    private HttpResponse<String> get(URI base, String path) {
        try {
            return http.send(HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(5)).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private void join() {
        Cluster.get(system).manager().tell(Join.create(Cluster.get(system).selfMember().address()));
        Await.until("member up", Duration.ofSeconds(20), () -> Cluster.get(system).selfMember().status() == MemberStatus.up());
    }

    @Test
    void notReadyUntilJoinedThenReadyAndListsItself() throws Exception {
        org.slf4j.LoggerFactory.getILoggerFactory();
        system = CoordinatorNode.start(node("blackstart.coordinator.etcd.prefix = \"" + prefix + "\""));
        URI base = CoordinatorNode.managementUri(system).toCompletableFuture().get(10, TimeUnit.SECONDS);
        assertEquals("127.0.0.1", base.getHost(), "loopback by default");

        assertEquals(200, get(base, "/alive").statusCode());
        HttpResponse<String> notJoined = get(base, "/ready");
        assertEquals(503, notJoined.statusCode(), notJoined.body());
        assertTrue(notJoined.body().contains("cluster: not a cluster member"), notJoined.body());

        join();
        HttpResponse<String> ready = Await.until("ready", Duration.ofSeconds(20), () -> get(base, "/ready"),
                r -> r.statusCode() == 200);
        assertEquals("OK", ready.body().strip());

        HttpResponse<String> members = get(base, "/cluster/members");
        assertEquals(200, members.statusCode(), members.body());
        String self = Cluster.get(system).selfMember().address().toString();
        assertTrue(members.body().contains("\"node\":\"" + self + "\""), members.body());
        assertTrue(members.body().contains("\"status\":\"Up\""), members.body());
        assertTrue(members.body().contains("\"coordinator\""), members.body());
        // read only: no route leaves or downs a member
        HttpResponse<String> leave = http.send(HttpRequest.newBuilder(base.resolve("/cluster/members/" + self))
                .method("DELETE", HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        assertTrue(leave.statusCode() >= 400, leave.statusCode() + " " + leave.body());
        assertEquals(MemberStatus.up(), Cluster.get(system).selfMember().status());
    }

    @Test
    void aJoinedCoordinatorWithoutACatalogIsNotReadyAndSaysWhy() throws Exception {
        org.slf4j.LoggerFactory.getILoggerFactory();
        // nothing answers on port 1: the catalog is never loaded
        system = CoordinatorNode.start(node("""
                blackstart.coordinator.etcd.endpoints = ["http://127.0.0.1:1"]
                blackstart.coordinator.etcd.retry-backoff-max = 1s
                """));
        URI base = CoordinatorNode.managementUri(system).toCompletableFuture().get(10, TimeUnit.SECONDS);
        join();
        Await.throughout("not ready without a catalog", Duration.ofSeconds(2), Duration.ofMillis(200), () -> {
            HttpResponse<String> r = get(base, "/ready");
            assertEquals(503, r.statusCode(), r.body());
            assertTrue(r.body().contains("catalog: not yet loaded from etcd"), r.body());
        });
        assertEquals(200, get(base, "/alive").statusCode(), "alive: the process is fine, etcd is not");
    }
}
