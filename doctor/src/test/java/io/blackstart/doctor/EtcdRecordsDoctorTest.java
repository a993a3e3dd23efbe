package io.blackstart.doctor;

import io.blackstart.testsupport.FreePorts;
import io.blackstart.testsupport.TempDirs;
import io.blackstart.testsupport.EtcdCluster;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What the doctor reads from a real etcd without any configuration: the agents the coordinators recorded (also
 * with the coordinator down) and each member's database quota from its {@code /metrics}. One member, started with
 * {@code --quota-backend-bytes} 16 MiB; the quota test leaves its database at 81-95 % of it, which the other tests
 * do not mind (the member then warns, it is no root cause).
 */
@Tag("etcd")
@Timeout(120)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class EtcdRecordsDoctorTest {

    private static final long QUOTA = 16L << 20;

    private EtcdCluster etcd;
    private Client client;
    private Path dir;
    private final String prefix = "/bs-doctor-" + UUID.randomUUID().toString().substring(0, 8);

    @BeforeAll
    void start() throws Exception {
        // every write committed at once, so the db size read after a put is current
        etcd = EtcdCluster.start(1, "doctor-records", "--quota-backend-bytes=" + QUOTA, "--backend-batch-limit=1");
        client = Client.builder().endpoints(etcd.clientUrl(0)).build();
        dir = Files.createTempDirectory("doctor-records");
        long now = System.currentTimeMillis();
        put(prefix + "/agents/n1", "{\"nodeId\":\"n1\",\"address\":\"pekko://blackstart@10.0.0.1:25520\","
                + "\"firstSeen\":" + (now - 86_400_000) + ",\"lastSeen\":" + (now - 300_000) + "}");
        put(prefix + "/agents/n2", "{\"nodeId\":\"n2\",\"address\":\"pekko://blackstart@10.0.0.2:25520\","
                + "\"firstSeen\":" + (now - 86_400_000) + ",\"lastSeen\":" + (now - 30_000) + "}");
    }

    @AfterAll
    void stop() {
        if (client != null) {
            client.close();
        }
        if (etcd != null) {
            etcd.close();
        }
        TempDirs.delete(dir);
    }

    private void put(String key, String value) throws Exception {
        client.getKVClient().put(ByteSequence.from(key, StandardCharsets.UTF_8),
                ByteSequence.from(value, StandardCharsets.UTF_8)).get(10, TimeUnit.SECONDS);
    }

    private DoctorOptions.Builder options() {
        return DoctorOptions.builder().etcdEndpoints(List.of(etcd.clientUrl(0))).etcdPrefix(prefix)
                .dockerHost(Optional.empty()).api(Optional.empty());
    }

    private static Check check(DoctorReport r, String name) {
        return r.check(name).orElseThrow(() -> new AssertionError(name + " missing:\n" + r.toText()));
    }

    @Test
    void theRecordedAgentsAreKnownWithTheCoordinatorDown() {
        DoctorReport r = Doctor.run(options().api(Optional.of("http://127.0.0.1:" + FreePorts.one())).build());

        Check recorded = check(r, AgentRecordsCheck.NAME);
        assertEquals(Status.OK, recorded.status(), r.toText());
        String expected = "2 agents recorded under " + prefix + "/agents/ (read from " + etcd.clientUrl(0) + "): "
                + "n1 (last recorded 5 min ago), n2 (last recorded 3X s ago)";
        assertTrue(recorded.finding().matches(java.util.regex.Pattern.quote(expected).replace("3X", "\\E3\\d\\Q")),
                recorded.finding());
        assertEquals(List.of(CoordinatorCheck.REACHABLE), r.rootCauses(), r.toText());
    }

    @Test
    void theCoordinatorsAgentsAreComparedWithTheRecordedOnesAndAnInventoryWins() throws IOException {
        try (StubCoordinator stub = StubCoordinator.start("{\"mode\":\"normal\"}").cluster(200,
                "{\"self\":\"pekko://b@h:1\",\"members\":[{\"address\":\"pekko://b@h:1\",\"status\":\"Up\","
                        + "\"roles\":[\"coordinator\"]}],\"unreachable\":[],\"singleton\":\"pekko://b@h:1\","
                        + "\"agentsPresent\":[{\"nodeId\":\"n1\",\"lastReportMillis\":1}],\"agentsKnown\":[\"n1\"],"
                        + "\"statusAvailable\":true}")) {
            DoctorReport r = Doctor.run(options().api(Optional.of(stub.url())).build());

            Check present = check(r, CoordinatorClusterCheck.AGENTS);
            assertEquals(Status.WARN, present.status(), r.toText());
            assertEquals("1 of 2 expected present; missing: n2", present.finding());
            assertEquals("not checked: its agent is expected (recorded in etcd) but is not in the cluster",
                    check(r, HostsCheck.dockerName("n2")).finding());
            assertEquals(Status.OK, check(r, HostsCheck.dockerName("n1")).status());

            Path inventory = Files.writeString(dir.resolve("only-n1"), "n1\n");
            DoctorReport withInventory = Doctor.run(options().api(Optional.of(stub.url()))
                    .inventory(Optional.of(inventory)).build());
            assertEquals("all 1 expected present (the inventory)",
                    check(withInventory, CoordinatorClusterCheck.AGENTS).finding());
            assertTrue(withInventory.check(HostsCheck.dockerName("n2")).isEmpty(), withInventory.toText());
        }
    }

    @Test
    void withNoMemberAnsweringTheRecordsCannotBeReadAndThatIsAWarning() {
        String dead = "http://127.0.0.1:" + FreePorts.one();
        DoctorReport r = Doctor.run(options().etcdEndpoints(List.of(dead)).build());

        Check recorded = check(r, AgentRecordsCheck.NAME);
        assertEquals(Status.WARN, recorded.status(), r.toText());
        assertEquals("cannot read the agents recorded under " + prefix + "/agents/: no etcd member answered ("
                + dead + ": connection refused)", recorded.finding());
    }

    @Test
    void theQuotaIsReadFromTheMemberAndADatabaseNearItWarns() throws Exception {
        String member = EtcdAssessment.memberCheckName(etcd.clientUrl(0));
        DoctorReport before = Doctor.run(options().build());
        Check healthy = check(before, member);
        assertEquals(Status.OK, healthy.status(), before.toText());
        assertTrue(healthy.finding().matches(".* db \\d+ KiB of 16\\.0 MiB quota \\(\\d+%\\), v3\\..*"), healthy.finding());
        // the configured quota overrides what the member says
        Check overridden = check(Doctor.run(options().etcdQuotaBytes(32L << 20).build()), member);
        assertTrue(overridden.finding().contains(" of 32.0 MiB quota ("), overridden.finding());

        // fill the database past 80 % of its quota, short of 95 % (and of the NOSPACE alarm at 100 %)
        byte[] chunk = new byte[512 * 1024];
        new java.util.Random(7).nextBytes(chunk);
        long db = 0;
        for (int i = 0; db < QUOTA * 0.81; i++) {
            client.getKVClient().put(ByteSequence.from(prefix + "/fill/" + i, StandardCharsets.UTF_8),
                    ByteSequence.from(chunk)).get(10, TimeUnit.SECONDS);
            db = client.getMaintenanceClient().statusMember(etcd.clientUrl(0)).get(10, TimeUnit.SECONDS).getDbSize();
            assertTrue(i < 60, "the database does not grow: " + db);
        }

        DoctorReport after = Doctor.run(options().build());
        Check near = check(after, member);
        long percent = Math.round(100.0 * db / QUOTA);
        assertTrue(percent >= 81 && percent < 95, "filled to " + percent + "%");
        assertEquals(Status.WARN, near.status(), after.toText());
        assertTrue(near.finding().matches("e1 database is \\d+\\.\\d MiB of its 16\\.0 MiB quota \\(\\d+%\\)"),
                near.finding());
        assertEquals(1, after.exitCode(), after.toText());
    }
}
