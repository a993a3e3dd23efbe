package io.blackstart.doctor;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The coordinator cluster as one coordinator sees it ({@code GET /api/v1/cluster}): {@link #FORMATION} (whether it
 * is in a cluster, and when it is not, a TCP connect to the Artery port of every seed node: a first seed that does
 * not answer fails as "coordinators cannot form a cluster: first seed X down"), {@link #MEMBERS} (ok all
 * Up, warn some not Up, fail no coordinator member Up), {@link #UNREACHABLE} (warn naming them),
 * {@link #SINGLETON} (where the recovery manager runs; fail if nowhere) and {@link #AGENTS} (the agents expected
 * — the inventory file if given, else those recorded in etcd together with the coordinator's {@code agentsKnown},
 * see {@link ExpectedAgents} — against {@code agentsPresent}: warn naming the missing ones, fail when none of the
 * expected reports).
 *
 * <p>When the coordinator does not answer at all it reports nothing: {@link CoordinatorCheck#REACHABLE} says
 * so, and these checks show up as blocked by it.
 */
public final class CoordinatorClusterCheck implements CheckTask {

    /** Name of the cluster-formation check. */
    public static final String FORMATION = "coordinator cluster formation";
    /** Name of the members check. */
    public static final String MEMBERS = "coordinator members";
    /** Name of the unreachable members check. */
    public static final String UNREACHABLE = "coordinator unreachable members";
    /** Name of the singleton check. */
    public static final String SINGLETON = "recovery manager singleton";
    /** Name of the agents check. */
    public static final String AGENTS = "agents present";

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int NAMED = 10;

    private final String api;
    private final HttpFetch http;
    private final ExpectedAgents expectedAgents;
    private final List<SeedAddress> seeds;
    private final Duration connectTimeout;

    /**
     * @param api            the coordinator's base URL
     * @param connectTimeout connect timeout (also of each seed probe)
     * @param readTimeout    request timeout
     * @param expectedAgents the agents to expect (inventory, or etcd records and the coordinator's {@code agentsKnown})
     * @param seeds          the coordinators' seed nodes, first seed first; empty: not probed
     */
    public CoordinatorClusterCheck(String api, Duration connectTimeout, Duration readTimeout,
                                   ExpectedAgents expectedAgents, List<String> seeds) {
        this.api = api.endsWith("/") ? api.substring(0, api.length() - 1) : api;
        this.http = new HttpFetch(connectTimeout, readTimeout);
        this.expectedAgents = expectedAgents;
        this.seeds = seeds.stream().map(SeedAddress::parse).toList();
        this.connectTimeout = connectTimeout;
    }

    @Override
    public String group() {
        return CoordinatorCheck.GROUP;
    }

    @Override
    public List<String> names() {
        return List.of(FORMATION, MEMBERS, UNREACHABLE, SINGLETON, AGENTS);
    }

    @Override
    public List<Check> run() {
        String url = api + "/api/v1/cluster";
        HttpFetch.Answer a = http.get(url);
        long ms = a.outcome().millis();
        if (!a.outcome().isOk()) {
            return List.of();
        }
        JsonNode c;
        try {
            c = a.status() == 200 ? JSON.readTree(a.body()) : null;
        } catch (IOException e) {
            c = null;
        }
        if (c == null || !c.isObject() || !c.path("members").isArray()) {
            return List.of(Check.fail(group(), MEMBERS, "GET " + url + " answered HTTP " + a.status()
                            + (a.status() == 200 ? " but not the cluster JSON" : ": " + abbreviate(a.body())),
                    "a coordinator of this version serves /api/v1/cluster; is --api the coordinator?", ms));
        }
        List<Check> checks = new ArrayList<>();
        checks.add(formation(c));
        checks.add(members(c, ms));
        checks.add(unreachable(c));
        checks.add(singleton(c));
        checks.add(agents(c));
        return checks;
    }

    private Check members(JsonNode c, long ms) {
        List<String> up = new ArrayList<>();
        List<String> notUp = new ArrayList<>();
        int coordinatorsUp = 0;
        for (JsonNode m : c.get("members")) {
            String address = m.path("address").asText();
            String status = m.path("status").asText();
            if (status.equals("Up")) {
                up.add(address);
                if (hasRole(m, "coordinator")) {
                    coordinatorsUp++;
                }
            } else {
                notUp.add(address + " (" + status + ")");
            }
        }
        if (coordinatorsUp == 0) {
            return Check.fail(group(), MEMBERS, "no coordinator member is Up"
                            + (notUp.isEmpty() ? " (no members)" : ": " + names(notUp)),
                    "start a coordinator or let the members join (seed nodes, network between them)", ms);
        }
        if (!notUp.isEmpty()) {
            return Check.warn(group(), MEMBERS, up.size() + " Up, not Up: " + names(notUp),
                    "members joining or leaving settle within seconds; one that stays is stuck (down it)", ms);
        }
        return Check.ok(group(), MEMBERS, up.size() + " member(s) Up (" + coordinatorsUp + " coordinator"
                + (coordinatorsUp == 1 ? "" : "s") + "): " + names(up), ms);
    }

    /**
     * In a cluster when the answering coordinator itself is an Up member (or, for an answer without {@code self},
     * when any coordinator is). Seeds are probed by a TCP connect to their Artery port: that shows a process listens
     * there, not that it is a healthy coordinator, but a first seed that does not even accept a connection is down.
     */
    private Check formation(JsonNode c) {
        String self = c.path("self").asText("");
        boolean inCluster = false;
        for (JsonNode m : c.get("members")) {
            boolean up = m.path("status").asText().equals("Up") && hasRole(m, "coordinator");
            if (up && (self.isEmpty() || m.path("address").asText().equals(self))) {
                inCluster = true;
            }
        }
        if (seeds.isEmpty()) {
            return Check.ok(group(), FORMATION, (inCluster ? "in a cluster" : "not in a cluster")
                    + "; seed nodes not checked (give them with --seeds or blackstart.doctor.seeds)", 0);
        }
        long start = System.nanoTime();
        List<String> down = new ArrayList<>();
        for (SeedAddress s : seeds) {
            if (!answers(s)) {
                down.add(s.text());
            }
        }
        long ms = HttpFetch.millisSince(start);
        String first = seeds.get(0).text();
        int up = seeds.size() - down.size();
        String counts = up + " of " + seeds.size() + " seed nodes answer" + (down.isEmpty() ? "" : "; down: "
                + names(down));
        int majority = seeds.size() / 2 + 1;
        if (!inCluster && down.contains(first)) {
            return Check.fail(group(), FORMATION, "coordinators cannot form a cluster: first seed " + first
                            + " down (" + (self.isEmpty() ? "the coordinator" : self) + " is not Up; " + counts + ")",
                    up >= majority
                            ? "start " + first + " again, or check that every coordinator runs with "
                            + "blackstart.coordinator.cluster-formation.enabled = on (a majority, " + majority + " of "
                            + seeds.size() + ", then forms the cluster without it) and see their logs"
                            : "start " + first + " again, or start coordinators until " + majority + " of "
                            + seeds.size() + " answer: with cluster-formation on a majority forms the cluster", ms);
        }
        if (!inCluster) {
            return Check.warn(group(), FORMATION, "not in a cluster yet; first seed " + first + " answers (" + counts
                    + ")", "a majority of the coordinators forms the cluster within seconds; one that stays out "
                    + "cannot reach the others (network, TLS: see its log)", ms);
        }
        if (!down.isEmpty()) {
            return Check.warn(group(), FORMATION, "in a cluster; " + counts + (down.contains(first)
                            ? " (the cluster formed without the first seed)" : ""),
                    "start the seed nodes that are down again: they join the running cluster", ms);
        }
        return Check.ok(group(), FORMATION, "in a cluster; " + counts, ms);
    }

    private boolean answers(SeedAddress s) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(s.host(), s.port()), (int) Math.max(1, connectTimeout.toMillis()));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private Check unreachable(JsonNode c) {
        List<String> gone = texts(c.path("unreachable"));
        if (gone.isEmpty()) {
            return Check.ok(group(), UNREACHABLE, "none", 0);
        }
        return Check.warn(group(), UNREACHABLE, gone.size() + " unreachable from " + c.path("self").asText()
                        + ": " + names(gone),
                "check those coordinator nodes and the network to them; a dead one must be downed", 0);
    }

    private Check singleton(JsonNode c) {
        JsonNode s = c.get("singleton");
        if (s == null || s.isNull() || s.asText().isEmpty()) {
            return Check.fail(group(), SINGLETON, "the recovery manager runs nowhere: no Up member with role "
                    + "coordinator", "start a coordinator; the singleton runs on the oldest Up coordinator", 0);
        }
        String where = s.asText();
        if (texts(c.path("unreachable")).contains(where)) {
            return Check.warn(group(), SINGLETON, "runs on " + where + ", which is unreachable from "
                    + c.path("self").asText(), "check that node; it moves only once the node is downed", 0);
        }
        return Check.ok(group(), SINGLETON, "runs on " + where, 0);
    }

    private Check agents(JsonNode c) {
        Set<String> present = new LinkedHashSet<>();
        for (JsonNode p : c.path("agentsPresent")) {
            present.add(p.path("nodeId").asText());
        }
        ExpectedAgents.Expectation expectation = expectedAgents.expect(texts(c.path("agentsKnown")));
        if (expectation.problem().isPresent()) {
            return Check.fail(group(), AGENTS, expectation.problem().get(),
                    "pass --inventory with a readable file (one node id per line)", 0);
        }
        String source = expectation.source();
        Set<String> expected = new LinkedHashSet<>(ExpectedAgents.sorted(expectation.ids()));
        if (!c.path("statusAvailable").asBoolean(true)) {
            return Check.warn(group(), AGENTS, "the recovery manager has not published a status yet (starting "
                    + "or moving): agents unknown", "re-run in a few seconds (--wait)", 0);
        }
        List<String> missing = expected.stream().filter(id -> !present.contains(id)).toList();
        if (expected.isEmpty()) {
            if (present.isEmpty()) {
                return Check.warn(group(), AGENTS, "no agent reports and none is expected (" + source
                        + " is empty)", "start the node agents, or pass --inventory FILE to say which to expect", 0);
            }
            return Check.ok(group(), AGENTS, present.size() + " present: " + names(List.copyOf(present)), 0);
        }
        if (missing.size() == expected.size()) {
            return Check.fail(group(), AGENTS, "none of the " + expected.size() + " agents expected (" + source
                            + ") reports: " + names(missing),
                    "start the node agents (blackstart agent) and check they reach the coordinator", 0);
        }
        if (!missing.isEmpty()) {
            return Check.warn(group(), AGENTS, (expected.size() - missing.size()) + " of " + expected.size()
                            + " expected present; missing: " + names(missing),
                    "start the missing agents or check their hosts; their instances cannot be placed there", 0);
        }
        List<String> extra = present.stream().filter(id -> !expected.contains(id)).toList();
        return Check.ok(group(), AGENTS, "all " + expected.size() + " expected present (" + source + ")"
                + (extra.isEmpty() ? "" : "; also present: " + names(extra)), 0);
    }

    private static boolean hasRole(JsonNode member, String role) {
        return texts(member.path("roles")).contains(role);
    }

    private static List<String> texts(JsonNode array) {
        List<String> out = new ArrayList<>();
        for (JsonNode n : array) {
            out.add(n.asText());
        }
        return out;
    }

    private static String names(List<String> names) {
        if (names.size() <= NAMED) {
            return String.join(", ", names);
        }
        return String.join(", ", names.subList(0, NAMED)) + " and " + (names.size() - NAMED) + " more";
    }

    private static String abbreviate(String body) {
        String b = body == null ? "" : body.strip();
        return b.length() > 200 ? b.substring(0, 200) + "..." : b;
    }
}
