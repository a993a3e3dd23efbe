package io.blackstart.doctor;

import io.blackstart.testsupport.Await;
import io.blackstart.testsupport.EtcdCluster;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
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
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The doctor against a real 3-member etcd cluster on loopback: healthy, one member down, two members down
 * (quorum lost), a power loss after which only one member came back (not serving), and one member
 * re-bootstrapped into a foreign cluster. One cluster serves every test and is
 * restored after each.
 */
@Tag("etcd")
@Timeout(120)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class EtcdDoctorTest {

    private static final Duration SETTLE = Duration.ofSeconds(15);

    private EtcdCluster cluster;

    @BeforeAll
    void startCluster() {
        cluster = EtcdCluster.start(3, "doctor-test-token");
    }

    @AfterAll
    void stopCluster() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @AfterEach
    void restore() {
        cluster.restoreAll();
    }

    private DoctorOptions options(boolean withPeers) {
        return DoctorOptions.builder()
                .etcdEndpoints(cluster.clientUrls())
                .etcdPeers(withPeers ? cluster.peerUrls() : List.of())
                .api(Optional.empty())
                .dockerHost(Optional.empty())
                .build();
    }

    private Check member(DoctorReport r, int i) {
        return r.check(EtcdAssessment.memberCheckName(cluster.clientUrl(i))).orElseThrow();
    }

    @Test
    void healthyClusterIsAllOk() {
        DoctorReport r = Doctor.run(options(true));

        assertEquals(0, r.exitCode(), r.toText());
        assertEquals(List.of(), r.rootCauses());
        for (int i = 0; i < 3; i++) {
            assertEquals(Status.OK, member(r, i).status(), r.toText());
            assertTrue(member(r, i).finding().contains(cluster.name(i) + " is healthy"), member(r, i).finding());
        }
        assertTrue(r.check(EtcdAssessment.QUORUM).orElseThrow().finding().startsWith("quorum ok: 3 of 3"), r.toText());
        assertEquals(Status.OK, r.check(EtcdAssessment.RAFT_LAG).orElseThrow().status());
        assertEquals(Status.OK, r.check(ClockCheck.NAME).orElseThrow().status(), r.toText());
    }

    @Test
    void oneMemberDownIsAWarningNamingIt() {
        cluster.kill(2);
        Await.until("e1 and e2 serving", SETTLE, () -> cluster.healthy(0) && cluster.healthy(1));

        DoctorReport r = Doctor.run(options(true));

        assertEquals(1, r.exitCode(), r.toText());
        Check e3 = member(r, 2);
        assertEquals(Status.WARN, e3.status(), r.toText());
        assertTrue(e3.finding().startsWith("e3 is down"), e3.finding());
        assertEquals(Status.OK, r.check(EtcdAssessment.QUORUM).orElseThrow().status(), r.toText());
        assertTrue(r.check(EtcdAssessment.QUORUM).orElseThrow().finding().contains("2 of 3"), r.toText());
        assertEquals(List.of(), r.rootCauses());
    }

    @Test
    void twoMembersDownIsQuorumLostAsTheRootCause() throws IOException {
        cluster.kill(1);
        cluster.kill(2);
        long t0 = System.nanoTime();
        Await.until("e1 to lose its leader", SETTLE, () -> !cluster.healthy(0));
        long t1 = System.nanoTime();

        DoctorReport r = Doctor.run(options(true));
        System.out.printf("leader lost after %d ms, doctor ran %d ms%n", (t1 - t0) / 1_000_000,
                (System.nanoTime() - t1) / 1_000_000);
        Files.writeString(Path.of("target", "two-members-down.txt"), r.toText());
        System.out.println(r.toText());

        assertEquals(2, r.exitCode(), r.toText());
        assertEquals(List.of(EtcdAssessment.QUORUM), r.rootCauses(), r.toText());
        Check quorum = r.check(EtcdAssessment.QUORUM).orElseThrow();
        assertEquals(Status.FAIL, quorum.status());
        assertTrue(quorum.finding().startsWith("quorum lost"), quorum.finding());
        assertTrue(quorum.blocks().contains(Doctor.RECOVERY), quorum.blocks().toString());
        assertTrue(r.toText().contains("recovery cannot start: quorum lost: etcd has no quorum"), r.toText());
        assertEquals(Status.WARN, member(r, 0).status(), r.toText());
        assertTrue(member(r, 0).finding().contains("no leader"), member(r, 0).finding());
        assertTrue(member(r, 1).finding().startsWith("e2 is down"), member(r, 1).finding());
        assertTrue(member(r, 2).finding().startsWith("e3 is down"), member(r, 2).finding());
        assertEquals(List.of(EtcdAssessment.QUORUM), r.blockedBy().get(EtcdAssessment.RAFT_LAG));
    }

    @Test
    void twoMembersDownWithoutPeerUrlsProbesPeersFromTheMemberList() {
        cluster.kill(1);
        cluster.kill(2);
        Await.until("e1 to lose its leader", SETTLE, () -> !cluster.healthy(0));

        DoctorReport r = Doctor.run(options(false));

        assertEquals(List.of(EtcdAssessment.QUORUM), r.rootCauses(), r.toText());
        assertTrue(member(r, 2).finding().contains("peer port: connection refused"), member(r, 2).finding());
    }

    @Test
    void afterAPowerLossAMemberWaitingForQuorumIsRunningButNotServing() {
        cluster.kill(0);
        cluster.kill(1);
        cluster.kill(2);
        cluster.restart(0);
        Await.until("e1 listening on its peer port", SETTLE, () -> cluster.peerAnswers(0));

        DoctorReport r = Doctor.run(options(true));

        Check e1 = member(r, 0);
        assertEquals(Status.WARN, e1.status(), r.toText());
        assertTrue(e1.finding().startsWith("e1 is running but not serving clients"), e1.finding());
        assertTrue(e1.finding().contains("its peer port answers"), e1.finding());
        assertEquals(List.of(EtcdAssessment.QUORUM), r.rootCauses(), r.toText());
        assertTrue(r.check(EtcdAssessment.QUORUM).orElseThrow().finding().contains("e1 not ready"), r.toText());
    }

    @Test
    void memberRebootstrappedWithWrongTokenIsIdentifiedAsMisconfigured() {
        cluster.rebootstrapForeign(2, "wrong-token");
        try {
            DoctorReport r = Doctor.run(options(true));

            assertEquals(2, r.exitCode(), r.toText());
            Check e3 = member(r, 2);
            assertEquals(Status.FAIL, e3.status(), r.toText());
            assertTrue(e3.finding().startsWith("misconfigured: e3 belongs to another cluster"), e3.finding());
            assertTrue(e3.finding().contains("standalone cluster of 1 member"), e3.finding());
            assertTrue(e3.hint().contains("initial-cluster-token"), e3.hint());
            assertEquals(List.of(e3.name()), r.rootCauses(), r.toText());
            Check quorum = r.check(EtcdAssessment.QUORUM).orElseThrow();
            assertEquals(Status.OK, quorum.status(), r.toText());
            assertTrue(quorum.finding().contains("e3 misconfigured (foreign cluster"), quorum.finding());
        } finally {
            cluster.repair(2);
        }
    }

    @Test
    void memberWipedWithWrongTokenThatCannotJoinIsIdentifiedThroughItsPeerPort() {
        cluster.rebootstrapWithWrongToken(2, "wrong-token");
        try {
            DoctorReport r = Doctor.run(options(true));

            Check e3 = member(r, 2);
            assertEquals(Status.FAIL, e3.status(), r.toText());
            assertTrue(e3.finding().startsWith("misconfigured: e3 belongs to another cluster"), e3.finding());
            assertTrue(e3.finding().endsWith("never joined a cluster (not_decided), not serving clients"),
                    e3.finding());
            assertEquals(List.of(e3.name()), r.rootCauses(), r.toText());
        } finally {
            cluster.repair(2);
        }
    }

    @Test
    void standaloneMainPrintsJsonAndExitsZeroWhenHealthy() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        List<String> args = new ArrayList<>(List.of("--json", "--no-api", "--no-docker",
                "--etcd", String.join(",", cluster.clientUrls()), "--etcd-peer", String.join(",", cluster.peerUrls())));

        int code = DoctorMain.run(args.toArray(String[]::new), new PrintStream(out, true, StandardCharsets.UTF_8),
                System.err);

        JsonNode json = new ObjectMapper().readTree(out.toString(StandardCharsets.UTF_8));
        assertEquals(0, code, out.toString(StandardCharsets.UTF_8));
        assertEquals(7, json.get("checks").size()); // 3 members, quorum, raft lag, clock skew, agents recorded
        assertEquals(0, json.get("rootCauses").size());
        json.get("checks").forEach(c -> assertEquals("ok", c.get("status").asText()));
    }
}
