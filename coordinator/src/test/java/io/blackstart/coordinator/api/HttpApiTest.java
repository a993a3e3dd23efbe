package io.blackstart.coordinator.api;

import io.blackstart.testsupport.Await;
import io.blackstart.testsupport.TestKitExtension;
import io.blackstart.coordinator.CoordinatorSettings;
import io.blackstart.coordinator.TestFixtures;
import io.blackstart.coordinator.recovery.RecoveryManager;
import io.blackstart.coordinator.status.StatusBoard;
import io.blackstart.coordinator.status.StatusSnapshot;
import io.blackstart.coordinator.tracker.TrackerSettings;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.blackstart.protocol.SpecError;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.http.javadsl.ServerBinding;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The HTTP API on a real server (port 0), a filled status board and a probe as the recovery manager. */
@Timeout(60)
public class HttpApiTest {

    /** What the route serves: the doctor itself is the CLI's (the coordinator does not depend on it). */
    private static final String REPORT = "{\"checks\":[{\"name\":\"dns localhost\",\"status\":\"ok\"}],\"rootCauses\":[]}";
    private static final DoctorScope SCOPE = new DoctorScope(com.typesafe.config.ConfigFactory.empty(), List.of(), "/t",
            Optional.empty(), List.of());

    private static final String TOKEN = "s3cret-token";
    private static final ObjectMapper JSON = new ObjectMapper();
    @RegisterExtension
    static final TestKitExtension kit = new TestKitExtension(TestFixtures.localConfig());
    private static TestProbe<RecoveryManager.Command> manager;
    private static StatusBoard board;
    private static String base;
    private static String baseNoToken;
    private static final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    @BeforeAll
    static void start() throws Exception {
        manager = kit.get().createTestProbe(RecoveryManager.Command.class);
        board = new StatusBoard();
        base = bind(new CoordinatorSettings.Api(true, "127.0.0.1", 0, TOKEN, Duration.ofSeconds(2)));
        baseNoToken = bind(new CoordinatorSettings.Api(true, "127.0.0.1", 0, "", Duration.ofSeconds(2)));
    }

    private static String bind(CoordinatorSettings.Api api) throws Exception {
        HttpApi routes = new HttpApi(board, manager.ref(), api, kit.get().system());
        ServerBinding b = Http.get(kit.get().system()).newServerAt("127.0.0.1", 0).bind(routes.route())
                .toCompletableFuture().get(10, TimeUnit.SECONDS);
        return "http://127.0.0.1:" + b.localAddress().getPort();
    }

    private static HttpResponse<String> get(String path) throws Exception {
        return client.send(HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(5)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static CompletableFuture<HttpResponse<String>> post(String root, String path, String token, String body) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(root + path)).timeout(Duration.ofSeconds(5))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return client.sendAsync(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static JsonNode json(HttpResponse<String> r) throws Exception {
        assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("application/json"), r.headers().toString());
        return JSON.readTree(r.body());
    }

    private static StatusSnapshot snapshot() {
        StatusSnapshot.Counts tier = new StatusSnapshot.Counts(2, 1, 0, 0, 1);
        return new StatusSnapshot("running", "recovery", 1_700_000_000_000L, "auto", 1_700_000_001_000L,
                new StatusSnapshot.Counts(3, 2, 0, 0, 1),
                Map.of("platform", new StatusSnapshot.Counts(1, 1, 0, 0, 0), "app", tier),
                List.of(new SpecError("/blackstart/apps/bad", "instances", "expected an integer, got a string")),
                true, "", "etcd",
                List.of(new StatusSnapshot.HostStatus("local-1", 3, 1, 4, 4, 1, 2048, 0.1, 3, 2, true, 1, 0, 4, 3)),
                List.of(new StatusSnapshot.InstanceStatus("core-0", "core", "platform", "running", "local-1", 1, null),
                        new StatusSnapshot.InstanceStatus("web-0", "web", "app", "running", "local-1", 1, null),
                        new StatusSnapshot.InstanceStatus("web-1", "web", "app", "failed", null, 5, "failed: boom")),
                0.5, 0);
    }

    @Test
    void statusIsJsonWithCountsPerTierRejectedSpecsAndMode() throws Exception {
        board.set(snapshot());
        HttpResponse<String> r = get("/api/v1/status");
        assertEquals(200, r.statusCode());
        JsonNode n = json(r);
        assertEquals("recovery", n.get("mode").asText());
        assertEquals(3, n.get("desired").asInt());
        assertEquals(2, n.get("running").asInt());
        assertEquals(0, n.get("starting").asInt());
        assertEquals(0, n.get("pending").asInt());
        assertEquals(1, n.get("failed").asInt());
        for (String t : List.of("platform", "database", "app")) {
            for (String f : List.of("desired", "running", "starting", "pending", "failed")) {
                assertTrue(n.get("tiers").get(t).has(f), t + "." + f);
            }
        }
        assertEquals(2, n.get("tiers").get("app").get("desired").asInt());
        assertEquals(0, n.get("tiers").get("database").get("desired").asInt());
        JsonNode rej = n.get("rejected").get(0);
        assertEquals("/blackstart/apps/bad", rej.get("key").asText());
        assertEquals("instances", rej.get("field").asText());
        assertFalse(rej.get("message").asText().isEmpty());
        assertEquals("ok", n.get("etcd").asText());
        assertEquals("2023-11-14T22:13:20Z", n.get("since").asText());
    }

    @Test
    void nodesAndAppsFilteredByState() throws Exception {
        board.set(snapshot());
        JsonNode nodes = json(get("/api/v1/nodes"));
        assertEquals("local-1", nodes.get("nodes").get(0).get("nodeId").asText());
        assertEquals(3, nodes.get("nodes").get(0).get("credits").asInt());
        assertEquals(4, nodes.get("nodes").get(0).get("peakOutstanding").asInt());
        assertEquals(3, nodes.get("nodes").get(0).get("peakStartsInFlight").asInt());

        JsonNode failed = json(get("/api/v1/apps?state=failed"));
        assertEquals(1, failed.get("instances").size());
        assertEquals("web-1", failed.get("instances").get(0).get("instanceId").asText());
        assertEquals("failed: boom", failed.get("instances").get(0).get("failure").asText());
        assertEquals(1, failed.get("rejected").size());
        assertEquals(3, json(get("/api/v1/apps")).get("instances").size());

        HttpResponse<String> bad = get("/api/v1/apps?state=sleeping");
        assertEquals(400, bad.statusCode());
        assertTrue(json(bad).get("error").asText().contains("sleeping"));
    }

    @Test
    void doctorRunsOnItsDispatcherAndAnswersItsJsonOrA503AfterTheTimeout() throws Exception {
        java.util.concurrent.atomic.AtomicReference<String> thread = new java.util.concurrent.atomic.AtomicReference<>();
        DoctorRoutes doctor = new DoctorRoutes(kit.get().system(), () -> SCOPE, o -> {
            thread.set(Thread.currentThread().getName());
            return REPORT;
        }, Duration.ofSeconds(20));
        String root = bindWithDoctor(doctor);
        HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create(root + "/api/v1/doctor"))
                .timeout(Duration.ofSeconds(30)).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), r.body());
        JsonNode report = json(r);
        assertEquals("dns localhost", report.get("checks").get(0).get("name").asText(), r.body());
        assertEquals("ok", report.get("checks").get(0).get("status").asText(), r.body());
        assertTrue(report.get("rootCauses").isArray(), r.body());
        assertTrue(thread.get().contains("doctor-dispatcher"), thread.get());

        DoctorRoutes slow = new DoctorRoutes(kit.get().system(), () -> SCOPE, o -> {
            java.util.concurrent.locks.LockSupport.parkNanos(Duration.ofSeconds(2).toNanos()); // a run that hangs
            return REPORT;
        }, Duration.ofMillis(200));
        HttpResponse<String> late = client.send(HttpRequest.newBuilder(URI.create(bindWithDoctor(slow)
                + "/api/v1/doctor")).timeout(Duration.ofSeconds(10)).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(503, late.statusCode(), late.body());
        assertTrue(json(late).get("error").asText().contains("within 200 ms"), late.body());
    }

    @Test
    void concurrentDoctorRequestsShareOneRunAndTheNextRequestStartsAnother() throws Exception {
        java.util.concurrent.atomic.AtomicInteger runs = new java.util.concurrent.atomic.AtomicInteger();
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        DoctorRoutes doctor = new DoctorRoutes(kit.get().system(), () -> SCOPE, o -> {
            runs.incrementAndGet();
            try {
                release.await(20, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return REPORT;
        }, Duration.ofSeconds(30));
        String root = bindWithDoctor(doctor);
        HttpRequest get = HttpRequest.newBuilder(URI.create(root + "/api/v1/doctor")).timeout(Duration.ofSeconds(30))
                .GET().build();
        CompletableFuture<HttpResponse<String>> first = client.sendAsync(get, HttpResponse.BodyHandlers.ofString());
        long start = System.nanoTime();
        Await.until("the first request starting a run", Duration.ofSeconds(10), Duration.ofMillis(10),
                () -> runs.get() > 0);
        CompletableFuture<HttpResponse<String>> second = client.sendAsync(get, HttpResponse.BodyHandlers.ofString());
        CompletableFuture<HttpResponse<String>> third = client.sendAsync(get, HttpResponse.BodyHandlers.ofString());
        Await.until("the later requests reaching the server", Duration.ofSeconds(10).minusNanos(System.nanoTime() - start),
                Duration.ofMillis(10), () -> doctor.requests() >= 3);
        assertTrue(!second.isDone() && !third.isDone(), "the later requests wait for the run");
        release.countDown();
        HttpResponse<String> a = first.get(20, TimeUnit.SECONDS);
        HttpResponse<String> b = second.get(20, TimeUnit.SECONDS);
        HttpResponse<String> c = third.get(20, TimeUnit.SECONDS);
        assertEquals(200, a.statusCode(), a.body());
        assertEquals(a.body(), b.body(), "the joined request gets the same report");
        assertEquals(a.body(), c.body(), "the joined request gets the same report");
        assertEquals(1, runs.get(), "three concurrent requests, one doctor run");
        HttpResponse<String> after = client.send(get, HttpResponse.BodyHandlers.ofString());
        assertEquals(200, after.statusCode(), after.body());
        assertEquals(2, runs.get(), "a request after the run finished starts a new one");
    }

    private static String bindWithDoctor(DoctorRoutes doctor) throws Exception {
        HttpApi routes = new HttpApi(board, manager.ref(), new CoordinatorSettings.Api(true, "127.0.0.1", 0, TOKEN,
                Duration.ofSeconds(2)), kit.get().system(), new TrackerRoutes(board, new EventStream(board, kit.get().system()),
                new Metrics(board), TrackerSettings.DEFAULT), Optional.of(doctor));
        ServerBinding b = Http.get(kit.get().system()).newServerAt("127.0.0.1", 0).bind(routes.route())
                .toCompletableFuture().get(10, TimeUnit.SECONDS);
        return "http://127.0.0.1:" + b.localAddress().getPort();
    }

    @Test
    void clusterOnANodeWithoutClusterIsA503JsonError() throws Exception {
        HttpResponse<String> r = get("/api/v1/cluster");
        assertEquals(503, r.statusCode());
        assertTrue(json(r).get("error").asText().contains("cluster"), r.body());
    }

    @Test
    void unknownPathsAndMethodsAreJsonErrors() throws Exception {
        HttpResponse<String> r = get("/api/v1/nope");
        assertEquals(404, r.statusCode());
        assertTrue(json(r).has("error"));
        HttpResponse<String> m = client.send(HttpRequest.newBuilder(URI.create(base + "/api/v1/status"))
                .DELETE().build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(405, m.statusCode());
        assertTrue(json(m).has("error"));
        HttpResponse<String> g = get("/api/v1/recovery");
        assertEquals(405, g.statusCode());
    }

    @Test
    void recoveryCommandNeedsTheBearerToken() throws Exception {
        HttpResponse<String> none = post(base, "/api/v1/recovery", null, "{\"action\":\"start\"}").get(5, TimeUnit.SECONDS);
        assertEquals(401, none.statusCode());
        assertTrue(json(none).has("error"));
        assertFalse(none.body().contains(TOKEN));
        HttpResponse<String> wrong = post(base, "/api/v1/recovery", "guess", "{\"action\":\"start\"}").get(5, TimeUnit.SECONDS);
        assertEquals(401, wrong.statusCode());
        HttpResponse<String> disabled = post(baseNoToken, "/api/v1/recovery", "", "{\"action\":\"start\"}").get(5, TimeUnit.SECONDS);
        assertEquals(403, disabled.statusCode());
        manager.expectNoMessage(Duration.ofMillis(100));
    }

    @Test
    void badBodiesAre400NeverServerErrors() throws Exception {
        for (String body : List.of("", "not json", "[]", "{\"action\":\"jump\"}", "{\"action\":1}",
                "{\"action\":\"start\",\"force\":true}", "{\"action\":\"start\",\"allowStaleCatalog\":\"yes\"}", "{")) {
            HttpResponse<String> r = post(base, "/api/v1/recovery", TOKEN, body).get(5, TimeUnit.SECONDS);
            assertEquals(400, r.statusCode(), "body " + body + " -> " + r.body());
            assertTrue(json(r).has("error"));
        }
        manager.expectNoMessage(Duration.ofMillis(100));
    }

    @Test
    void aBodyAboveTheLimitIs413AndNeverReachesTheManager() throws Exception {
        // 16 KiB + 1: over api.max-body, under the server's 64 KiB; then 1 MiB: over the server's limit too
        for (int size : List.of(16 * 1024 + 1, 1024 * 1024)) {
            String body = "{\"action\":\"start\",\"pad\":\"" + "x".repeat(size) + "\"}";
            HttpResponse<String> r = post(base, "/api/v1/recovery", TOKEN, body).get(10, TimeUnit.SECONDS);
            assertEquals(413, r.statusCode(), size + " bytes -> " + r.body());
            assertTrue(json(r).path("error").asText().contains("16384"), r.body());
        }
        // the token is checked before the body is read
        HttpResponse<String> anonymous = post(base, "/api/v1/recovery", null, "x".repeat(20_000)).get(10, TimeUnit.SECONDS);
        assertEquals(401, anonymous.statusCode());
        manager.expectNoMessage(Duration.ofMillis(100));
    }

    /** A raw HTTP/1.1 GET with the given Host header (the JDK client does not let a caller set Host). */
    private static String rawGet(String root, String path, String host) throws Exception {
        URI u = URI.create(root);
        try (java.net.Socket socket = new java.net.Socket(u.getHost(), u.getPort())) {
            socket.setSoTimeout(5000);
            socket.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: " + host
                    + "\r\nConnection: close\r\n\r\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            return new String(socket.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        }
    }

    @Test
    void aHostHeaderNamingAnotherServerIs421() throws Exception {
        board.set(snapshot());
        int port = URI.create(base).getPort();
        for (String host : List.of("127.0.0.1:" + port, "localhost:" + port, "[::1]:" + port, "LOCALHOST", "localhost.")) {
            String r = rawGet(base, "/api/v1/status", host);
            assertTrue(r.startsWith("HTTP/1.1 200"), host + " -> " + r);
        }
        for (String host : List.of("evil.example:" + port, "attacker.example", "127.0.0.2:" + port)) {
            String r = rawGet(base, "/api/v1/status", host);
            assertTrue(r.startsWith("HTTP/1.1 421"), host + " -> " + r);
            assertTrue(r.contains("\"error\":\"Host '" + host.replaceAll(":\\d+$", "") + "' is not this API"), r);
        }
        // the dashboard page and the event stream are under the same check
        assertTrue(rawGet(base, "/", "evil.example").startsWith("HTTP/1.1 421"));
    }

    @Test
    void allowedHostsFollowTheBindAddressAndTheConfiguredNames() {
        assertEquals(java.util.Set.of("127.0.0.1", "localhost", "::1"),
                HttpApi.allowedHosts(new CoordinatorSettings.Api(true, "127.0.0.1", 0, "", Duration.ofSeconds(1))));
        assertEquals(java.util.Set.of("10.0.0.11"),
                HttpApi.allowedHosts(new CoordinatorSettings.Api(true, "10.0.0.11", 0, "", Duration.ofSeconds(1))));
        assertEquals(java.util.Set.of("127.0.0.1", "localhost", "::1", "coord1.example", "10.0.0.11"),
                HttpApi.allowedHosts(new CoordinatorSettings.Api(true, "0.0.0.0", 0, "", Duration.ofSeconds(1),
                        16384, List.of("Coord1.Example", " 10.0.0.11 "))));
        assertEquals("a\\u0000b\\u000a" + "y".repeat(60) + "...(" + 1_000_004 + " chars)",
                SpecError.echo("a\u0000b\n" + "y".repeat(1_000_000)));
    }

    @Test
    void recoveryCommandReachesTheRecoveryManager() throws Exception {
        CompletableFuture<HttpResponse<String>> pending = post(base, "/api/v1/recovery", TOKEN, "{\"action\":\"start\"}");
        RecoveryManager.SetMode cmd = manager.expectMessageClass(RecoveryManager.SetMode.class, Duration.ofSeconds(5));
        assertTrue(cmd.recovery());
        assertFalse(cmd.allowStaleCatalog());
        cmd.replyTo().tell(new RecoveryManager.ModeReply("recovery", 1000, "operator", "ok"));
        HttpResponse<String> r = pending.get(5, TimeUnit.SECONDS);
        assertEquals(200, r.statusCode());
        assertEquals("recovery", json(r).get("mode").asText());
        assertEquals("operator", json(r).get("by").asText());
    }

    @Test
    void statusBeforeAnySnapshotIs503Json() throws Exception {
        StatusBoard empty = new StatusBoard();
        HttpApi routes = new HttpApi(empty, manager.ref(), new CoordinatorSettings.Api(true, "127.0.0.1", 0, TOKEN,
                Duration.ofSeconds(1)), kit.get().system());
        ServerBinding b = Http.get(kit.get().system()).newServerAt("127.0.0.1", 0).bind(routes.route())
                .toCompletableFuture().get(10, TimeUnit.SECONDS);
        HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                + b.localAddress().getPort() + "/api/v1/status")).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(503, r.statusCode());
        assertTrue(json(r).has("error"));
        b.unbind();
    }
}
