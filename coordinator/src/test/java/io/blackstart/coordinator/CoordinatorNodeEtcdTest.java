package io.blackstart.coordinator;

import io.blackstart.testsupport.SharedEtcd;
import io.blackstart.testsupport.Await;
import io.blackstart.coordinator.recovery.RecoveryManager;
import io.blackstart.coordinator.store.DesiredStateStore;
import io.blackstart.coordinator.store.EtcdDesiredStateStore;
import io.blackstart.coordinator.store.EtcdDesiredStateStoreTest;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.blackstart.protocol.wire.AgentCommand;
import io.blackstart.protocol.wire.AgentEvent;
import io.blackstart.protocol.wire.StartResult;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.receptionist.Receptionist;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Join;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static io.blackstart.coordinator.TestFixtures.report;
import static io.blackstart.coordinator.TestFixtures.spec;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link CoordinatorNode#start(Config)} as the CLI calls it, against the real etcd, with a probe as the agent. */
@Tag("etcd")
@Timeout(90)
public class CoordinatorNodeEtcdTest {

    private final String prefix = SharedEtcd.uniquePrefix("test");
    private ActorSystem<?> system;
    private final EtcdDesiredStateStore admin = EtcdDesiredStateStore.create(
            EtcdDesiredStateStoreTest.etcd(prefix, SharedEtcd.ENDPOINT));

    @AfterEach
    void cleanUp() throws Exception {
        if (system != null) {
            system.terminate();
            system.getWhenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
        }
        admin.deleteAll().toCompletableFuture().get(5, TimeUnit.SECONDS);
        admin.close();
    }


    @Test
    void startsAnAppPutIntoEtcdAndRecordsAssignmentAndMode() throws Exception {
        org.slf4j.LoggerFactory.getILoggerFactory();
        admin.putApp("web", spec("web", 1, "app")).toCompletableFuture().get(5, TimeUnit.SECONDS);
        admin.putApp("broken", "{\"id\":\"broken\",\"image\":\"NOT A REF\"}").toCompletableFuture().get(5, TimeUnit.SECONDS);
        Config config = ConfigFactory.parseString("""
                pekko.actor.provider = cluster
                pekko.remote.artery.canonical.hostname = "127.0.0.1"
                pekko.remote.artery.canonical.port = 0
                pekko.coordinated-shutdown.exit-jvm = off
                blackstart.coordinator.api.port = 0
                blackstart.coordinator.api.token = "t0ken"
                blackstart.coordinator.recovery.settle-time = 1s
                """).withFallback(ConfigFactory.parseString("blackstart.coordinator.etcd.prefix = \"" + prefix + "\""));
        system = CoordinatorNode.start(config);
        assertEquals("blackstart", system.name());
        Cluster.get(system).manager().tell(Join.create(Cluster.get(system).selfMember().address()));
        Await.until("member up", Duration.ofSeconds(20), () -> Cluster.get(system).selfMember().status() == MemberStatus.up());
        assertTrue(Cluster.get(system).selfMember().hasRole("coordinator"));

        TestProbe<AgentCommand> agent = TestProbe.create(system);
        system.receptionist().tell(Receptionist.register(RecoveryManager.AGENT_KEY, agent.ref()));
        AgentCommand.StartInstance start = TestFixtures.firstStart(agent, Duration.ofSeconds(30));
        assertEquals("web-0", start.instanceId());
        var record = admin.loadAssignments().toCompletableFuture().get(5, TimeUnit.SECONDS).get("web-0");
        assertEquals("local-1", record.value().node());
        assertEquals(start.assignment(), record.modRevision(), "the start carries the record's revision");
        Await.until("recovery mode stored", Duration.ofSeconds(10), () -> admin.readMode().toCompletableFuture().join()
                .map(DesiredStateStore.ModeRecord::recovery).orElse(false));

        start.replyTo().tell(new AgentEvent.StartOutcome("local-1", "web-0", start.assignment(), start.attempt(),
                StartResult.STARTED, "c1", null, 10));
        Await.until("recovery mode left", Duration.ofSeconds(10), () -> !admin.readMode().toCompletableFuture().join()
                .map(DesiredStateStore.ModeRecord::recovery).orElse(true));

        InetSocketAddress api = CoordinatorNode.httpAddress(system).toCompletableFuture().get(10, TimeUnit.SECONDS);
        assertEquals("127.0.0.1", api.getAddress().getHostAddress());
        HttpClient http = HttpClient.newHttpClient();
        Await.until("status shows web-0 running", Duration.ofSeconds(10), () -> {
            try {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + api.getPort()
                        + "/api/v1/status")).GET().build(), HttpResponse.BodyHandlers.ofString());
                return r.statusCode() == 200 && r.body().contains("\"running\":1") && r.body().contains("\"mode\":\"normal\"")
                        && r.body().contains(prefix + "/apps/broken") && r.body().contains("\"field\":\"image\"");
            } catch (Exception e) {
                return false;
            }
        });
        HttpResponse<String> post = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + api.getPort()
                        + "/api/v1/recovery")).header("Authorization", "Bearer t0ken")
                .POST(HttpRequest.BodyPublishers.ofString("{\"action\":\"start\"}")).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, post.statusCode(), post.body());
        assertTrue(post.body().contains("\"message\":\"ok\""), post.body());
        // the answer comes once the mode is stored
        var mode = admin.readMode().toCompletableFuture().get(5, TimeUnit.SECONDS).orElseThrow();
        assertTrue(mode.recovery());
        assertEquals("operator", mode.by());

        // the store start(Config) built times its compare-and-sets into the node's /metrics: web-0's assignment
        String metrics = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + api.getPort() + "/metrics"))
                .GET().build(), HttpResponse.BodyHandlers.ofString()).body();
        java.util.regex.Matcher assigned = java.util.regex.Pattern.compile(
                "blackstart_etcd_cas_latency_seconds_count\\{op=\"assignment\",outcome=\"succeeded\"} (\\S+)")
                .matcher(metrics);
        assertTrue(assigned.find(), metrics);
        assertTrue(Double.parseDouble(assigned.group(1)) >= 1, "web-0's assignment CAS is counted: " + assigned.group());
    }
}
