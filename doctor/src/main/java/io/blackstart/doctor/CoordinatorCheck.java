package io.blackstart.doctor;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The coordinator: {@link #REACHABLE} ({@code GET /api/v1/status} answers 200 with JSON within the timeout, or
 * 503: it answers but has no status, which fails {@link #STATUS} instead) and, only when it answers, the cluster-wide
 * {@link #STATUS} (mode, desired and running instances, members and
 * unreachable members when the status carries them) and {@link #ATTENTION} (instances whose health check keeps
 * failing: a warning) and {@link #DEGRADED} (the recovery manager journals assignments locally because etcd is
 * down, or is writing them back: a warning). When the coordinator does not answer, only
 * {@link #REACHABLE} is reported; the cluster-wide checks show up as blocked by it.
 */
public final class CoordinatorCheck implements CheckTask {

    /** The check group. */
    public static final String GROUP = "coordinator";
    /** Name of the reachability check. */
    public static final String REACHABLE = "coordinator reachable";
    /** Name of the cluster-wide status check. */
    public static final String STATUS = "coordinator status";
    /** Name of the check of instances whose health check keeps failing. */
    public static final String ATTENTION = "instances needing attention";
    /** Name of the check of degraded recovery (assignments journaled on the coordinator while etcd is down). */
    public static final String DEGRADED = "assignments recorded in etcd";

    private static final ObjectMapper JSON = new ObjectMapper();

    private final String api;
    private final HttpFetch http;

    /**
     * @param api            the coordinator's base URL, e.g. {@code http://127.0.0.1:7070}
     * @param connectTimeout connect timeout
     * @param readTimeout    request timeout
     */
    public CoordinatorCheck(String api, Duration connectTimeout, Duration readTimeout) {
        this.api = api.endsWith("/") ? api.substring(0, api.length() - 1) : api;
        this.http = new HttpFetch(connectTimeout, readTimeout);
    }

    @Override
    public String group() {
        return GROUP;
    }

    @Override
    public List<String> names() {
        return List.of(REACHABLE, STATUS, ATTENTION, DEGRADED);
    }

    @Override
    public List<Check> run() {
        String url = api + "/api/v1/status";
        HttpFetch.Answer a = http.get(url);
        long ms = a.outcome().millis();
        String hint = "start a coordinator (blackstart coordinator) or pass --api with the right URL; "
                + "cluster-wide checks need it";
        if (!a.outcome().isOk()) {
            return List.of(Check.fail(GROUP, REACHABLE, "coordinator at " + api + " does not answer: "
                    + a.outcome().detail(), hint, ms));
        }
        if (a.status() == 503) {
            // it answers, it just has no status: no recovery manager runs (not in a cluster yet, or moving)
            return List.of(Check.ok(GROUP, REACHABLE, "coordinator at " + api + " answered in " + ms + " ms", ms),
                    Check.fail(GROUP, STATUS, "no status: GET " + url + " answered HTTP 503" + errorOf(a.body()),
                            "the recovery manager singleton does not run; see the coordinator cluster checks", 0));
        }
        if (a.status() != 200) {
            return List.of(Check.fail(GROUP, REACHABLE, "GET " + url + " answered HTTP " + a.status(), hint, ms));
        }
        JsonNode status;
        try {
            status = JSON.readTree(a.body());
        } catch (Exception e) {
            return List.of(Check.fail(GROUP, REACHABLE, "GET " + url + " answered 200 but not JSON", hint, ms));
        }
        List<Check> checks = new ArrayList<>();
        checks.add(Check.ok(GROUP, REACHABLE, "coordinator at " + api + " answered in " + ms + " ms", ms));
        List<String> facts = new ArrayList<>();
        for (String field : List.of("mode", "desired", "running", "members", "singleton", "leader")) {
            JsonNode v = status.get(field);
            if (v != null && !v.isNull()) {
                facts.add(field + "=" + (v.isValueNode() ? v.asText() : v.toString()));
            }
        }
        String summary = facts.isEmpty() ? "status has no mode/desired/running fields" : String.join(", ", facts);
        JsonNode unreachable = status.get("unreachable");
        if (unreachable != null && unreachable.isArray() && !unreachable.isEmpty()) {
            checks.add(Check.warn(GROUP, STATUS, summary + "; unreachable members: " + unreachable,
                    "check the unreachable coordinator nodes and the network between them", 0));
        } else {
            checks.add(Check.ok(GROUP, STATUS, summary, 0));
        }
        int attention = status.path("needsAttention").asInt(0);
        if (attention > 0) {
            checks.add(Check.warn(GROUP, ATTENTION, attention + " instance" + (attention == 1 ? " runs" : "s run")
                            + " but " + (attention == 1 ? "its" : "their") + " health check keeps failing; Blackstart"
                            + " does not restart them and their dependants wait",
                    "blackstart apps --state needs-attention lists each with its probe's last output; repair the app "
                            + "(data, configuration, a dependency outside Blackstart) and it becomes ready by itself",
                    0));
        } else {
            checks.add(Check.ok(GROUP, ATTENTION, "no instance with a failing health check", 0));
        }
        JsonNode degraded = status.get("degraded");
        if (degraded != null && degraded.isObject()) {
            boolean journaling = "journaling".equals(degraded.path("state").asText());
            checks.add(Check.warn(GROUP, DEGRADED, degraded.path("message").asText("degraded recovery") + "; "
                            + degraded.path("pendingWriteBack").asInt(0) + " journaled assignments not yet in etcd",
                    journaling ? "restore etcd's quorum (see the etcd checks): the coordinator then writes the journal "
                            + "back to etcd by itself and records assignments there again"
                            : "nothing to do: the journal is being written back to etcd", 0));
        } else {
            checks.add(Check.ok(GROUP, DEGRADED, "every assignment is recorded in etcd (no local journal in use)", 0));
        }
        return checks;
    }

    private static String errorOf(String body) {
        try {
            JsonNode n = JSON.readTree(body);
            String e = n.path("error").asText("");
            return e.isEmpty() ? "" : " (" + (e.length() > 200 ? e.substring(0, 200) + "..." : e) + ")";
        } catch (Exception e) {
            return "";
        }
    }
}
