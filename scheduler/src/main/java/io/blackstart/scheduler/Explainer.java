package io.blackstart.scheduler;

import io.blackstart.protocol.Tier;

import java.util.ArrayList;
import java.util.List;

/**
 * Says why an instance is where it is, by the name of the rule that holds it: for a running or placed instance its
 * host, for a PENDING one the first rule that applies. Read-only over the ledger's parts.
 */
final class Explainer {

    private final LedgerSettings settings;
    private final InstanceBook book;
    private final HostBook hosts;

    Explainer(LedgerSettings settings, InstanceBook book, HostBook hosts) {
        this.settings = settings;
        this.book = book;
        this.hosts = hosts;
    }

    /**
     * Why an instance is not (yet) running, named by the rule that holds it. For a PENDING instance, the first
     * rule that applies in this order: backoff, dependency (failed or not yet running), platform-gate,
     * restart-in-place (reserved for its host), no-credit (no open host), memory (no open host has room), queued
     * (behind more important work, or outside the scoring window of the hosts with credit).
     *
     * @return the explanation, or null if the instance is not desired
     */
    Explanation explain(String instanceId, long now) {
        Instance e = book.instances.get(instanceId);
        if (e == null) {
            return null;
        }
        InstanceState s = e.state;
        switch (s) {
            case RUNNING:
                return new Explanation(e.key, s, "running", "on " + e.node, false);
            case RUNNING_UNREADY:
                return new Explanation(e.key, s, "running-unready", "on " + e.node + ", waiting for its health check"
                        + (e.app.spec.health() == null ? " (the image's HEALTHCHECK)" : " (" + e.app.spec.health()
                        .describe() + ")"), true);
            case NEEDS_ATTENTION:
                return new Explanation(e.key, s, "needs-attention", "on " + e.node + ": " + e.failure, false);
            case FAILED:
                return new Explanation(e.key, s, "failed", e.failure, false);
            case ASSIGNED:
                return new Explanation(e.key, s, "assigned", "to " + e.node + ", recording the assignment", true);
            case STARTING:
                return new Explanation(e.key, s, "starting", "on " + e.node + " (attempt " + e.attempt + ")", true);
            default:
                break;
        }
        if (e.notBeforeMillis > now) {
            return new Explanation(e.key, s, "backoff", "retry not before " + e.notBeforeMillis
                    + " after attempt " + e.attempt + ": " + e.failure, true);
        }
        if (e.app.deadDep != null) {
            return new Explanation(e.key, s, "dependency", "dependency '" + e.app.deadDep + "' failed", true);
        }
        if (e.app.unmet > 0) {
            List<String> waiting = new ArrayList<>();
            for (String dep : e.app.spec.dependsOn()) {
                AppRecord d = book.apps.get(dep);
                if (d != null && d.total > 0 && d.running == 0) {
                    waiting.add(dep + (d.attention > 0 ? " (needs attention)" : d.unready > 0 ? " (not ready yet)" : ""));
                }
            }
            return new Explanation(e.key, s, "dependency", "waiting for " + String.join(", ", waiting)
                    + " to be ready", true);
        }
        if (e.app.spec.tier() != Tier.PLATFORM && book.gate.closed()) {
            return new Explanation(e.key, s, "platform-gate", book.gate.platformNotUp + " platform instances not up yet", true);
        }
        if (e.where == Instance.HOME) {
            return new Explanation(e.key, s, "restart-in-place", "reserved for its stopped container on "
                    + e.homeHost.nodeId + " (" + e.homeHost.freeCredit() + " free credits)", true);
        }
        if (hosts.openHosts.isEmpty()) {
            return new Explanation(e.key, s, "no-credit", "no host has a free start slot", true);
        }
        boolean fits = false;
        for (Host h : hosts.openHosts) {
            if (h.freeMemoryMb() >= e.app.spec.memoryMb()) {
                fits = true;
                break;
            }
        }
        if (!fits) {
            return new Explanation(e.key, s, "memory", "no host with a free slot has " + e.app.spec.memoryMb()
                    + " MiB free", true);
        }
        if (hosts.pullsOutstanding >= settings.maxPullsInFlight()) {
            boolean held = false;
            for (Host h : hosts.openHosts) {
                if (h.report.images().contains(e.app.spec.image())) {
                    held = true;
                    break;
                }
            }
            if (!held) {
                return new Explanation(e.key, s, "pull-budget", hosts.pullsOutstanding + " pulls in flight (cap "
                        + settings.maxPullsInFlight() + ") and no host with a free slot has its image", true);
            }
        }
        return new Explanation(e.key, s, "queued", "behind more important work or outside the scoring window", true);
    }
}
