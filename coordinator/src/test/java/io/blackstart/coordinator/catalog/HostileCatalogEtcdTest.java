package io.blackstart.coordinator.catalog;

import io.blackstart.testsupport.SharedEtcd;
import io.blackstart.testsupport.Await;
import io.blackstart.coordinator.CoordinatorNode;
import io.blackstart.coordinator.TestFixtures;
import io.blackstart.coordinator.recovery.RecoveryManager;
import io.blackstart.coordinator.store.EtcdDesiredStateStore;
import io.blackstart.coordinator.store.EtcdDesiredStateStoreTest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.blackstart.protocol.wire.AgentCommand;
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

import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static io.blackstart.coordinator.TestFixtures.report;
import static io.blackstart.coordinator.TestFixtures.spec;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A hostile etcd: the coordinator reads a catalog of a 1 MB id, a 1 MB env, a NUL in an id, 1e400, 10,000 nested
 * arrays and a 20,000-app dependency cycle, next to one good app. It keeps serving: the good app is started, the
 * status answers with one reason per bad document (the first 100 listed, all counted), its body stays small, and
 * the heap after the load stays bounded.
 */
@Tag("etcd")
@Timeout(180)
public class HostileCatalogEtcdTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int CYCLE = 20_000;
    private final String prefix = SharedEtcd.uniquePrefix("hostile");
    private final EtcdDesiredStateStore admin = EtcdDesiredStateStore.create(
            EtcdDesiredStateStoreTest.etcd(prefix, SharedEtcd.ENDPOINT));
    private ActorSystem<?> system;

    @AfterEach
    void cleanUp() throws Exception {
        if (system != null) {
            system.terminate();
            system.getWhenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
        }
        admin.deleteAll().toCompletableFuture().get(60, TimeUnit.SECONDS);
        admin.close();
    }


    private static long usedHeapAfterGc() {
        System.gc();
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    @Test
    void aHostileCatalogGetsAReasonPerAppAndTheGoodAppStillStarts() throws Exception {
        org.slf4j.LoggerFactory.getILoggerFactory();
        Map<String, String> hostile = new HashMap<>();
        hostile.put("a-huge-id", "{\"id\":\"" + "a".repeat(1_000_000) + "\",\"image\":\"busybox:1\"}");
        hostile.put("a-huge-env", "{\"id\":\"a-huge-env\",\"image\":\"busybox:1\",\"env\":{\"X\":\""
                + "x".repeat(1_000_000) + "\"}}");
        hostile.put("a-nul", "{\"id\":\"a-nul\\u0000x\",\"image\":\"busybox:1\"}");
        hostile.put("a-number", "{\"id\":\"a-number\",\"image\":\"busybox:1\",\"memoryMb\":1e400}");
        hostile.put("a-deep", "{\"id\":\"a-deep\",\"image\":\"busybox:1\",\"env\":" + "[".repeat(10_000)
                + "]".repeat(10_000) + "}");
        admin.putApp("web", spec("web", 1, "app")).toCompletableFuture().get(5, TimeUnit.SECONDS);
        for (Map.Entry<String, String> e : hostile.entrySet()) {
            admin.putApp(e.getKey(), e.getValue()).toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
        List<CompletableFuture<Long>> puts = new ArrayList<>();
        for (int i = 0; i < CYCLE; i++) {
            String dep = "c-" + ((i + CYCLE - 1) % CYCLE);
            puts.add(admin.putApp("c-" + i, "{\"id\":\"c-" + i + "\",\"image\":\"busybox:1\",\"dependsOn\":[\""
                    + dep + "\"]}").toCompletableFuture());
            if (puts.size() == 500) {
                CompletableFuture.allOf(puts.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
                puts.clear();
            }
        }
        CompletableFuture.allOf(puts.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
        long heapBefore = usedHeapAfterGc();

        Config config = ConfigFactory.parseString("""
                pekko.actor.provider = cluster
                pekko.remote.artery.canonical.hostname = "127.0.0.1"
                pekko.remote.artery.canonical.port = 0
                pekko.coordinated-shutdown.exit-jvm = off
                blackstart.coordinator.api.port = 0
                blackstart.coordinator.recovery.settle-time = 1s
                """).withFallback(ConfigFactory.parseString("blackstart.coordinator.etcd.prefix = \"" + prefix + "\""));
        system = CoordinatorNode.start(config);
        Cluster.get(system).manager().tell(Join.create(Cluster.get(system).selfMember().address()));
        Await.until("member up", Duration.ofSeconds(20), () -> Cluster.get(system).selfMember().status() == MemberStatus.up());
        TestProbe<AgentCommand> agent = TestProbe.create(system);
        system.receptionist().tell(Receptionist.register(RecoveryManager.AGENT_KEY, agent.ref()));
        AgentCommand.StartInstance start = TestFixtures.firstStart(agent, Duration.ofSeconds(60));
        assertEquals("web-0", start.instanceId(), "the good app goes on");

        InetSocketAddress api = CoordinatorNode.httpAddress(system).toCompletableFuture().get(10, TimeUnit.SECONDS);
        HttpClient http = HttpClient.newHttpClient();
        String[] body = {""};
        Await.until("status with every rejection counted", Duration.ofSeconds(30), () -> {
            try {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                        + api.getPort() + "/api/v1/status")).GET().build(), HttpResponse.BodyHandlers.ofString());
                body[0] = r.body();
                return r.statusCode() == 200 && JSON.readTree(r.body()).path("rejectedTotal").asInt() >= CYCLE + 5;
            } catch (Exception e) {
                return false;
            }
        });
        JsonNode status = JSON.readTree(body[0]);
        assertTrue(body[0].length() < 64 * 1024, "status body " + body[0].length() + " chars");
        assertEquals(100, status.path("rejected").size(), "the first 100 by key");
        Map<String, String> reason = new HashMap<>();
        status.path("rejected").forEach(e -> reason.merge(e.path("key").asText(), e.path("message").asText(),
                (a, b) -> a + "; " + b));
        String apps = prefix + "/apps/";
        assertTrue(reason.get(apps + "a-huge-id").contains("larger than the limit of 65536 bytes"), reason.toString());
        assertTrue(reason.get(apps + "a-huge-env").contains("larger than the limit of 65536 bytes"));
        assertTrue(reason.get(apps + "a-nul").contains("a-nul\\u0000x"), "NUL escaped: " + reason.get(apps + "a-nul"));
        assertTrue(reason.get(apps + "a-number").contains("expected an integer"), reason.get(apps + "a-number"));
        assertTrue(reason.get(apps + "a-deep").contains("exceeds a limit"), reason.get(apps + "a-deep"));
        assertTrue(reason.get(apps + "c-0").startsWith("dependency cycle: c-0 -> c-19999 -> "), reason.get(apps + "c-0"));
        assertTrue(reason.get(apps + "c-0").endsWith("... (20000 apps in the cycle) -> c-0"), reason.get(apps + "c-0"));
        long growth = usedHeapAfterGc() - heapBefore;
        assertTrue(growth < 256L * 1024 * 1024, "heap grew by " + growth / (1024 * 1024) + " MiB");
    }
}
