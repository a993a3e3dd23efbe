package io.blackstart.coordinator.api;

import io.blackstart.coordinator.status.StatusSnapshot;
import io.blackstart.coordinator.tracker.MissingHost;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.Collections;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * What the dashboard's clients have been told of the hosts, numbered by {@link #version()}: every reporting host
 * as its agent last reported it, and every host not reporting ({@code lost}, {@code never-returned}). The next
 * picture is made from each status snapshot ({@link #next}) and differs from this one only in the hosts whose shown
 * figures changed — so {@code GET /api/v1/events} sends host changes only, not 2,000 hosts twice a second. A
 * host's report time is not a shown figure (agents report every few seconds even when nothing changes): a host
 * is shown {@code silentSince} its last report once it has not reported for {@link #SILENT_MILLIS}, until it
 * reports again or is lost. Immutable; pure.
 *
 * <p>The {@code hosts} event's data: {@code version}, {@code full} (true: {@code hosts} is every host, replacing
 * what the client has; false: {@code base} is the version it applies to, {@code hosts} the hosts that changed or
 * are new, {@code gone} the node ids no longer listed), and the counts {@code reporting}, {@code lost},
 * {@code neverReturned}. A host: {@code nodeId, state} ({@code reporting}, {@code lost} or {@code never-returned}),
 * for a missing host {@code since}, for a reporting one {@code credits, startsInFlight, maxCredits, granted,
 * outstanding, memoryAvailableMb, cpuPressure} (two decimals){@code , containers, runningContainers, gcHeld,
 * penalisedUntilMillis, peakOutstanding, peakStartsInFlight} and, for a silent one, {@code silentSince}.
 */
final class HostsPicture {

    /** A reporting host that has not reported for this long (three agent heartbeats) is shown silent. */
    static final long SILENT_MILLIS = 15_000;
    static final String REPORTING = "reporting";

    /** No host yet. */
    static final HostsPicture EMPTY = new HostsPicture(0, Collections.emptyMap(), 0, 0, 0);

    /** The picture after a snapshot, and the {@code hosts} event that takes a client from the last one to it. */
    record Next(HostsPicture picture, Optional<ObjectNode> delta) {
    }

    private final long version;
    private final Map<String, ObjectNode> hosts;
    private final int reporting;
    private final int lost;
    private final int neverReturned;

    private HostsPicture(long version, Map<String, ObjectNode> hosts, int reporting, int lost, int neverReturned) {
        this.version = version;
        this.hosts = hosts;
        this.reporting = reporting;
        this.lost = lost;
        this.neverReturned = neverReturned;
    }

    long version() {
        return version;
    }

    int size() {
        return hosts.size();
    }

    /** The picture of {@code s}: this one where nothing shown changed, with the next version if anything did. */
    Next next(StatusSnapshot s) {
        Map<String, ObjectNode> now = new TreeMap<>();
        int reportingNow = 0;
        int lostNow = 0;
        int neverNow = 0;
        for (StatusSnapshot.HostStatus h : s.hosts()) {
            now.put(h.nodeId(), shown(h, s.generatedAt()));
            reportingNow++;
        }
        if (s.tracking() != null) {
            for (MissingHost m : s.tracking().missingHosts()) {
                if (now.containsKey(m.nodeId())) {
                    continue; // reporting again: the agent's word wins over the tracker's
                }
                now.put(m.nodeId(), missing(m));
                if (MissingHost.LOST.equals(m.state())) {
                    lostNow++;
                } else {
                    neverNow++;
                }
            }
        }
        ArrayNode changed = ProgressJson.JSON.createArrayNode();
        for (Map.Entry<String, ObjectNode> e : now.entrySet()) {
            ObjectNode told = hosts.get(e.getKey());
            if (!e.getValue().equals(told)) {
                changed.add(e.getValue());
            }
        }
        ArrayNode gone = ProgressJson.JSON.createArrayNode();
        hosts.keySet().stream().filter(id -> !now.containsKey(id)).forEach(gone::add);
        if (changed.isEmpty() && gone.isEmpty()) { // the counts follow from the hosts: unchanged too
            return new Next(this, Optional.empty());
        }
        HostsPicture next = new HostsPicture(version + 1, Collections.unmodifiableMap(now), reportingNow, lostNow,
                neverNow);
        ObjectNode delta = next.counts(ProgressJson.JSON.createObjectNode().put("version", next.version)
                .put("full", false).put("base", version));
        delta.set("hosts", changed);
        delta.set("gone", gone);
        return new Next(next, Optional.of(delta));
    }

    /** The {@code hosts} event that gives a client this whole picture. */
    ObjectNode full() {
        ObjectNode n = counts(ProgressJson.JSON.createObjectNode().put("version", version).put("full", true));
        ArrayNode list = n.putArray("hosts");
        hosts.values().forEach(list::add);
        n.putArray("gone");
        return n;
    }

    /** A host not reporting: {@code nodeId, state, since} (also in {@code GET /api/v1/nodes}). */
    static ObjectNode missing(MissingHost m) {
        return ProgressJson.JSON.createObjectNode().put("nodeId", m.nodeId()).put("state", m.state())
                .put("since", m.sinceMillis());
    }

    private ObjectNode counts(ObjectNode n) {
        return n.put("reporting", reporting).put("lost", lost).put("neverReturned", neverReturned);
    }

    private static ObjectNode shown(StatusSnapshot.HostStatus h, long now) {
        ObjectNode n = ProgressJson.JSON.createObjectNode().put("nodeId", h.nodeId()).put("state", REPORTING)
                .put("credits", h.credits()).put("startsInFlight", h.startsInFlight())
                .put("maxCredits", h.maxCredits()).put("granted", h.granted()).put("outstanding", h.outstanding())
                .put("memoryAvailableMb", h.memoryAvailableMb())
                .put("cpuPressure", Math.round(h.cpuPressure() * 100) / 100.0)
                .put("containers", h.containers()).put("runningContainers", h.runningContainers())
                .put("gcHeld", h.gcHeld()).put("penalisedUntilMillis", h.penalisedUntilMillis())
                .put("peakOutstanding", h.peakOutstanding()).put("peakStartsInFlight", h.peakStartsInFlight());
        if (h.lastReportMillis() > 0 && now - h.lastReportMillis() >= SILENT_MILLIS) {
            n.put("silentSince", h.lastReportMillis());
        }
        return n;
    }
}
