package io.blackstart.doctor;

import java.time.Duration;
import java.util.List;

/**
 * One node's readiness as it reports it: {@code GET <management URL>/ready} of its Pekko Management endpoint. Ok on
 * 200; failed on 503 with the condition the node names ({@code cluster: ...}, {@code catalog: ...},
 * {@code docker: ...}) and a hint for that condition; failed when the endpoint does not answer.
 */
public final class NodeReadyCheck implements CheckTask {

    private final String base;
    private final HttpFetch http;

    /**
     * @param base           the node's management base URL, e.g. {@code http://127.0.0.1:8558}
     * @param connectTimeout connect timeout
     * @param readTimeout    request timeout
     */
    public NodeReadyCheck(String base, Duration connectTimeout, Duration readTimeout) {
        this.base = base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
        this.http = new HttpFetch(connectTimeout, readTimeout);
    }

    /** The name of the check of the node at {@code base}. */
    public static String checkName(String base) {
        return "node ready " + (base.endsWith("/") ? base.substring(0, base.length() - 1) : base);
    }

    @Override
    public String group() {
        return CoordinatorCheck.GROUP;
    }

    @Override
    public List<String> names() {
        return List.of(checkName(base));
    }

    @Override
    public List<Check> run() {
        String name = checkName(base);
        HttpFetch.Answer a = http.get(base + "/ready");
        long ms = a.outcome().millis();
        if (!a.outcome().isOk()) {
            return List.of(Check.fail(CoordinatorCheck.GROUP, name, "management endpoint " + base
                    + " does not answer: " + a.outcome().detail(), "is the node running? Its management port is "
                    + "blackstart.coordinator.management.port (8558) or blackstart.agent.management.port (8559)", ms));
        }
        if (a.status() == 200) {
            return List.of(Check.ok(CoordinatorCheck.GROUP, name, "ready", ms));
        }
        String reason = a.body().strip();
        if (reason.startsWith("Not ready: ")) {
            reason = reason.substring("Not ready: ".length());
        }
        if (reason.length() > 300) {
            reason = reason.substring(0, 300) + "...";
        }
        return List.of(Check.fail(CoordinatorCheck.GROUP, name, "not ready (HTTP " + a.status() + "): " + reason,
                hint(reason), ms));
    }

    static String hint(String reason) {
        if (reason.startsWith("cluster:")) {
            return "the node is not an Up cluster member: see the coordinator cluster checks (seeds, formation)";
        }
        if (reason.startsWith("catalog:")) {
            return "the coordinator has not loaded the catalog from etcd: see the etcd checks";
        }
        if (reason.startsWith("docker:")) {
            return "the agent's Docker engine does not answer: systemctl status docker; see the docker checks";
        }
        return "see the node's log (journalctl -u blackstart-coordinator or -u blackstart-agent)";
    }
}
