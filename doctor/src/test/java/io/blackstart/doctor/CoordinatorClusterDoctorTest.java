package io.blackstart.doctor;

import io.blackstart.testsupport.FreePorts;
import io.blackstart.testsupport.TempDirs;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The coordinator-cluster checks against a stub coordinator whose {@code /api/v1/cluster} each test sets. */
@Timeout(60)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CoordinatorClusterDoctorTest {

    private static final String A = "pekko://blackstart@10.0.0.1:25520";
    private static final String B = "pekko://blackstart@10.0.0.2:25520";
    private StubCoordinator stub;
    private Path dir;

    @BeforeAll
    void start() throws IOException {
        stub = StubCoordinator.start("{\"mode\":\"normal\",\"desired\":2,\"running\":2}");
        dir = Files.createTempDirectory("doctor-inventory");
    }

    @AfterAll
    void stop() {
        stub.close();
        TempDirs.delete(dir);
    }

    private static String member(String address, String status) {
        return "{\"address\":\"" + address + "\",\"status\":\"" + status + "\",\"roles\":[\"coordinator\",\"dc-default\"]}";
    }

    private static String cluster(String members, String unreachable, String singleton, String present, String known) {
        return "{\"self\":\"" + A + "\",\"members\":[" + members + "],\"unreachable\":[" + unreachable + "],"
                + "\"leader\":\"" + A + "\",\"singleton\":" + singleton + ",\"agentsPresent\":[" + present + "],"
                + "\"agentsKnown\":[" + known + "],\"statusAvailable\":true,\"generatedAt\":\"2026-01-01T00:00:00Z\"}";
    }

    private static String agent(String id) {
        return "{\"nodeId\":\"" + id + "\",\"lastReportMillis\":1}";
    }

    private DoctorReport run(Optional<Path> inventory) {
        return Doctor.run(DoctorOptions.builder().dockerHost(Optional.empty()).api(Optional.of(stub.url()))
                .inventory(inventory).connectTimeout(Duration.ofSeconds(1)).readTimeout(Duration.ofSeconds(1)).build());
    }

    private static Check check(DoctorReport r, String name) {
        return r.check(name).orElseThrow(() -> new AssertionError(name + " missing:\n" + r.toText()));
    }

    @Test
    void healthyClusterIsAllOk() {
        stub.cluster(200, cluster(member(A, "Up") + "," + member(B, "Up"), "", "\"" + A + "\"",
                agent("n1") + "," + agent("n2"), "\"n1\",\"n2\""));
        DoctorReport r = run(Optional.empty());

        assertEquals(0, r.exitCode(), r.toText());
        assertEquals("2 member(s) Up (2 coordinators): " + A + ", " + B, check(r, CoordinatorClusterCheck.MEMBERS).finding());
        assertEquals(Status.OK, check(r, CoordinatorClusterCheck.UNREACHABLE).status());
        assertEquals("runs on " + A, check(r, CoordinatorClusterCheck.SINGLETON).finding());
        assertTrue(check(r, CoordinatorClusterCheck.AGENTS).finding().startsWith("all 2 expected present"), r.toText());
    }

    @Test
    void memberNotUpAndUnreachableMemberWarnNamingThem() {
        stub.cluster(200, cluster(member(A, "Up") + "," + member(B, "Leaving"), "\"" + B + "\"", "\"" + A + "\"",
                agent("n1"), "\"n1\""));
        DoctorReport r = run(Optional.empty());

        assertEquals(1, r.exitCode(), r.toText());
        Check members = check(r, CoordinatorClusterCheck.MEMBERS);
        assertEquals(Status.WARN, members.status());
        assertTrue(members.finding().contains(B + " (Leaving)"), members.finding());
        Check unreachable = check(r, CoordinatorClusterCheck.UNREACHABLE);
        assertEquals(Status.WARN, unreachable.status());
        assertTrue(unreachable.finding().contains(B), unreachable.finding());
    }

    @Test
    void noCoordinatorUpFailsMembersAndSingletonAndBlocksRecovery() {
        stub.cluster(200, cluster(member(A, "Joining"), "", "null", "", ""));
        DoctorReport r = run(Optional.empty());

        assertEquals(2, r.exitCode(), r.toText());
        assertEquals(Status.FAIL, check(r, CoordinatorClusterCheck.MEMBERS).status());
        assertEquals(Status.FAIL, check(r, CoordinatorClusterCheck.SINGLETON).status());
        assertEquals(List.of(CoordinatorClusterCheck.MEMBERS), r.rootCauses(), r.toText());
        assertTrue(check(r, CoordinatorClusterCheck.SINGLETON).blocks().contains(Doctor.RECOVERY), r.toText());
    }

    @Test
    void noSingletonFails() {
        stub.cluster(200, cluster(member(A, "Up"), "", "null", agent("n1"), "\"n1\""));
        DoctorReport r = run(Optional.empty());

        Check singleton = check(r, CoordinatorClusterCheck.SINGLETON);
        assertEquals(Status.FAIL, singleton.status(), r.toText());
        assertEquals(List.of(CoordinatorClusterCheck.SINGLETON), r.rootCauses(), r.toText());
        assertTrue(singleton.blocks().contains(Doctor.RECOVERY), r.toText());
    }

    @Test
    void inventoryNamesTheMissingAgents() throws IOException {
        Path inv = Files.writeString(dir.resolve("some-missing"), "# hosts of rack 1\nn1\nn2  # the db host\n\nn3\n");
        stub.cluster(200, cluster(member(A, "Up"), "", "\"" + A + "\"", agent("n1"), "\"n1\""));
        DoctorReport r = run(Optional.of(inv));

        Check agents = check(r, CoordinatorClusterCheck.AGENTS);
        assertEquals(Status.WARN, agents.status(), r.toText());
        assertTrue(agents.finding().contains("1 of 3 expected present; missing: n2, n3"), agents.finding());
        assertEquals(1, r.exitCode(), r.toText());
    }

    @Test
    void noneOfTheExpectedAgentsPresentFails() throws IOException {
        Path inv = Files.writeString(dir.resolve("none-present"), "n1\nn2\n");
        stub.cluster(200, cluster(member(A, "Up"), "", "\"" + A + "\"", "", "\"n1\""));
        DoctorReport r = run(Optional.of(inv));

        Check agents = check(r, CoordinatorClusterCheck.AGENTS);
        assertEquals(Status.FAIL, agents.status(), r.toText());
        assertEquals(List.of(CoordinatorClusterCheck.AGENTS), r.rootCauses(), r.toText());
        assertTrue(agents.blocks().contains(Doctor.AGENTS) && agents.blocks().contains(Doctor.RECOVERY),
                agents.blocks().toString());
    }

    @Test
    void withoutInventoryTheKnownAgentsAreExpected() {
        stub.cluster(200, cluster(member(A, "Up"), "", "\"" + A + "\"", agent("n1"), "\"n1\",\"n7\""));
        DoctorReport r = run(Optional.empty());

        Check agents = check(r, CoordinatorClusterCheck.AGENTS);
        assertEquals(Status.WARN, agents.status(), r.toText());
        assertTrue(agents.finding().endsWith("missing: n7"), agents.finding());
    }

    @Test
    void coordinatorWithoutClusterEndpointFailsMembers() {
        stub.cluster(404, "{\"error\":\"no such resource\"}");
        DoctorReport r = run(Optional.empty());

        assertEquals(Status.FAIL, check(r, CoordinatorClusterCheck.MEMBERS).status(), r.toText());
        assertTrue(r.check(CoordinatorClusterCheck.AGENTS).isEmpty(), r.toText());
        assertEquals(2, r.exitCode());
    }

    @Test
    void coordinatorDownReportsOnlyReachabilityAndTheClusterChecksAsBlocked() {
        DoctorReport r = Doctor.run(DoctorOptions.builder().dockerHost(Optional.empty())
                .api(Optional.of("http://127.0.0.1:" + FreePorts.one())).connectTimeout(Duration.ofSeconds(1))
                .readTimeout(Duration.ofSeconds(1)).build());

        assertEquals(List.of(CoordinatorCheck.REACHABLE), r.rootCauses(), r.toText());
        assertTrue(r.check(CoordinatorClusterCheck.MEMBERS).isEmpty(), r.toText());
        List<String> blocks = check(r, CoordinatorCheck.REACHABLE).blocks();
        assertTrue(blocks.contains(CoordinatorClusterCheck.SINGLETON) && blocks.contains(CoordinatorClusterCheck.AGENTS),
                blocks.toString());
    }

    @Test
    void inventoryFlagAndConfigKey() throws IOException {
        Path inv = Files.writeString(dir.resolve("flag"), "n1\n");
        stub.cluster(200, cluster(member(A, "Up"), "", "\"" + A + "\"", agent("n1"), "\"n1\""));
        ByteArrayOutputStream sink = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(sink, true, StandardCharsets.UTF_8);

        assertEquals(0, DoctorMain.run(new String[]{"--no-docker", "--api", stub.url(), "--inventory", inv.toString()},
                out, out), sink.toString(StandardCharsets.UTF_8));
        assertTrue(sink.toString(StandardCharsets.UTF_8).contains("✔ agents present"), sink.toString(StandardCharsets.UTF_8));
        assertEquals(2, DoctorMain.run(new String[]{"--inventory", dir.resolve("nope").toString()}, out, out));
        DoctorOptions fromConfig = DoctorOptions.fromConfig(com.typesafe.config.ConfigFactory.parseString(
                "blackstart.doctor.inventory = \"" + inv + "\""));
        assertEquals(Optional.of(inv), fromConfig.inventory());
        assertEquals(Optional.empty(), DoctorOptions.defaults().inventory());
    }
}
