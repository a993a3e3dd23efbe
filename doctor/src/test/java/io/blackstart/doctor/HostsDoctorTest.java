package io.blackstart.doctor;

import io.blackstart.testsupport.TempDirs;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

import static io.blackstart.doctor.StubCoordinator.diagnosis;
import static io.blackstart.doctor.StubCoordinator.host;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The per-host checks on answers of {@code /api/v1/hosts/diagnosis} that real agents cannot be made to give on
 * demand (a full disk, a stopped engine, a clock minutes off), served by a stub coordinator.
 */
@Timeout(60)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HostsDoctorTest {

    private static final long GIB = 1L << 30;
    private StubCoordinator stub;
    private Path dir;

    @BeforeAll
    void start() throws IOException {
        stub = StubCoordinator.start("{\"mode\":\"normal\",\"desired\":2,\"running\":2}").cluster(200,
                "{\"self\":\"pekko://b@h:1\",\"members\":[{\"address\":\"pekko://b@h:1\",\"status\":\"Up\","
                        + "\"roles\":[\"coordinator\"]}],\"unreachable\":[],\"singleton\":\"pekko://b@h:1\","
                        + "\"agentsPresent\":[{\"nodeId\":\"n1\",\"lastReportMillis\":1},{\"nodeId\":\"n2\","
                        + "\"lastReportMillis\":1}],\"agentsKnown\":[\"n1\",\"n2\"],\"statusAvailable\":true}");
        dir = Files.createTempDirectory("doctor-hosts");
    }

    @AfterAll
    void stop() {
        stub.close();
        TempDirs.delete(dir);
    }

    private DoctorReport run(String hosts) {
        return run(hosts, Optional.empty());
    }

    private DoctorReport run(String hosts, Optional<Path> inventory) {
        stub.hosts(hosts);
        return Doctor.run(DoctorOptions.builder().dockerHost(Optional.empty()).api(Optional.of(stub.url()))
                .inventory(inventory).connectTimeout(Duration.ofSeconds(1)).readTimeout(Duration.ofSeconds(1)).build());
    }

    private static Check check(DoctorReport r, String name) {
        return r.check(name).orElseThrow(() -> new AssertionError(name + " missing:\n" + r.toText()));
    }

    private static String silent(String nodeId, String detail) {
        return "{\"nodeId\":\"" + nodeId + "\",\"address\":\"pekko://blackstart@10.0.0.8:25520\",\"answered\":false,"
                + "\"detail\":\"" + detail + "\",\"clock\":null,\"docker\":null}";
    }

    @Test
    void healthyHostsAreOkWithTheirEngineDiskAndClock() {
        DoctorReport r = run(diagnosis(host("n1", 40 * GIB, 100 * GIB, 3) + "," + host("n2", 60 * GIB, 100 * GIB, -2)));

        assertEquals(0, r.exitCode(), r.toText());
        assertEquals("all 2 agents answered in 3 ms: n1, n2", check(r, HostsCheck.ANSWERING).finding());
        Check docker = check(r, HostsCheck.dockerName("n1"));
        assertEquals(DockerCheck.GROUP, docker.group());
        assertEquals("Docker 20.10.24 (API 1.41), storage driver overlay2, /var/lib/docker has 40.00 GiB free of "
                + "100.00 GiB (40.0%)", docker.finding());
        Check clock = check(r, HostsCheck.clockName("n2"));
        assertEquals(ClockCheck.GROUP, clock.group());
        assertEquals("n2 is -2 ms ± 1 ms from the coordinator's clock (round trip 2 ms)", clock.finding());
    }

    @Test
    void diskThresholdsAreThoseOfTheLocalEngine() {
        DoctorReport r = run(diagnosis(host("n1", 5 * GIB, 100 * GIB, 0) + "," + host("n2", 2 * GIB, 100 * GIB, 0)));

        assertEquals(Status.WARN, check(r, HostsCheck.dockerName("n1")).status(), r.toText());
        Check full = check(r, HostsCheck.dockerName("n2"));
        assertEquals(Status.FAIL, full.status());
        assertTrue(full.finding().endsWith("has 2.00 GiB free of 100.00 GiB (2.0%)"), full.finding());
        assertEquals(List.of(full.name()), r.rootCauses(), r.toText());
        assertEquals(List.of("starts on n2"), full.blocks(), "one full host keeps starts off it, not the recovery");
        assertTrue(r.toText().contains("nothing can start on n2"), r.toText());
        assertFalse(r.toText().contains("recovery cannot start"), r.toText());
    }

    @Test
    void anEngineThatDoesNotAnswerItsAgentFailsNamingTheHost() {
        String down = "{\"nodeId\":\"n2\",\"address\":\"a\",\"answered\":true,\"detail\":\"\",\"clock\":{\"skewMillis\":0,"
                + "\"uncertaintyMillis\":1,\"provableSkewMillis\":0,\"roundTripMillis\":3001},\"docker\":{\"reachable\":false,"
                + "\"version\":\"\",\"apiVersion\":\"\",\"storageDriver\":\"\",\"dataRoot\":\"\",\"freeBytes\":-1,"
                + "\"totalBytes\":-1,\"error\":\"no answer from the Docker engine within 3000 ms\",\"millis\":3000}}";
        DoctorReport r = run(diagnosis(host("n1", 40 * GIB, 100 * GIB, 0) + "," + down));

        Check docker = check(r, HostsCheck.dockerName("n2"));
        assertEquals(Status.FAIL, docker.status(), r.toText());
        assertEquals("the Docker engine on n2 does not answer its agent: no answer from the Docker engine within 3000 ms",
                docker.finding());
        assertEquals(Status.OK, check(r, HostsCheck.clockName("n2")).status(), "the agent itself answered");
        assertEquals(List.of(docker.name()), r.rootCauses());
    }

    @Test
    void theCoordinatorsClockIsMeasuredOnTheExchangeAndEachAgentIsPlacedAgainstThisMachine() {
        stub.clockAhead(0);
        DoctorReport synced = run(StubCoordinator.timedDiagnosis(host("n1", 40 * GIB, 100 * GIB, 40)));
        Check coordinator = check(synced, HostsCheck.COORDINATOR_CLOCK);
        assertEquals(Status.OK, coordinator.status(), synced.toText());
        assertTrue(coordinator.finding().matches("the coordinator is \\+?-?\\d+ ms ± \\d+ ms from this machine's clock "
                + "\\(round trip \\d+ ms\\)"), coordinator.finding());

        // a coordinator 7 s ahead: its clock fails, and an agent 40 ms ahead of it is about 7.04 s ahead of us
        stub.clockAhead(7_000);
        DoctorReport ahead = run(StubCoordinator.timedDiagnosis(host("n1", 40 * GIB, 100 * GIB, 40)));
        Check far = check(ahead, HostsCheck.COORDINATOR_CLOCK);
        assertEquals(Status.FAIL, far.status(), ahead.toText());
        long offset = Long.parseLong(far.finding().replaceAll("^the coordinator is \\+?(-?\\d+) ms.*$", "$1"));
        long uncertainty = Long.parseLong(far.finding().replaceAll("^.* ± (\\d+) ms from.*$", "$1"));
        assertTrue(Math.abs(offset - 7_000) <= uncertainty, far.finding());
        Check n1 = check(ahead, HostsCheck.clockName("n1"));
        assertEquals(Status.OK, n1.status(), "judged against the coordinator it works with: " + n1.finding());
        assertTrue(n1.finding().contains(", +" + (offset + 40) + " ms ± " + (uncertainty + 1)
                + " ms from this machine's"), n1.finding());
        assertEquals(List.of(HostsCheck.COORDINATOR_CLOCK), ahead.rootCauses(), ahead.toText());

        // an older coordinator that does not say when it started: no coordinator clock check, agents as before
        DoctorReport old = run(diagnosis(host("n1", 40 * GIB, 100 * GIB, 40)));
        assertTrue(old.check(HostsCheck.COORDINATOR_CLOCK).isEmpty());
        assertFalse(check(old, HostsCheck.clockName("n1")).finding().contains("this machine"));
    }

    @Test
    void clockThresholdsAreThoseOfTheEtcdMembersOnTheProvableSkew() {
        DoctorReport r = run(diagnosis(host("n1", 40 * GIB, 100 * GIB, 800) + "," + host("n2", 40 * GIB, 100 * GIB,
                -6_000)));

        assertEquals(Status.WARN, check(r, HostsCheck.clockName("n1")).status(), r.toText());
        Check behind = check(r, HostsCheck.clockName("n2"));
        assertEquals(Status.FAIL, behind.status());
        assertTrue(behind.finding().startsWith("n2 is -6000 ms ± 1 ms"), behind.finding());
        // 500 ms ± 1 does not prove more than 500 ms
        DoctorReport edge = run(diagnosis(host("n1", 40 * GIB, 100 * GIB, 501) + "," + host("n2", 40 * GIB, 100 * GIB, 0)));
        assertEquals(Status.OK, check(edge, HostsCheck.clockName("n1")).status(), edge.toText());
    }

    @Test
    void aSilentAgentIsNamedAndAnExpectedAgentNotInTheClusterToo() throws IOException {
        Path inventory = Files.writeString(dir.resolve("three"), "n1\nn2\nn3\n");
        DoctorReport r = run(diagnosis(host("n1", 40 * GIB, 100 * GIB, 0) + ","
                + silent("n2", "its agent did not answer within 5000 ms")), Optional.of(inventory));

        Check answering = check(r, HostsCheck.ANSWERING);
        assertEquals(Status.WARN, answering.status(), r.toText());
        assertEquals("1 of 3 agents answered; silent: n2, n3", answering.finding());
        Check n2 = check(r, HostsCheck.dockerName("n2"));
        assertEquals(Status.WARN, n2.status());
        assertEquals("not checked: its agent did not answer within 5000 ms", n2.finding());
        Check n3 = check(r, HostsCheck.dockerName("n3"));
        assertEquals("not checked: its agent is expected (the inventory) but is not in the cluster", n3.finding());
        assertTrue(n3.hint().contains("etcdctl del /blackstart/agents/n3"), n3.hint());
        assertTrue(r.check(HostsCheck.clockName("n2")).isEmpty(), "no clock reading without an answer");
    }

    @Test
    void noAgentAnsweringFailsAndBlocksRecovery() {
        DoctorReport r = run(diagnosis(silent("n1", "its agent did not answer within 5000 ms") + ","
                + silent("n2", "its agent did not answer within 5000 ms")));

        assertEquals(Status.FAIL, check(r, HostsCheck.ANSWERING).status(), r.toText());
        assertTrue(check(r, HostsCheck.ANSWERING).finding().startsWith("none of the 2 agents answered within 5000 ms"));
        assertEquals(List.of(HostsCheck.ANSWERING), r.rootCauses(), r.toText());
        assertTrue(check(r, HostsCheck.ANSWERING).blocks().contains(Doctor.RECOVERY));
    }

    @Test
    void aCoordinatorWithoutTheEndpointIsAWarningNotAFailure() {
        try (StubCoordinator old = StubCoordinator.start("{\"mode\":\"normal\"}")) {
            old.cluster(200, "{\"self\":\"pekko://b@h:1\",\"members\":[{\"address\":\"pekko://b@h:1\",\"status\":\"Up\","
                    + "\"roles\":[\"coordinator\"]}],\"unreachable\":[],\"singleton\":\"pekko://b@h:1\","
                    + "\"agentsPresent\":[],\"agentsKnown\":[],\"statusAvailable\":true}").hostsStatus(404);
            DoctorReport r = Doctor.run(DoctorOptions.builder().dockerHost(Optional.empty())
                    .api(Optional.of(old.url())).build());

            Check answering = check(r, HostsCheck.ANSWERING);
            assertEquals(Status.WARN, answering.status(), r.toText());
            assertTrue(answering.finding().startsWith("the coordinator does not serve /api/v1/hosts/diagnosis"));
        }
    }
}
