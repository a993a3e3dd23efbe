package io.blackstart.doctor;

import io.blackstart.common.ClockSkew;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Every host through its agent, asked by the coordinator ({@code GET /api/v1/hosts/diagnosis}):
 * <ul>
 *   <li>{@link #ANSWERING} (group {@code agents}): ok when every agent asked or expected answered; warn naming the
 *       silent ones; fail when none of them answered;</li>
 *   <li>{@code docker on <node>} (group {@code docker}) per host: ok with the engine's version, API version,
 *       storage driver and the free space of its data root; warn below 10 % free, when the disk is not visible to
 *       the agent, and when the host's agent does not answer or is not in the cluster (named, with why); fail when
 *       the engine does not answer or below 3 % free — the thresholds of the local {@link DockerCheck};</li>
 *   <li>{@code clock on <node>} (group {@code clocks}) per answering host: the agent's clock against the
 *       coordinator's, estimated NTP-style ({@link ClockSkew#exchange}); judged on the skew proven beyond the
 *       uncertainty, with the thresholds of {@link ClockCheck} (warn above 500 ms, fail above 5 s); the finding adds
 *       the agent's offset from this machine's clock when the coordinator's is known;</li>
 *   <li>{@link #COORDINATOR_CLOCK} (group {@code clocks}): the coordinator's clock against this machine's, from the
 *       diagnosis exchange itself (the coordinator's {@code receivedMillis} and {@code answeredMillis} lie between
 *       our send and receive times), same thresholds. So the chain this machine → coordinator → each agent is
 *       measured to a few milliseconds, not the one second of an HTTP {@code Date} header.</li>
 * </ul>
 * The hosts expected are those the diagnosis lists (every agent registered in the cluster and every host the
 * recovery manager sees) plus {@link ExpectedAgents}: the inventory, or the agents recorded in etcd together with the
 * coordinator's {@code agentsKnown}. When the coordinator does not answer at all
 * it reports nothing: {@link CoordinatorCheck#REACHABLE} says so and these checks show as blocked.
 */
public final class HostsCheck implements CheckTask {

    /** The group of the summary check. */
    public static final String GROUP = "agents";
    /** Name of the summary check. */
    public static final String ANSWERING = "agents answering";
    /** The coordinator's clock against this machine's (group clocks), measured on the diagnosis exchange. */
    public static final String COORDINATOR_CLOCK = "coordinator clock";

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int NAMED = 10;

    private final String api;
    private final HttpFetch http;
    private final Duration timeout;
    private final ExpectedAgents expectedAgents;

    /**
     * @param api            the coordinator's base URL
     * @param connectTimeout connect timeout
     * @param timeout        how long the diagnosis request may take (above the coordinator's diagnosis deadline)
     * @param expectedAgents the agents expected besides those the coordinator lists
     */
    public HostsCheck(String api, Duration connectTimeout, Duration timeout, ExpectedAgents expectedAgents) {
        this.api = api.endsWith("/") ? api.substring(0, api.length() - 1) : api;
        this.http = new HttpFetch(connectTimeout, timeout);
        this.timeout = timeout;
        this.expectedAgents = expectedAgents;
    }

    /** The name of the Docker check of one host. */
    public static String dockerName(String nodeId) {
        return "docker on " + nodeId;
    }

    /** The name of the clock check of one host. */
    public static String clockName(String nodeId) {
        return "clock on " + nodeId;
    }

    /** True for the per-host checks of this task. */
    static boolean isHostCheck(String name) {
        return name.startsWith("docker on ") || name.startsWith("clock on ");
    }

    @Override
    public String group() {
        return GROUP;
    }

    @Override
    public List<String> names() {
        return List.of(ANSWERING);
    }

    @Override
    public List<Check> run() {
        // asked first: it also opens the connection, so the diagnosis exchange, on which the coordinator's clock is
        // measured, does not include a TCP handshake on its way out only
        List<String> known = coordinatorKnown();
        String url = api + "/api/v1/hosts/diagnosis";
        HttpFetch.Answer a = http.get(url);
        long ms = a.outcome().millis();
        if (!a.outcome().isOk()) {
            if (a.outcome().kind() == CallOutcome.Kind.TIMEOUT) {
                return List.of(Check.fail(GROUP, ANSWERING, "GET " + url + ": no answer within " + timeout.toMillis()
                        + " ms", "the coordinator bounds the diagnosis by agents.diagnosis-deadline: raise "
                        + "hosts-timeout above it, or look at the coordinator's log", ms));
            }
            return List.of(); // the coordinator does not answer at all: its reachability check says so
        }
        if (a.status() == 404) {
            return List.of(Check.warn(GROUP, ANSWERING, "the coordinator does not serve /api/v1/hosts/diagnosis "
                            + "(an older version?): Docker on the hosts and their clocks are not checked",
                    "upgrade the coordinators", ms));
        }
        JsonNode d;
        try {
            d = a.status() == 200 ? JSON.readTree(a.body()) : null;
        } catch (Exception e) {
            d = null;
        }
        if (d == null || !d.path("hosts").isArray()) {
            return List.of(Check.fail(GROUP, ANSWERING, "GET " + url + " answered HTTP " + a.status()
                    + (a.status() == 200 ? " but not the diagnosis JSON" : ": " + abbreviate(a.body())),
                    "look at the coordinator's log", ms));
        }
        return assess(d, ms, known, a.sentMillis(), a.answeredMillis());
    }

    /** The agents the coordinator knows ({@code agentsKnown} of {@code /api/v1/cluster}); empty if not answered. */
    private List<String> coordinatorKnown() {
        HttpFetch.Answer a = http.get(api + "/api/v1/cluster");
        List<String> known = new ArrayList<>();
        if (a.outcome().isOk() && a.status() == 200) {
            try {
                JSON.readTree(a.body()).path("agentsKnown").forEach(n -> known.add(n.asText()));
            } catch (Exception e) {
                // not the cluster JSON: the coordinator checks report it; expect what etcd or the inventory says
            }
        }
        return known;
    }

    /**
     * The coordinator's clock against this machine's, from the diagnosis exchange itself: the coordinator received
     * the request at {@code receivedMillis} and built its answer at {@code answeredMillis} (its clock), both between
     * our {@code sent} and {@code answered}; a coordinator that gives only {@code startedMillis} and
     * {@code durationMillis} of its fan-out is read with those (a wider uncertainty). Empty when it gives neither.
     */
    static Optional<ClockSkew.Offset> coordinatorOffset(JsonNode d, long sent, long answered) {
        long t1;
        long t2;
        if (d.path("receivedMillis").asLong() > 0 && d.path("answeredMillis").asLong() >= d.path("receivedMillis").asLong()) {
            t1 = d.path("receivedMillis").asLong();
            t2 = d.path("answeredMillis").asLong();
        } else if (d.path("startedMillis").asLong() > 0) {
            t1 = d.path("startedMillis").asLong();
            t2 = t1 + Math.max(0, d.path("durationMillis").asLong());
        } else {
            return Optional.empty();
        }
        if (answered < sent) {
            return Optional.empty();
        }
        return Optional.of(ClockSkew.exchange(sent, t1, t2, answered));
    }

    /**
     * The checks for one answer of {@code /api/v1/hosts/diagnosis}, asked at {@code sentMillis} and answered at
     * {@code answeredMillis} (this machine's clock).
     */
    List<Check> assess(JsonNode d, long ms, List<String> coordinatorKnown, long sentMillis, long answeredMillis) {
        Optional<ClockSkew.Offset> coordinator = coordinatorOffset(d, sentMillis, answeredMillis);
        long deadline = d.path("deadlineMillis").asLong();
        Map<String, JsonNode> byName = new LinkedHashMap<>();
        for (JsonNode h : d.get("hosts")) {
            String id = h.path("nodeId").asText("");
            String key = id.isEmpty() ? "agent at " + h.path("address").asText("?") : id;
            // a node id that answered wins over a silent entry of the same id
            JsonNode before = byName.get(key);
            if (before == null || (!before.path("answered").asBoolean() && h.path("answered").asBoolean())) {
                byName.put(key, h);
            }
        }
        ExpectedAgents.Expectation expectation = expectedAgents.expect(coordinatorKnown);
        Set<String> expected = expectation.ids();
        List<String> missing = new ArrayList<>();
        for (String id : ExpectedAgents.sorted(expected)) {
            if (!byName.containsKey(id)) {
                missing.add(id);
            }
        }
        List<Check> hostChecks = new ArrayList<>();
        List<String> silent = new ArrayList<>();
        List<String> answered = new ArrayList<>();
        for (Map.Entry<String, JsonNode> e : byName.entrySet()) {
            JsonNode h = e.getValue();
            if (h.path("answered").asBoolean()) {
                answered.add(e.getKey());
                hostChecks.add(docker(e.getKey(), h.path("docker"), h.path("clock").path("roundTripMillis").asLong()));
                hostChecks.add(clock(e.getKey(), h, coordinator));
            } else {
                silent.add(e.getKey());
                hostChecks.add(Check.warn(DockerCheck.GROUP, dockerName(e.getKey()), "not checked: "
                                + h.path("detail").asText("its agent did not answer"),
                        "check the agent on that host (systemctl status blackstart-agent, its log) and the "
                                + "network between it and the coordinators", 0));
            }
        }
        for (String id : missing) {
            silent.add(id);
            hostChecks.add(Check.warn(DockerCheck.GROUP, dockerName(id), "not checked: its agent is expected ("
                            + expectation.source() + ") but is not in the cluster",
                    "start the agent on " + id + " (blackstart agent); if the host is gone for good, delete its "
                            + "record: etcdctl del " + expectedAgents.recordsWhere() + id, 0));
        }
        int total = answered.size() + silent.size();
        Check summary;
        if (total == 0) {
            summary = Check.ok(GROUP, ANSWERING, "no agent to ask: none is registered in the cluster and none "
                    + "expected", ms);
        } else if (silent.isEmpty()) {
            summary = Check.ok(GROUP, ANSWERING, "all " + total + " agent" + (total == 1 ? "" : "s")
                    + " answered in " + d.path("durationMillis").asLong() + " ms: " + names(answered), ms);
        } else if (answered.isEmpty()) {
            summary = Check.fail(GROUP, ANSWERING, "none of the " + total + " agents answered within " + deadline
                            + " ms: " + names(silent),
                    "start the node agents (blackstart agent) and check they reach the coordinators", ms);
        } else {
            summary = Check.warn(GROUP, ANSWERING, answered.size() + " of " + total + " agents answered; silent: "
                            + names(silent),
                    "check the silent agents and their hosts; their instances cannot be placed there", ms);
        }
        List<Check> checks = new ArrayList<>();
        checks.add(summary);
        coordinator.ifPresent(o -> checks.add(coordinatorClock(o)));
        checks.addAll(hostChecks);
        return checks;
    }

    private static Check coordinatorClock(ClockSkew.Offset o) {
        String finding = "the coordinator is " + signed(o.offsetMillis()) + " ± " + o.uncertaintyMillis()
                + " ms from this machine's clock (round trip " + o.roundTripMillis() + " ms)";
        long provable = o.provableMillis();
        if (Math.abs(provable) > ClockCheck.FAIL_MILLIS) {
            return Check.fail(ClockCheck.GROUP, COORDINATOR_CLOCK, finding, "synchronise the clocks of this machine "
                    + "and the coordinators (chrony/systemd-timesyncd)", o.roundTripMillis());
        }
        if (Math.abs(provable) > ClockCheck.WARN_MILLIS) {
            return Check.warn(ClockCheck.GROUP, COORDINATOR_CLOCK, finding, "check NTP here and on the coordinators",
                    o.roundTripMillis());
        }
        return Check.ok(ClockCheck.GROUP, COORDINATOR_CLOCK, finding, o.roundTripMillis());
    }

    private static Check docker(String node, JsonNode e, long ms) {
        String name = dockerName(node);
        if (!e.path("reachable").asBoolean()) {
            return Check.fail(DockerCheck.GROUP, name, "the Docker engine on " + node + " does not answer its agent: "
                            + e.path("error").asText("?"),
                    "on " + node + ": systemctl start docker, and read journalctl -u docker", ms);
        }
        String engine = "Docker " + e.path("version").asText() + " (API " + e.path("apiVersion").asText()
                + "), storage driver " + e.path("storageDriver").asText();
        long free = e.path("freeBytes").asLong(-1);
        long total = e.path("totalBytes").asLong(-1);
        String root = e.path("dataRoot").asText();
        if (free < 0 || total <= 0) {
            return Check.warn(DockerCheck.GROUP, name, engine + "; free space of " + root + " unknown: "
                            + e.path("error").asText("not visible to the agent"),
                    "mount the data root into the agent's environment, or set blackstart.agent.image-gc."
                            + "docker-data-root to where it is visible", ms);
        }
        double share = (double) free / total;
        String finding = String.format(Locale.ROOT, "%s, %s has %s free of %s (%.1f%%)", engine, root,
                EtcdAssessment.bytes(free), EtcdAssessment.bytes(total), share * 100);
        if (share < DockerCheck.DISK_FAIL) {
            return Check.fail(DockerCheck.GROUP, name, finding, "free space on " + node + ": remove old images "
                    + "(not during a recovery: they avoid pulls), or grow the disk", ms);
        }
        if (share < DockerCheck.DISK_WARN) {
            return Check.warn(DockerCheck.GROUP, name, finding, "less than 10% free on " + node
                    + ": plan a cleanup or a bigger disk", ms);
        }
        return Check.ok(DockerCheck.GROUP, name, finding, ms);
    }

    private static Check clock(String node, JsonNode h, Optional<ClockSkew.Offset> coordinator) {
        String name = clockName(node);
        JsonNode c = h.path("clock");
        if (c.isMissingNode() || c.isNull()) {
            return Check.warn(ClockCheck.GROUP, name, "not measured: " + h.path("detail").asText("no clock readings"),
                    "re-run; a clock stepped during the exchange", 0);
        }
        long skew = c.path("skewMillis").asLong();
        long uncertainty = c.path("uncertaintyMillis").asLong();
        long provable = c.path("provableSkewMillis").asLong();
        String finding = node + " is " + signed(skew) + " ± " + uncertainty + " ms from the coordinator's clock "
                + "(round trip " + c.path("roundTripMillis").asLong() + " ms)"
                + coordinator.map(o -> ", " + signed(skew + o.offsetMillis()) + " ± "
                        + (uncertainty + o.uncertaintyMillis()) + " ms from this machine's").orElse("");
        if (Math.abs(provable) > ClockCheck.FAIL_MILLIS) {
            return Check.fail(ClockCheck.GROUP, name, finding, "synchronise clocks (chrony/systemd-timesyncd) on "
                    + node + " and the coordinators; start timeouts and timelines depend on them", 0);
        }
        if (Math.abs(provable) > ClockCheck.WARN_MILLIS) {
            return Check.warn(ClockCheck.GROUP, name, finding, "check NTP on " + node + " and on the coordinators", 0);
        }
        return Check.ok(ClockCheck.GROUP, name, finding, 0);
    }

    private static String signed(long ms) {
        return (ms > 0 ? "+" : "") + ms + " ms";
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
