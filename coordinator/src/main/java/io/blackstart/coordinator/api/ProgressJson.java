package io.blackstart.coordinator.api;

import io.blackstart.coordinator.status.StatusSnapshot;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.blackstart.coordinator.tracker.AppDowntime;
import io.blackstart.coordinator.tracker.AppUnready;
import io.blackstart.coordinator.tracker.CurvePoint;
import io.blackstart.coordinator.tracker.CustomerSummary;
import io.blackstart.coordinator.tracker.DowntimeReport;
import io.blackstart.coordinator.tracker.TimelineEvent;

import java.util.HashSet;
import java.util.Set;

/**
 * The tracker's JSON: the customer summary, the dashboard's progress event and the downtime report. Pure; read
 * from a {@link StatusSnapshot}.
 */
public final class ProgressJson {

    static final ObjectMapper JSON = new ObjectMapper();
    /** Most failed instances listed in a progress event. */
    static final int FAILED_LISTED = 100;

    private ProgressJson() {
    }

    /** The customer sentence for {@code s} at {@code now}. */
    public static String summary(StatusSnapshot s, long now) {
        Set<String> failedApps = new HashSet<>();
        for (StatusSnapshot.InstanceStatus i : s.instances()) {
            if ("failed".equals(i.state())) {
                failedApps.add(i.appId());
            }
        }
        return CustomerSummary.sentence(s.tracking().appsDesired(), s.tracking().appsRunning(), failedApps.size(),
                s.etaSeconds(), now);
    }

    /**
     * The dashboard's {@code progress} event: status, summary, failed instances, running curve (the hosts come in
     * {@code hosts} events: {@link HostsPicture}).
     */
    static ObjectNode progress(StatusSnapshot s, long now) {
        ObjectNode n = JSON.createObjectNode();
        n.set("status", HttpApi.statusJson(s));
        n.put("summary", summary(s, now));
        n.put("appsDesired", s.tracking().appsDesired());
        n.put("appsRunning", s.tracking().appsRunning());
        ArrayNode failed = n.putArray("failed");
        int listed = 0;
        for (StatusSnapshot.InstanceStatus i : s.instances()) {
            if ("failed".equals(i.state()) && listed++ < FAILED_LISTED) {
                failed.addObject().put("instanceId", i.instanceId()).put("appId", i.appId()).put("tier", i.tier())
                        .put("failure", i.failure() == null ? "" : i.failure());
            }
        }
        n.put("failedTotal", s.total().failed());
        ArrayNode attention = n.putArray("needsAttention");
        listed = 0;
        for (StatusSnapshot.InstanceStatus i : s.instances()) {
            if ("needs-attention".equals(i.state()) && listed++ < FAILED_LISTED) {
                attention.addObject().put("instanceId", i.instanceId()).put("appId", i.appId()).put("tier", i.tier())
                        .put("nodeId", i.nodeId() == null ? "" : i.nodeId())
                        .put("detail", i.failure() == null ? "" : i.failure());
            }
        }
        n.put("needsAttentionTotal", s.total().needsAttention());
        ArrayNode curve = n.putArray("curve");
        for (CurvePoint p : s.tracking().curve()) {
            curve.addArray().add(p.at()).add(p.running());
        }
        return n;
    }

    /** {@code GET /api/v1/report} as JSON. */
    static ObjectNode report(DowntimeReport r, StatusSnapshot s) {
        ObjectNode n = JSON.createObjectNode();
        n.put("generatedAt", DowntimeReport.iso(r.generatedAt()));
        n.put("mode", s.mode());
        n.put("slaSeconds", r.slaSeconds());
        n.put("desired", s.total().desired());
        n.put("running", s.total().running());
        n.put("failed", s.total().failed());
        ArrayNode timeline = n.putArray("timeline");
        for (TimelineEvent e : r.timeline()) {
            timeline.addObject().put("at", DowntimeReport.iso(e.atMillis())).put("atMillis", e.atMillis())
                    .put("kind", e.kind()).put("subject", e.subject()).put("detail", e.detail());
        }
        ArrayNode apps = n.putArray("apps");
        for (AppDowntime a : r.apps()) {
            ObjectNode o = apps.addObject().put("appId", a.appId()).put("tier", a.tier())
                    .put("instances", a.instances());
            putTime(o, "downSince", a.downSinceMillis());
            putTime(o, "upAgain", a.upAgainMillis());
            o.put("downtimeSeconds", Math.round(a.downtimeMillis() / 100.0) / 10.0).put("downNow", a.down())
                    .put("periods", a.periods()).put("slaBreached", DowntimeReport.breaks(a, r.slaSeconds()));
        }
        ArrayNode breaches = n.putArray("slaBreaches");
        r.breaches().forEach(breaches::add);
        ArrayNode unready = n.putArray("unready");
        for (AppUnready u : r.unready()) {
            ObjectNode o = unready.addObject().put("appId", u.appId()).put("tier", u.tier()).put("spans", u.spans())
                    .put("unreadySeconds", Math.round(u.totalMillis() / 100.0) / 10.0)
                    .put("longestSeconds", Math.round(u.longestMillis() / 100.0) / 10.0)
                    .put("unreadyNow", u.unreadyNow()).put("needsAttention", u.needsAttention());
            if (u.lastDetail() == null) {
                o.putNull("lastProbeOutput");
            } else {
                o.put("lastProbeOutput", u.lastDetail());
            }
        }
        return n;
    }

    private static void putTime(ObjectNode o, String field, long millis) {
        if (millis > 0) {
            o.put(field, DowntimeReport.iso(millis));
        } else {
            o.putNull(field);
        }
    }
}
