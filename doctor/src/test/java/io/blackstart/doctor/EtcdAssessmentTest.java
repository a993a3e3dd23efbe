package io.blackstart.doctor;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The etcd verdicts on observations shaped like the scenarios measured in ETCD.md (a, b, c, g, d1, d2, f2, x),
 * without servers.
 */
@Timeout(10)
class EtcdAssessmentTest {

    private static final long CID = 0x7541e16269f5a580L;
    private static final long FOREIGN = 0x9745268dff083130L;
    private static final String U1 = "http://h1:2379";
    private static final String U2 = "http://h2:2379";
    private static final String U3 = "http://h3:2379";
    private static final List<EtcdMember> MEMBERS = List.of(
            new EtcdMember(1, "e1", List.of("http://h1:2380"), List.of(U1)),
            new EtcdMember(2, "e2", List.of("http://h2:2380"), List.of(U2)),
            new EtcdMember(3, "e3", List.of("http://h3:2380"), List.of(U3)));

    private final EtcdAssessment assessment = new EtcdAssessment(Optional.empty(), 0, 1000);

    private static EtcdMemberObservation serving(String url, long cid, long id, long leader, long index,
                                                 List<String> errors, List<EtcdMember> members, boolean linearizable) {
        EtcdMemberStatus s = new EtcdMemberStatus(cid, id, leader, index, index, 20480, 16384, errors, "3.4.23");
        CallOutcome lin = linearizable ? CallOutcome.ok(3)
                : new CallOutcome(CallOutcome.Kind.TIMEOUT, "deadline exceeded", 1500);
        EtcdClientView c = new EtcdClientView(url, CallOutcome.ok(5), Optional.of(s), CallOutcome.ok(2), lin, members);
        return new EtcdMemberObservation(url, c, peer(url, cid, "3.4.0"));
    }

    private static EtcdMemberObservation healthy(String url, long id, long index) {
        return serving(url, CID, id, 1, index, List.of(), MEMBERS, true);
    }

    private static EtcdPeerView peer(String url, long cid, String version) {
        return new EtcdPeerView(url.replace("2379", "2380"), CallOutcome.ok(2), Optional.of(cid), Optional.of(version),
                List.of());
    }

    private static EtcdMemberObservation clientFails(String url, CallOutcome.Kind kind, EtcdPeerView peer) {
        EtcdClientView c = new EtcdClientView(url, new CallOutcome(kind, kind == CallOutcome.Kind.REFUSED
                ? "connection refused" : "no answer within 1500 ms", 5), Optional.empty(), CallOutcome.skipped(),
                CallOutcome.skipped(), List.of());
        return new EtcdMemberObservation(url, c, peer);
    }

    private static EtcdPeerView peerRefused(String url) {
        return new EtcdPeerView(url.replace("2379", "2380"), new CallOutcome(CallOutcome.Kind.REFUSED,
                "connection refused", 1), Optional.empty(), Optional.empty(), List.of());
    }

    private static Check find(List<Check> checks, String name) {
        return checks.stream().filter(c -> c.name().equals(name)).findFirst().orElseThrow();
    }

    private static Check member(List<Check> checks, String url) {
        return find(checks, EtcdAssessment.memberCheckName(url));
    }

    @Test
    void allHealthy() {
        List<Check> checks = assessment.assess(List.of(healthy(U1, 1, 95), healthy(U2, 2, 95), healthy(U3, 3, 94)));

        checks.forEach(c -> assertEquals(Status.OK, c.status(), c.toString()));
        assertEquals("quorum ok: 3 of 3 members of cluster 7541e16269f5a580 follow leader e1",
                find(checks, EtcdAssessment.QUORUM).finding());
        assertTrue(member(checks, U3).finding().startsWith("e3 is healthy: member 3, leader e1"));
    }

    @Test
    void oneDownWarnsNamingIt() {
        List<Check> checks = assessment.assess(List.of(healthy(U1, 1, 95), healthy(U2, 2, 95),
                clientFails(U3, CallOutcome.Kind.REFUSED, peerRefused(U3))));

        Check e3 = member(checks, U3);
        assertEquals(Status.WARN, e3.status());
        assertEquals("e3 is down: client port: connection refused; peer port: connection refused", e3.finding());
        assertEquals(Status.OK, find(checks, EtcdAssessment.QUORUM).status());
    }

    @Test
    void twoDownIsQuorumLost() {
        List<Check> checks = assessment.assess(List.of(serving(U1, CID, 1, 0, 95, List.of("etcdserver: no leader"),
                        MEMBERS, false), clientFails(U2, CallOutcome.Kind.REFUSED, peerRefused(U2)),
                clientFails(U3, CallOutcome.Kind.REFUSED, peerRefused(U3))));

        Check quorum = find(checks, EtcdAssessment.QUORUM);
        assertEquals(Status.FAIL, quorum.status());
        assertEquals("quorum lost: etcd has no quorum, 0 of 3 members serving with a leader (needs 2); "
                + "e1 has no leader, e2 down, e3 down", quorum.finding());
        assertEquals(Status.WARN, member(checks, U1).status());
        assertEquals(Status.FAIL, find(checks, EtcdAssessment.RAFT_LAG).status());
    }

    @Test
    void afterPowerLossAMemberWaitingForQuorumIsNotReady() {
        List<Check> checks = assessment.assess(List.of(
                clientFails(U1, CallOutcome.Kind.TIMEOUT, peer(U1, CID, "3.4.0")),
                clientFails(U2, CallOutcome.Kind.REFUSED, peerRefused(U2)),
                clientFails(U3, CallOutcome.Kind.REFUSED, peerRefused(U3))));

        assertTrue(member(checks, U1).finding().startsWith("member is running but not serving clients"),
                member(checks, U1).finding());
        assertEquals(Status.FAIL, find(checks, EtcdAssessment.QUORUM).status());
    }

    @Test
    void foreignStandaloneMemberIsMisconfigured() {
        List<Check> checks = assessment.assess(List.of(healthy(U1, 1, 95), healthy(U2, 2, 95),
                serving(U3, FOREIGN, 3, 3, 4, List.of(), List.of(MEMBERS.get(2)), true)));

        Check e3 = member(checks, U3);
        assertEquals(Status.FAIL, e3.status());
        assertEquals("misconfigured: e3 belongs to another cluster (cluster id 9745268dff083130, expected "
                + "7541e16269f5a580): a standalone cluster of 1 member, serving clients", e3.finding());
        assertTrue(find(checks, EtcdAssessment.QUORUM).finding().contains("e3 misconfigured (foreign cluster"));
    }

    @Test
    void leaderlessForeignMemberSeenOnlyOnItsPeerPortIsMisconfigured() {
        List<Check> checks = assessment.assess(List.of(healthy(U1, 1, 95), healthy(U2, 2, 95),
                clientFails(U3, CallOutcome.Kind.TIMEOUT, peer(U3, FOREIGN, "not_decided"))));

        Check e3 = member(checks, U3);
        assertEquals(Status.FAIL, e3.status());
        assertTrue(e3.finding().endsWith("never joined a cluster (not_decided), not serving clients"), e3.finding());
    }

    @Test
    void aMemberOfTheClusterWaitingForQuorumAfterAPowerLossIsNotMisconfigured() {
        // its peer /version says not_decided until a quorum decides the cluster version again
        List<Check> checks = assessment.assess(List.of(
                clientFails(U1, CallOutcome.Kind.TIMEOUT, peer(U1, CID, "not_decided")),
                clientFails(U2, CallOutcome.Kind.REFUSED, peerRefused(U2)),
                clientFails(U3, CallOutcome.Kind.REFUSED, peerRefused(U3))));

        Check e1 = member(checks, U1);
        assertEquals(Status.WARN, e1.status(), e1.finding());
        assertTrue(e1.finding().contains("running but not serving clients"), e1.finding());
    }

    @Test
    void configuredClusterIdWinsOverTheMajority() {
        EtcdAssessment strict = new EtcdAssessment(Optional.of(FOREIGN), 0, 1000);

        List<Check> checks = strict.assess(List.of(healthy(U1, 1, 95), healthy(U2, 2, 95),
                serving(U3, FOREIGN, 3, 3, 4, List.of(), List.of(MEMBERS.get(2)), true)));

        assertEquals(Status.FAIL, member(checks, U1).status());
        assertEquals(Status.OK, member(checks, U3).status());
    }

    @Test
    void sameMemberIdButAnotherClusterIsStillForeign() {
        // f2: wiped and re-bootstrapped with the right token keeps the member id, not the cluster id
        List<Check> checks = assessment.assess(List.of(healthy(U1, 1, 95), healthy(U2, 2, 95),
                serving(U3, 0xb6fe0e43f2039adeL, 3, 3, 4, List.of(), List.of(MEMBERS.get(2)), true)));

        assertEquals(Status.FAIL, member(checks, U3).status());
    }

    @Test
    void memberIdMissingFromTheMemberListIsMisconfigured() {
        List<Check> checks = assessment.assess(List.of(healthy(U1, 1, 95), healthy(U2, 2, 95),
                serving(U3, CID, 99, 1, 95, List.of(), MEMBERS, true)));

        assertTrue(member(checks, U3).finding().contains("not in the cluster's member list"));
    }

    @Test
    void nospaceAlarmFails() {
        List<Check> checks = assessment.assess(List.of(serving(U1, CID, 1, 1, 95,
                List.of("memberID:14982079678008273979 alarm:NOSPACE "), List.of(MEMBERS.get(0)), true)));

        Check e1 = member(checks, U1);
        assertEquals(Status.FAIL, e1.status());
        assertTrue(e1.finding().startsWith("e1 has alarm NOSPACE"), e1.finding());
        assertTrue(e1.hint().contains("alarm disarm"));
    }

    @Test
    void twoLeadersFail() {
        List<Check> checks = assessment.assess(List.of(healthy(U1, 1, 95),
                serving(U2, CID, 2, 2, 95, List.of(), MEMBERS, true), healthy(U3, 3, 95)));

        assertTrue(find(checks, EtcdAssessment.QUORUM).finding().startsWith("more than one leader"));
    }

    @Test
    void raftLagAndQuota() {
        EtcdAssessment withQuota = new EtcdAssessment(Optional.empty(), 24_000, 1000);

        List<Check> checks = withQuota.assess(List.of(healthy(U1, 1, 5000), healthy(U2, 2, 5000),
                healthy(U3, 3, 3000)));

        assertEquals(Status.WARN, find(checks, EtcdAssessment.RAFT_LAG).status());
        assertEquals("e3 trails by 2000 raft entries (limit 1000)", find(checks, EtcdAssessment.RAFT_LAG).finding());
        assertEquals(Status.WARN, member(checks, U1).status());
        assertTrue(member(checks, U1).finding().contains("20 KiB of its 23 KiB quota (85%)"), member(checks, U1).finding());
    }

    @Test
    void nothingAnswersIsQuorumLost() {
        List<Check> checks = assessment.assess(List.of(
                clientFails(U1, CallOutcome.Kind.REFUSED, EtcdPeerView.notProbed())));

        assertEquals(Status.FAIL, find(checks, EtcdAssessment.QUORUM).status());
        assertTrue(member(checks, U1).finding().contains("peer port not probed"));
    }

    private static EtcdMemberObservation withMetrics(String url, long id, long dbSize, CallOutcome metrics,
                                                     Optional<Long> quota) {
        EtcdMemberStatus s = new EtcdMemberStatus(CID, id, 1, 100, 100, dbSize, dbSize, List.of(), "3.4.23");
        EtcdClientView c = new EtcdClientView(url, CallOutcome.ok(5), Optional.of(s), CallOutcome.ok(2),
                CallOutcome.ok(3), MEMBERS, metrics, quota);
        return new EtcdMemberObservation(url, c, peer(url, CID, "3.4.0"));
    }

    @Test
    void eachMembersOwnQuotaIsUsedUnlessOneIsConfigured() {
        long mib = 1L << 20;
        List<EtcdMemberObservation> obs = List.of(
                withMetrics(U1, 1, 24 * 1024, CallOutcome.ok(4), Optional.of(2048 * mib)),
                withMetrics(U2, 2, 14 * mib, CallOutcome.ok(4), Optional.of(16 * mib)),
                withMetrics(U3, 3, 24 * 1024, new CallOutcome(CallOutcome.Kind.TIMEOUT, "no answer within 1500 ms",
                        1500), Optional.empty()));

        List<Check> checks = assessment.assess(obs);

        assertTrue(member(checks, U1).finding().contains(", db 24 KiB of 2.00 GiB quota (0%), v3.4.23"),
                member(checks, U1).finding());
        assertEquals(Status.WARN, member(checks, U2).status());
        assertEquals("e2 database is 14.0 MiB of its 16.0 MiB quota (88%)", member(checks, U2).finding());
        assertTrue(member(checks, U3).finding().contains(", db 24 KiB (quota unknown: /metrics no answer within "
                + "1500 ms), v3.4.23"), member(checks, U3).finding());

        // etcd-quota-bytes overrides every member's own
        List<Check> overridden = new EtcdAssessment(Optional.empty(), 29 * mib / 2, 1000).assess(obs);
        assertEquals(Status.FAIL, member(overridden, U2).status());
        assertEquals("e2 database is 14.0 MiB of its 14.5 MiB quota (97%)", member(overridden, U2).finding());
        assertTrue(member(overridden, U1).finding().contains(", db 24 KiB of 14.5 MiB quota (0%)"),
                member(overridden, U1).finding());
    }

    @Test
    void theQuotaGaugeIsReadFromPrometheusText() {
        String metrics = "# HELP etcd_server_quota_backend_bytes Current backend storage quota size in bytes.\n"
                + "# TYPE etcd_server_quota_backend_bytes gauge\n"
                + "etcd_server_quota_backend_bytes 2.147483648e+09\n"
                + "etcd_server_quota_backend_bytes_total 7\n";
        assertEquals(Optional.of(2_147_483_648L), JetcdMemberPort.quotaOf(metrics));
        assertEquals(Optional.of(16_777_216L), JetcdMemberPort.quotaOf("etcd_server_quota_backend_bytes 1.6777216e+07"));
        assertEquals(Optional.empty(), JetcdMemberPort.quotaOf("etcd_mvcc_db_total_size_in_bytes 20480\n"));
        assertEquals(Optional.empty(), JetcdMemberPort.quotaOf("etcd_server_quota_backend_bytes NaN"));
    }
}
