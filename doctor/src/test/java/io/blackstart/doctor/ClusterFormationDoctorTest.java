package io.blackstart.doctor;

import io.blackstart.testsupport.FreePorts;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The cluster-formation check: a stub coordinator answers {@code /api/v1/cluster}; the seeds are real loopback
 * ports, one with a listening socket (a seed that is up), the others free (a seed that is down).
 */
@Timeout(60)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ClusterFormationDoctorTest {

    private StubCoordinator stub;
    private ServerSocket liveSeed;
    private String live;
    private String dead;
    private String dead2;

    @BeforeAll
    void start() throws IOException {
        stub = StubCoordinator.start("{\"mode\":\"normal\",\"desired\":2,\"running\":2}");
        liveSeed = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        live = "pekko://blackstart@127.0.0.1:" + liveSeed.getLocalPort();
        List<Integer> free = FreePorts.take(2);
        dead = "pekko://blackstart@127.0.0.1:" + free.get(0);
        dead2 = "pekko://blackstart@127.0.0.1:" + free.get(1);
    }

    @AfterAll
    void stop() throws IOException {
        stub.close();
        liveSeed.close();
    }

    private static String cluster(String self, String members, String singleton) {
        return "{\"self\":\"" + self + "\",\"members\":[" + members + "],\"unreachable\":[],\"leader\":null,"
                + "\"singleton\":" + singleton + ",\"agentsPresent\":[{\"nodeId\":\"n1\",\"lastReportMillis\":1}],"
                + "\"agentsKnown\":[\"n1\"],\"statusAvailable\":true,\"generatedAt\":\"2026-01-01T00:00:00Z\"}";
    }

    private static String up(String address) {
        return "{\"address\":\"" + address + "\",\"status\":\"Up\",\"roles\":[\"coordinator\"]}";
    }

    private DoctorReport run(List<String> seeds) {
        return Doctor.run(DoctorOptions.builder().dockerHost(Optional.empty()).api(Optional.of(stub.url()))
                .seeds(seeds).connectTimeout(Duration.ofSeconds(1)).readTimeout(Duration.ofSeconds(1)).build());
    }

    private static Check check(DoctorReport r, String name) {
        return r.check(name).orElseThrow(() -> new AssertionError(name + " missing:\n" + r.toText()));
    }

    @Test
    void notInAClusterWithTheFirstSeedDownIsTheRootCause() {
        // what a coordinator that waits for a majority answers: no members, not Up
        stub.cluster(200, cluster(live, "", "null"));
        DoctorReport r = run(List.of(dead, live, dead2));

        assertEquals(List.of(CoordinatorClusterCheck.FORMATION), r.rootCauses(), r.toText());
        Check f = check(r, CoordinatorClusterCheck.FORMATION);
        assertTrue(f.finding().startsWith("coordinators cannot form a cluster: first seed " + dead + " down"),
                f.finding());
        assertTrue(f.finding().contains("1 of 3 seed nodes answer"), f.finding());
        assertTrue(f.hint().contains("start " + dead + " again"), f.hint());
        assertTrue(f.blocks().containsAll(List.of(CoordinatorClusterCheck.MEMBERS, CoordinatorClusterCheck.SINGLETON,
                Doctor.RECOVERY)), f.blocks().toString());
        assertTrue(r.impacts().get(CoordinatorClusterCheck.FORMATION).contains("recovery cannot start"),
                r.impacts().toString());
        assertEquals(List.of(CoordinatorClusterCheck.FORMATION),
                r.blockedBy().get(CoordinatorClusterCheck.MEMBERS), r.toText());
        assertTrue(r.toText().contains("coordinators cannot form a cluster: first seed " + dead + " down"), r.toText());
    }

    @Test
    void notInAClusterWithTheFirstSeedUpLeavesTheMembersAsRootCause() {
        stub.cluster(200, cluster(dead, "", "null"));
        DoctorReport r = run(List.of(live, dead));

        assertEquals(Status.WARN, check(r, CoordinatorClusterCheck.FORMATION).status(), r.toText());
        assertEquals(List.of(CoordinatorClusterCheck.MEMBERS), r.rootCauses(), r.toText());
    }

    @Test
    void aClusterFormedWithoutTheFirstSeedOnlyWarns() {
        stub.cluster(200, cluster(live, up(live), "\"" + live + "\""));
        DoctorReport r = run(List.of(dead, live));

        Check f = check(r, CoordinatorClusterCheck.FORMATION);
        assertEquals(Status.WARN, f.status(), r.toText());
        assertTrue(f.finding().contains("formed without the first seed") && f.finding().contains(dead), f.finding());
        assertEquals(List.of(), r.rootCauses(), r.toText());
    }

    @Test
    void withoutSeedsTheProbeIsSkipped() {
        stub.cluster(200, cluster(live, "", "null"));
        DoctorReport r = run(List.of());

        assertEquals(Status.OK, check(r, CoordinatorClusterCheck.FORMATION).status(), r.toText());
        assertEquals(List.of(CoordinatorClusterCheck.MEMBERS), r.rootCauses(), r.toText());
    }

    @Test
    void seedsFlagAndConfigKey() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        stub.cluster(200, cluster(live, "", "null"));
        int code = DoctorMain.run(new String[]{"--no-docker", "--api", stub.url(), "--seeds",
                dead.substring("pekko://blackstart@".length()) + "," + live, "--timeout", "1"},
                new PrintStream(out, true, StandardCharsets.UTF_8), System.err);
        assertEquals(DoctorCommand.EXIT_FAILURES, code);
        assertTrue(out.toString(StandardCharsets.UTF_8).contains("coordinators cannot form a cluster: first seed "
                + dead.substring("pekko://blackstart@".length()) + " down"), out.toString(StandardCharsets.UTF_8));

        DoctorOptions fromConfig = DoctorOptions.fromConfig(com.typesafe.config.ConfigFactory.parseString(
                "blackstart.doctor.seeds = [\"" + live + "\"]"));
        assertEquals(List.of(live), fromConfig.seeds());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> DoctorOptions.builder().seeds(List.of("pekko://blackstart@host")).build());
        assertTrue(e.getMessage().contains("seed 'pekko://blackstart@host'"), e.getMessage());
    }
}
