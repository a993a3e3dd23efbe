package io.blackstart.doctor;

import io.blackstart.testsupport.FreePorts;
import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * DNS, dependency probes and the coordinator against real servers: a real redis-server (with and without a
 * password), a port nobody listens on, a socket that accepts but never speaks, a coordinator that is down
 * and one that answers; plus the standalone entry point's exit codes.
 */
@Tag("redis")
@Timeout(60)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DependenciesDoctorTest {

    private RedisServer redis;
    private RedisServer redisWithPassword;

    @BeforeAll
    void startServers() {
        redis = RedisServer.start(null);
        redisWithPassword = RedisServer.start("s3cret");
    }

    @AfterAll
    void stopServers() {
        if (redis != null) {
            redis.close();
        }
        if (redisWithPassword != null) {
            redisWithPassword.close();
        }
    }

    private static DoctorOptions.Builder base() {
        return DoctorOptions.builder().api(Optional.empty()).dockerHost(Optional.empty())
                .connectTimeout(Duration.ofSeconds(1)).readTimeout(Duration.ofSeconds(1));
    }

    @Test
    void resolvableNameIsOkWithTiming() {
        DoctorReport r = Doctor.run(base().dnsNames(List.of("localhost")).build());

        Check c = r.check(DnsCheck.checkName("localhost")).orElseThrow();
        assertEquals(Status.OK, c.status(), r.toText());
        assertTrue(c.finding().matches("localhost resolves to .*127\\.0\\.0\\.1.* in \\d+ ms"), c.finding());
        assertEquals(0, r.exitCode());
    }

    @Test
    void unresolvableNameFailsAsARootCause() {
        DoctorReport r = Doctor.run(base().dnsNames(List.of("localhost", "no-such-host.invalid")).build());

        Check c = r.check(DnsCheck.checkName("no-such-host.invalid")).orElseThrow();
        assertEquals(Status.FAIL, c.status(), r.toText());
        assertTrue(c.finding().startsWith("no-such-host.invalid does not resolve"), c.finding());
        assertEquals(List.of(c.name()), r.rootCauses());
        assertEquals(List.of(Doctor.APPS), c.blocks());
        assertEquals(2, r.exitCode());
    }

    @Test
    void realRedisAnswersPong() {
        DoctorReport r = Doctor.run(base().probes(List.of(redis.url())).build());

        Check c = r.check(ProbeCheck.checkName(redis.url())).orElseThrow();
        assertEquals(Status.OK, c.status(), r.toText());
        assertTrue(c.finding().startsWith("Redis answered PONG"), c.finding());
    }

    @Test
    void redisRequiringAuthIsReachableWithAWarning() {
        DoctorReport r = Doctor.run(base().probes(List.of(redisWithPassword.url())).build());

        Check c = r.check(ProbeCheck.checkName(redisWithPassword.url())).orElseThrow();
        assertEquals(Status.WARN, c.status(), r.toText());
        assertTrue(c.finding().contains("requires authentication"), c.finding());
        assertEquals(1, r.exitCode());
    }

    @Test
    void portNobodyListensOnFails() {
        int dead = FreePorts.one();
        List<String> probes = List.of("redis://127.0.0.1:" + dead, "tcp://127.0.0.1:" + dead,
                "nats://127.0.0.1:" + dead, "amqp://127.0.0.1:" + dead, "http://127.0.0.1:" + dead + "/");

        DoctorReport r = Doctor.run(base().probes(probes).build());

        for (String p : probes) {
            Check c = r.check(ProbeCheck.checkName(p)).orElseThrow();
            assertEquals(Status.FAIL, c.status(), r.toText());
            assertTrue(c.finding().contains("refused"), c.finding());
        }
        assertEquals(2, r.exitCode());
    }

    @Test
    void serverThatAcceptsButNeverSpeaksTimesOutWithinTheReadTimeout() throws IOException {
        try (ServerSocket silent = new ServerSocket(0, 5, InetAddress.getLoopbackAddress())) {
            String url = "nats://127.0.0.1:" + silent.getLocalPort();
            long t0 = System.nanoTime();

            DoctorReport r = Doctor.run(base().readTimeout(Duration.ofMillis(300)).probes(List.of(url)).build());

            Check c = r.check(ProbeCheck.checkName(url)).orElseThrow();
            assertEquals(Status.FAIL, c.status());
            assertTrue(c.finding().contains("no answer within 300 ms"), c.finding());
            assertTrue(System.nanoTime() - t0 < Duration.ofSeconds(5).toNanos());
        }
    }

    @Test
    void redisProbeAgainstANonRedisServerFails() throws IOException {
        HttpServer http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        http.createContext("/", ex -> {
            ex.sendResponseHeaders(204, -1);
            ex.close();
        });
        http.start();
        try {
            int port = http.getAddress().getPort();
            String asRedis = "redis://127.0.0.1:" + port;
            String asHttp = "http://127.0.0.1:" + port + "/";
            String asHttpWrongStatus = "http://127.0.0.1:" + port + "/x#status=200";

            DoctorReport r = Doctor.run(base().probes(List.of(asRedis, asHttp, asHttpWrongStatus)).build());

            assertEquals(Status.FAIL, r.check(ProbeCheck.checkName(asRedis)).orElseThrow().status(), r.toText());
            assertEquals(Status.OK, r.check(ProbeCheck.checkName(asHttp)).orElseThrow().status(), r.toText());
            Check wrong = r.check(ProbeCheck.checkName(asHttpWrongStatus)).orElseThrow();
            assertEquals(Status.FAIL, wrong.status());
            assertEquals("HTTP 204, expected 200", wrong.finding());
        } finally {
            http.stop(0);
        }
    }

    @Test
    void coordinatorDownIsReportedAndTheRestStillRuns() {
        int dead = FreePorts.one();
        DoctorReport r = Doctor.run(base().api(Optional.of("http://127.0.0.1:" + dead))
                .dnsNames(List.of("localhost")).probes(List.of(redis.url())).build());

        Check coordinator = r.check(CoordinatorCheck.REACHABLE).orElseThrow();
        assertEquals(Status.FAIL, coordinator.status(), r.toText());
        assertTrue(coordinator.finding().contains("does not answer: connection refused"), coordinator.finding());
        assertFalse(coordinator.hint().isEmpty());
        assertEquals(List.of(CoordinatorCheck.REACHABLE), r.rootCauses());
        assertEquals(List.of(CoordinatorCheck.STATUS, CoordinatorClusterCheck.FORMATION, CoordinatorClusterCheck.MEMBERS, CoordinatorClusterCheck.UNREACHABLE,
                CoordinatorClusterCheck.SINGLETON, CoordinatorClusterCheck.AGENTS, HostsCheck.ANSWERING,
                HostsCheck.COORDINATOR_CLOCK, Doctor.AGENTS, Doctor.RECOVERY),
                coordinator.blocks());
        assertTrue(r.check(CoordinatorCheck.STATUS).isEmpty(), "cluster-wide checks are not run");
        assertEquals(Status.OK, r.check(DnsCheck.checkName("localhost")).orElseThrow().status());
        assertEquals(Status.OK, r.check(ProbeCheck.checkName(redis.url())).orElseThrow().status());
        assertEquals(2, r.exitCode());
    }

    @Test
    void coordinatorThatAnswersShowsItsStatus() {
        try (StubCoordinator stub = StubCoordinator.start("{\"mode\":\"recovery\",\"desired\":12,\"running\":7}")
                .cluster(200, "{\"self\":\"pekko://b@h:1\",\"members\":[{\"address\":\"pekko://b@h:1\",\"status\":\"Up\","
                        + "\"roles\":[\"coordinator\"]}],\"unreachable\":[],\"singleton\":\"pekko://b@h:1\","
                        + "\"agentsPresent\":[{\"nodeId\":\"n1\",\"lastReportMillis\":1}],\"agentsKnown\":[\"n1\"]}")) {
            DoctorReport r = Doctor.run(base().api(Optional.of(stub.url())).build());

            assertEquals(0, r.exitCode(), r.toText());
            assertEquals("mode=recovery, desired=12, running=7",
                    r.check(CoordinatorCheck.STATUS).orElseThrow().finding());
        }
    }

    @Test
    void instancesWhoseHealthCheckKeepsFailingAreAWarningWithTheCommandThatListsThem() {
        try (StubCoordinator stub = StubCoordinator.start("{\"mode\":\"recovery\",\"desired\":12,\"running\":9,"
                + "\"needsAttention\":2}")
                .cluster(200, "{\"self\":\"pekko://b@h:1\",\"members\":[{\"address\":\"pekko://b@h:1\",\"status\":\"Up\","
                        + "\"roles\":[\"coordinator\"]}],\"unreachable\":[],\"singleton\":\"pekko://b@h:1\","
                        + "\"agentsPresent\":[{\"nodeId\":\"n1\",\"lastReportMillis\":1}],\"agentsKnown\":[\"n1\"]}")) {
            DoctorReport r = Doctor.run(base().api(Optional.of(stub.url())).build());

            Check attention = r.check(CoordinatorCheck.ATTENTION).orElseThrow();
            assertEquals(Status.WARN, attention.status(), r.toText());
            assertEquals("2 instances run but their health check keeps failing; Blackstart does not restart them and "
                    + "their dependants wait", attention.finding());
            assertTrue(attention.hint().startsWith("blackstart apps --state needs-attention"), attention.hint());
            assertEquals(1, r.exitCode(), r.toText());
        }
    }

    @Test
    void degradedRecoveryIsAWarningThatPointsAtEtcd() {
        try (StubCoordinator stub = StubCoordinator.start("{\"mode\":\"recovery\",\"desired\":6,\"running\":4,"
                + "\"degraded\":{\"state\":\"journaling\",\"pendingWriteBack\":4,\"message\":\"degraded: etcd down, "
                + "recovering from catalog cached at 2026-12-06T19:18:41Z (4 assignments journaled locally)\"}}")
                .cluster(200, "{\"self\":\"pekko://b@h:1\",\"members\":[{\"address\":\"pekko://b@h:1\",\"status\":\"Up\","
                        + "\"roles\":[\"coordinator\"]}],\"unreachable\":[],\"singleton\":\"pekko://b@h:1\","
                        + "\"agentsPresent\":[{\"nodeId\":\"n1\",\"lastReportMillis\":1}],\"agentsKnown\":[\"n1\"]}")) {
            DoctorReport r = Doctor.run(base().api(Optional.of(stub.url())).build());

            Check degraded = r.check(CoordinatorCheck.DEGRADED).orElseThrow();
            assertEquals(Status.WARN, degraded.status(), r.toText());
            assertEquals("degraded: etcd down, recovering from catalog cached at 2026-12-06T19:18:41Z (4 assignments "
                    + "journaled locally); 4 journaled assignments not yet in etcd", degraded.finding());
            assertTrue(degraded.hint().startsWith("restore etcd's quorum"), degraded.hint());
        }
        try (StubCoordinator stub = StubCoordinator.start("{\"mode\":\"normal\",\"desired\":6,\"running\":6}")
                .cluster(200, "{\"self\":\"pekko://b@h:1\",\"members\":[{\"address\":\"pekko://b@h:1\",\"status\":\"Up\","
                        + "\"roles\":[\"coordinator\"]}],\"unreachable\":[],\"singleton\":\"pekko://b@h:1\","
                        + "\"agentsPresent\":[{\"nodeId\":\"n1\",\"lastReportMillis\":1}],\"agentsKnown\":[\"n1\"]}")) {
            assertEquals(Status.OK, Doctor.run(base().api(Optional.of(stub.url())).build())
                    .check(CoordinatorCheck.DEGRADED).orElseThrow().status());
        }
    }

    @Test
    void standaloneExitCodesAreZeroOneTwo() {
        ByteArrayOutputStream sink = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(sink, true, StandardCharsets.UTF_8);
        String[] common = {"--no-api", "--no-docker", "--timeout", "1"};

        assertEquals(0, DoctorMain.run(concat(common, "--dns", "localhost", "--probe", redis.url()), out, out));
        assertEquals(DoctorCommand.EXIT_WARNINGS, DoctorMain.run(concat(common, "--probe", redisWithPassword.url()), out, out));
        assertEquals(DoctorCommand.EXIT_FAILURES, DoctorMain.run(concat(common, "--dns", "no-such-host.invalid"), out, out));
        assertEquals(DoctorCommand.EXIT_FAILURES, DoctorMain.run(concat(common, "--api", "http://127.0.0.1:" + FreePorts.one()),
                out, out));
        String text = sink.toString(StandardCharsets.UTF_8);
        assertTrue(text.contains("✔ dns localhost"), text);
        assertTrue(text.contains("‼ probe " + redisWithPassword.url()), text);
        assertTrue(text.contains("✘ dns no-such-host.invalid"), text);
    }

    private static String[] concat(String[] a, String... b) {
        String[] out = new String[a.length + b.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
