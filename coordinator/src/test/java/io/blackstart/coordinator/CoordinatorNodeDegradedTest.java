package io.blackstart.coordinator;

import io.blackstart.testsupport.Await;
import com.typesafe.config.ConfigFactory;
import org.apache.pekko.actor.typed.ActorSystem;
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
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;


/** A coordinator whose etcd does not answer starts anyway and says so: phase rebuilding, etcd degraded. */
@Timeout(60)
public class CoordinatorNodeDegradedTest {

    private ActorSystem<?> system;

    @AfterEach
    void stop() throws Exception {
        if (system != null) {
            system.terminate();
            system.getWhenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
        }
    }

    @Test
    void unreachableEtcdIsReportedDegradedOverHttp() throws Exception {
        org.slf4j.LoggerFactory.getILoggerFactory();
        system = CoordinatorNode.start(ConfigFactory.parseString("""
                pekko.actor.provider = cluster
                pekko.remote.artery.canonical.hostname = "127.0.0.1"
                pekko.remote.artery.canonical.port = 0
                pekko.coordinated-shutdown.exit-jvm = off
                blackstart.coordinator.api.port = 0
                blackstart.coordinator.etcd.endpoints = ["http://127.0.0.1:1"]
                blackstart.coordinator.etcd.retry-backoff-max = 1s
                blackstart.coordinator.recovery.settle-time = 500ms
                """));
        Cluster.get(system).manager().tell(Join.create(Cluster.get(system).selfMember().address()));
        InetSocketAddress api = CoordinatorNode.httpAddress(system).toCompletableFuture().get(20, TimeUnit.SECONDS);
        HttpClient http = HttpClient.newHttpClient();
        AtomicReference<String> last = new AtomicReference<>("");
        Await.until("status: etcd degraded while rebuilding", Duration.ofSeconds(30), () -> {
            if (Cluster.get(system).selfMember().status() != MemberStatus.up()) {
                return false;
            }
            HttpResponse<String> r = get(http, "http://127.0.0.1:" + api.getPort() + "/api/v1/status");
            last.set(r.statusCode() + " " + r.body());
            return r.statusCode() == 200 && r.body().contains("\"etcd\":\"degraded\"")
                    && r.body().contains("\"phase\":\"rebuilding\"");
        });
    }

    private static HttpResponse<String> get(HttpClient http, String url) {
        try {
            return http.send(HttpRequest.newBuilder(URI.create(url)).GET().build(), HttpResponse.BodyHandlers.ofString());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

}
