package io.blackstart.doctor;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Turns per-member observations into the etcd checks: one per member, {@link #QUORUM} and
 * {@link #RAFT_LAG}. Pure: no I/O, no clock.
 *
 * <p><b>Algorithm</b> (the detection logic of {@code ETCD.md}, section 2):
 * <ol>
 *   <li>The expected cluster id is the configured one, else the id reported by most members (Status
 *       header, else the peer port's {@code X-Etcd-Cluster-Id}).</li>
 *   <li>Each member is classified: <em>foreign</em> (another cluster id), <em>never joined</em> (peer
 *       {@code /version} says {@code not_decided}), <em>unknown member</em> (its id is not in the cluster's
 *       member list) — all three are misconfiguration and fail; <em>down</em> (client and peer refuse),
 *       <em>hung</em> (no answer), <em>not ready</em> (peer answers, client port does not) and
 *       <em>no leader</em> — these warn, since the cluster-level verdict belongs to the quorum check;
 *       alarms (NOSPACE, CORRUPT) fail; a database near its quota warns or fails.</li>
 *   <li>Quorum holds when more than half of the cluster's members (the larger of the configured count and
 *       the member list) report the expected cluster id and the same non-zero leader. Members following
 *       different leaders fail the check.</li>
 *   <li>Raft index lag compares the members that answered Status in the expected cluster.</li>
 * </ol>
 */
public final class EtcdAssessment {

    /** The check group. */
    public static final String GROUP = "etcd";
    /** Name of the cluster-level quorum check. */
    public static final String QUORUM = "etcd quorum";
    /** Name of the raft index lag check. */
    public static final String RAFT_LAG = "etcd raft index lag";

    private static final double QUOTA_WARN = 0.80;
    private static final double QUOTA_FAIL = 0.95;

    private final Optional<Long> configuredClusterId;
    private final long quotaBytes;
    private final long maxRaftLag;

    /**
     * @param expectedClusterId the cluster id recorded while healthy, if known
     * @param quotaBytes        backend quota in bytes, overriding what each member's {@code /metrics} says; 0 = take
     *                          the members' own
     * @param maxRaftLag        lag in raft entries above which a warning is given
     */
    public EtcdAssessment(Optional<Long> expectedClusterId, long quotaBytes, long maxRaftLag) {
        this.configuredClusterId = expectedClusterId;
        this.quotaBytes = quotaBytes;
        this.maxRaftLag = maxRaftLag;
    }

    /** The name of the check of the member with this client URL. */
    public static String memberCheckName(String clientUrl) {
        return "etcd member " + clientUrl;
    }

    /** All etcd checks, members first, in configuration order. */
    public List<Check> assess(List<EtcdMemberObservation> observations) {
        Optional<Long> expected = configuredClusterId.or(() -> plurality(observations));
        List<EtcdMember> clusterMembers = clusterMemberList(observations, expected);
        Map<String, String> names = names(observations, clusterMembers);
        List<Check> checks = new ArrayList<>();
        for (EtcdMemberObservation o : observations) {
            checks.add(member(o, expected, clusterMembers, names));
        }
        checks.add(quorum(observations, expected, clusterMembers, names));
        checks.add(raftLag(observations, expected, names));
        return checks;
    }

    private Check member(EtcdMemberObservation o, Optional<Long> expected, List<EtcdMember> clusterMembers,
                         Map<String, String> names) {
        String name = memberCheckName(o.clientUrl());
        String who = names.getOrDefault(o.clientUrl(), "member");
        long ms = o.client().statusCall().millis() + o.peer().call().millis();
        EtcdClientView c = o.client();
        EtcdPeerView p = o.peer();
        Optional<Long> cid = o.clusterId();

        // misconfiguration first: a foreign member may look perfectly healthy on its own
        if (cid.isPresent() && expected.isPresent() && !cid.get().equals(expected.get())) {
            String shape = c.status().isPresent()
                    ? (c.members().size() == 1 ? "a standalone cluster of 1 member" : "a cluster of "
                    + c.members().size() + " members") + (c.status().get().leader() != 0 ? ", serving clients" : "")
                    : p.clusterVersion().filter("not_decided"::equals).isPresent()
                    ? "never joined a cluster (not_decided), not serving clients" : "not serving clients";
            return Check.fail(GROUP, name, "misconfigured: " + who + " belongs to another cluster (cluster id "
                            + hex(cid.get()) + ", expected " + hex(expected.get()) + "): " + shape,
                    "wrong --initial-cluster-token / --initial-cluster or a wiped data dir re-bootstrapped it: stop it, "
                            + "wipe its data dir, `etcdctl member remove` + `member add` it, and start it with "
                            + "--initial-cluster-state=existing", ms);
        }
        // after a power loss a member with its data waits for quorum and its peer /version says not_decided too:
        // only without the expected cluster id is not_decided a sign that it never joined
        boolean ofTheCluster = cid.isPresent() && expected.isPresent() && cid.get().equals(expected.get());
        if (p.clusterVersion().filter("not_decided"::equals).isPresent() && !ofTheCluster) {
            return Check.fail(GROUP, name, "misconfigured: " + who + " never joined a cluster (peer /version: "
                            + "not_decided)",
                    "check --initial-cluster, --initial-cluster-token and its data dir; see its log for "
                            + "'cluster ID mismatch'", ms);
        }
        if (c.status().isPresent() && !clusterMembers.isEmpty()
                && clusterMembers.stream().noneMatch(m -> m.id() == c.status().get().memberId())) {
            return Check.fail(GROUP, name, "misconfigured: " + who + " has member id "
                            + hex(c.status().get().memberId()) + ", which is not in the cluster's member list",
                    "it was re-created with different peer URLs or token: remove and re-add it with "
                            + "`etcdctl member add`", ms);
        }
        if (c.status().isEmpty()) {
            return unreachable(o, name, who, ms);
        }
        EtcdMemberStatus s = c.status().get();
        List<String> alarms = s.errors().stream()
                .filter(e -> e.contains("alarm:"))
                .map(e -> e.substring(e.indexOf("alarm:") + 6).strip())
                .distinct().toList();
        if (!alarms.isEmpty()) {
            boolean corrupt = alarms.stream().anyMatch(a -> a.toUpperCase(Locale.ROOT).contains("CORRUPT"));
            return Check.fail(GROUP, name, who + " has alarm " + String.join(", ", alarms) + " (db "
                            + bytes(s.dbSize()) + ")",
                    corrupt ? "data corruption: restore this member from a healthy one (remove, wipe, re-add)"
                            : "out of space: compact, `etcdctl defrag`, raise --quota-backend-bytes, then "
                            + "`etcdctl alarm disarm`", ms);
        }
        if (s.leader() == 0) {
            return Check.warn(GROUP, name, who + " is running but has no leader (no quorum from its view)"
                            + readsSummary(c),
                    "start the members that are down; see the etcd quorum check", ms);
        }
        long quota = quotaBytes > 0 ? quotaBytes : c.quotaBytes().orElse(0L);
        if (quota > 0) {
            double used = (double) s.dbSize() / quota;
            if (used >= QUOTA_FAIL || used >= QUOTA_WARN) {
                Status st = used >= QUOTA_FAIL ? Status.FAIL : Status.WARN;
                return Check.of(st, GROUP, name, who + " database is " + bytes(s.dbSize()) + " of its "
                                + bytes(quota) + " quota (" + Math.round(used * 100) + "%)",
                        "compact and `etcdctl defrag` it, or raise --quota-backend-bytes", ms);
            }
        }
        if (!c.linearizable().isOk()) {
            return Check.warn(GROUP, name, who + " answers Status but a linearizable read failed: "
                    + c.linearizable().kind() + " " + c.linearizable().detail(), "see the etcd quorum check", ms);
        }
        String leaderName = names.getOrDefault(leaderUrl(s.leader(), clusterMembers), hex(s.leader()));
        String db = quota > 0
                ? bytes(s.dbSize()) + " of " + bytes(quota) + " quota (" + Math.round(100.0 * s.dbSize() / quota) + "%)"
                : bytes(s.dbSize()) + (c.metricsCall().kind() == CallOutcome.Kind.SKIPPED ? ""
                : " (quota unknown: /metrics " + c.metricsCall().detail() + ")");
        return Check.ok(GROUP, name, who + " is healthy: member " + hex(s.memberId()) + ", leader " + leaderName
                + ", raft index " + s.raftIndex() + ", db " + db + ", v" + s.version(), ms);
    }

    static final String AUTH_HINT = "check the etcd user and password (--etcd-user, $BLACKSTART_ETCD_PASSWORD or "
            + "--etcd-password-file; blackstart.doctor.etcd-user) against `etcdctl user get NAME`";
    static final String TLS_HINT = "check --etcd-ca (the CA that signed the etcd server certificates) and "
            + "--etcd-cert/--etcd-key (a client certificate signed by etcd's --trusted-ca-file)";

    private static Check unreachable(EtcdMemberObservation o, String name, String who, long ms) {
        CallOutcome client = o.client().statusCall();
        CallOutcome peer = o.peer().call();
        String peerPart = peer.kind() == CallOutcome.Kind.SKIPPED ? " (peer port not probed: no peer URL known)"
                : peer.isOk() ? "; its peer port answers" : "; peer port: " + peer.detail();
        if (client.kind() == CallOutcome.Kind.AUTH) {
            return Check.fail(GROUP, name, who + " refuses the doctor's etcd credentials (root cause: etcd "
                            + "authentication): " + client.detail() + peerPart,
                    AUTH_HINT, ms);
        }
        if (client.kind() == CallOutcome.Kind.TLS) {
            return Check.fail(GROUP, name, who + " cannot be reached over TLS (root cause: etcd TLS): "
                    + client.detail() + peerPart, TLS_HINT, ms);
        }
        if (client.kind() == CallOutcome.Kind.REFUSED && !peer.isOk()) {
            return Check.warn(GROUP, name, who + " is down: client port: " + client.detail() + peerPart,
                    "start etcd on that host (systemctl start etcd) and read its log (journalctl -u etcd)", ms);
        }
        if (client.kind() == CallOutcome.Kind.TIMEOUT && peer.isOk()) {
            return Check.warn(GROUP, name, who + " is running but not serving clients (waiting for quorum or "
                            + "never joined): client port: " + client.detail() + peerPart,
                    "a member that boots without quorum serves nothing: start the other members", ms);
        }
        if (client.kind() == CallOutcome.Kind.TIMEOUT) {
            return Check.warn(GROUP, name, who + " does not answer (frozen process or unreachable host): "
                            + client.detail() + peerPart,
                    "check the host and the etcd process (is it stopped, swapping, or firewalled?)", ms);
        }
        return Check.warn(GROUP, name, who + " cannot be checked: " + client.kind() + " " + client.detail()
                + peerPart, "check the URL and the etcd process on that host", ms);
    }

    private Check quorum(List<EtcdMemberObservation> observations, Optional<Long> expected,
                         List<EtcdMember> clusterMembers, Map<String, String> names) {
        long ms = observations.stream().mapToLong(o -> o.client().statusCall().millis()).max().orElse(0);
        List<CallOutcome> refused = observations.stream().map(o -> o.client().statusCall())
                .filter(c -> c.kind() == CallOutcome.Kind.AUTH || c.kind() == CallOutcome.Kind.TLS).toList();
        if (!refused.isEmpty() && observations.stream().noneMatch(o -> o.client().status().isPresent())) {
            boolean auth = refused.stream().anyMatch(c -> c.kind() == CallOutcome.Kind.AUTH);
            return Check.fail(GROUP, QUORUM, "not checked: no member accepted the doctor's "
                            + (auth ? "etcd credentials (root cause: etcd authentication): "
                            : "TLS connection (root cause: etcd TLS): ") + refused.get(0).detail(),
                    auth ? AUTH_HINT : TLS_HINT, ms);
        }
        if (expected.isEmpty()) {
            return Check.fail(GROUP, QUORUM, "quorum lost: etcd has no quorum, no member answered on its client "
                            + "or peer port",
                    "start the etcd members; check --etcd / --etcd-peer URLs and firewalls", ms);
        }
        int size = Math.max(observations.size(), clusterMembers.size());
        int needed = size / 2 + 1;
        Map<Long, List<String>> byLeader = new LinkedHashMap<>();
        for (EtcdMemberObservation o : observations) {
            Optional<EtcdMemberStatus> s = o.client().status();
            if (s.isPresent() && s.get().clusterId() == expected.get() && s.get().leader() != 0) {
                byLeader.computeIfAbsent(s.get().leader(), k -> new ArrayList<>()).add(o.clientUrl());
            }
        }
        List<String> trouble = observations.stream()
                .filter(o -> !(o.client().status().isPresent() && o.clusterId().equals(expected)
                        && o.client().status().get().leader() != 0))
                .map(o -> names.getOrDefault(o.clientUrl(), o.clientUrl()) + " " + problem(o, expected))
                .toList();
        String troubleText = trouble.isEmpty() ? "" : "; " + String.join(", ", trouble);
        if (byLeader.size() > 1) {
            String split = byLeader.entrySet().stream()
                    .map(e -> names.getOrDefault(leaderUrl(e.getKey(), clusterMembers), hex(e.getKey())) + " <- "
                            + e.getValue().stream().map(u -> names.getOrDefault(u, u)).collect(Collectors.joining(" ")))
                    .collect(Collectors.joining("; "));
            return Check.fail(GROUP, QUORUM, "more than one leader: " + split,
                    "members disagree on the leader; check the network between them and their peer URLs", ms);
        }
        int agree = byLeader.values().stream().mapToInt(List::size).max().orElse(0);
        if (agree >= needed) {
            long leader = byLeader.keySet().iterator().next();
            String leaderName = names.getOrDefault(leaderUrl(leader, clusterMembers), hex(leader));
            return Check.ok(GROUP, QUORUM, "quorum ok: " + agree + " of " + size + " members of cluster "
                    + hex(expected.get()) + " follow leader " + leaderName + troubleText, ms);
        }
        return Check.fail(GROUP, QUORUM, "quorum lost: etcd has no quorum, " + agree + " of " + size
                        + " members serving with a leader (needs " + needed + ")" + troubleText,
                "bring back members until " + needed + " of " + size + " run in cluster " + hex(expected.get())
                        + "; fix misconfigured members first (see above)", ms);
    }

    private static String problem(EtcdMemberObservation o, Optional<Long> expected) {
        if (o.clusterId().isPresent() && !o.clusterId().equals(expected)) {
            return "misconfigured (foreign cluster " + hex(o.clusterId().get()) + ")";
        }
        if (o.client().status().isPresent()) {
            return "has no leader";
        }
        CallOutcome c = o.client().statusCall();
        if (c.kind() == CallOutcome.Kind.AUTH) {
            return "refuses the etcd credentials";
        }
        if (c.kind() == CallOutcome.Kind.TLS) {
            return "TLS handshake failed";
        }
        if (c.kind() == CallOutcome.Kind.REFUSED && !o.peer().call().isOk()) {
            return "down";
        }
        if (c.kind() == CallOutcome.Kind.TIMEOUT && o.peer().call().isOk()) {
            return "not ready";
        }
        return c.kind() == CallOutcome.Kind.TIMEOUT ? "not answering" : "unreachable";
    }

    private Check raftLag(List<EtcdMemberObservation> observations, Optional<Long> expected,
                          Map<String, String> names) {
        List<EtcdMemberObservation> serving = observations.stream()
                .filter(o -> o.client().status().isPresent() && o.clusterId().equals(expected))
                .toList();
        if (observations.size() == 1 && serving.size() == 1) {
            return Check.ok(GROUP, RAFT_LAG, "one member, nothing to compare", 0);
        }
        if (serving.size() < 2) {
            return Check.fail(GROUP, RAFT_LAG, "not checked: " + serving.size()
                    + " member(s) of the cluster answered, need 2 to compare", "see the etcd quorum check", 0);
        }
        long max = serving.stream().mapToLong(o -> o.client().status().get().raftIndex()).max().orElseThrow();
        EtcdMemberObservation slowest = serving.stream()
                .min((a, b) -> Long.compare(a.client().status().get().raftIndex(), b.client().status().get().raftIndex()))
                .orElseThrow();
        long lag = max - slowest.client().status().get().raftIndex();
        String who = names.getOrDefault(slowest.clientUrl(), slowest.clientUrl());
        if (lag > maxRaftLag) {
            return Check.warn(GROUP, RAFT_LAG, who + " trails by " + lag + " raft entries (limit " + maxRaftLag + ")",
                    "a slow disk or network on that member; check its log for 'slow fdatasync' or "
                            + "'failed to send out heartbeat'", 0);
        }
        return Check.ok(GROUP, RAFT_LAG, "max lag " + lag + " raft entries across " + serving.size() + " members"
                + " (" + who + " at " + slowest.client().status().get().raftIndex() + ", highest " + max + ")", 0);
    }

    /** The member list of the expected cluster: the longest one reported by a member of that cluster. */
    private static List<EtcdMember> clusterMemberList(List<EtcdMemberObservation> observations,
                                                      Optional<Long> expected) {
        List<EtcdMember> best = List.of();
        for (EtcdMemberObservation o : observations) {
            if (expected.isEmpty() || !o.clusterId().equals(expected)) {
                continue;
            }
            for (List<EtcdMember> list : List.of(o.client().members(), o.peer().members())) {
                if (list.size() > best.size()) {
                    best = list;
                }
            }
        }
        return best;
    }

    /** A display name per configured client URL: the etcd member name, from any member list. */
    private static Map<String, String> names(List<EtcdMemberObservation> observations, List<EtcdMember> cluster) {
        Map<String, String> names = new HashMap<>();
        Set<EtcdMember> all = new LinkedHashSet<>(cluster);
        for (EtcdMemberObservation o : observations) {
            all.addAll(o.client().members());
            all.addAll(o.peer().members());
        }
        for (EtcdMember m : all) {
            if (m.name().isEmpty()) {
                continue;
            }
            for (String url : m.clientUrls()) {
                names.putIfAbsent(url, m.name());
            }
            names.putIfAbsent("id:" + m.id(), m.name());
        }
        // members that answered Status but are not in any list by client URL (e.g. advertised under another name)
        for (EtcdMemberObservation o : observations) {
            o.client().status().ifPresent(s -> {
                String n = names.get("id:" + s.memberId());
                if (n != null) {
                    names.putIfAbsent(o.clientUrl(), n);
                }
            });
        }
        return names;
    }

    private static String leaderUrl(long leaderId, Collection<EtcdMember> members) {
        return members.stream().filter(m -> m.id() == leaderId).findFirst()
                .map(m -> m.clientUrls().isEmpty() ? "id:" + m.id() : m.clientUrls().get(0))
                .orElse("id:" + leaderId);
    }

    private static Optional<Long> plurality(List<EtcdMemberObservation> observations) {
        Map<Long, Integer> counts = new LinkedHashMap<>();
        observations.forEach(o -> o.clusterId().ifPresent(id -> counts.merge(id, 1, Integer::sum)));
        return counts.entrySet().stream()
                .max(Map.Entry.comparingByValue())
                .map(Map.Entry::getKey);
    }

    private static String readsSummary(EtcdClientView c) {
        return "; serializable read " + (c.serializable().isOk() ? "works" : "fails")
                + ", linearizable read " + (c.linearizable().isOk() ? "works" : "fails");
    }

    /** An id in lowercase hex, as etcdctl prints it. */
    static String hex(long id) {
        return Long.toHexString(id);
    }

    static String bytes(long n) {
        if (n < 1024) {
            return n + " B";
        }
        if (n < 1024 * 1024) {
            return (n / 1024) + " KiB";
        }
        if (n < 1024L * 1024 * 1024) {
            return String.format(Locale.ROOT, "%.1f MiB", n / 1048576.0);
        }
        return String.format(Locale.ROOT, "%.2f GiB", n / 1073741824.0);
    }
}
