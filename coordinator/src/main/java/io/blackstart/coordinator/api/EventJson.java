package io.blackstart.coordinator.api;

import io.blackstart.scheduler.InstanceState;
import io.blackstart.scheduler.event.HostJoined;
import io.blackstart.scheduler.event.HostLost;
import io.blackstart.scheduler.event.InstanceTransition;
import io.blackstart.scheduler.event.LedgerEvent;
import io.blackstart.scheduler.event.ModeChanged;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The JSON of the log events on {@code GET /api/v1/events}; every one carries the {@code seq} the recovery
 * manager's event log gave it. Pure.
 *
 * <ul>
 * <li>{@code state} (an {@link InstanceTransition}): {@code instanceId, appId, tier, from, to, nodeId, failure,
 *     reason, at, seq}; {@code from} is null for a newly desired instance, {@code to} null for one no longer
 *     desired; {@code failure} is the reason when it went to {@code failed} or {@code needs-attention}, else null.
 * <li>{@code mode} (a {@link ModeChanged}): {@code mode, by, since, at, seq}.
 * <li>{@code host} ({@link HostJoined} / {@link HostLost}): {@code nodeId, event} ({@code joined} or {@code lost}),
 *     {@code at, seq}.
 * </ul>
 */
public final class EventJson {

    private EventJson() {
    }

    /** The SSE event type of {@code e}: {@code state}, {@code mode} or {@code host}. */
    static String type(LedgerEvent e) {
        if (e instanceof InstanceTransition) {
            return "state";
        }
        return e instanceof ModeChanged ? "mode" : "host";
    }

    /** The data of {@code e}, numbered {@code seq}. */
    static ObjectNode of(LedgerEvent e, long seq) {
        ObjectNode n = ProgressJson.JSON.createObjectNode();
        if (e instanceof InstanceTransition t) {
            n.put("instanceId", t.instanceId()).put("appId", t.appId())
                    .put("tier", t.tier() == null ? null : t.tier().wireName())
                    .put("from", name(t.from())).put("to", name(t.to())).put("nodeId", t.nodeId())
                    .put("failure", t.to() == InstanceState.FAILED || t.to() == InstanceState.NEEDS_ATTENTION
                            ? t.reason() : null)
                    .put("reason", t.reason());
        } else if (e instanceof ModeChanged m) {
            n.put("mode", m.mode()).put("by", m.by()).put("since", m.at());
        } else if (e instanceof HostJoined h) {
            n.put("nodeId", h.nodeId()).put("event", "joined");
        } else if (e instanceof HostLost h) {
            n.put("nodeId", h.nodeId()).put("event", "lost");
        }
        return n.put("at", e.at()).put("seq", seq);
    }

    /**
     * The data of a {@code resync} event: the client missed the events {@code fromSeq..toSeq} (inclusive; none
     * when {@code toSeq < fromSeq}) of {@code incarnation}; with {@code previousIncarnation} set, the recovery
     * manager changed (a failover) and the events after {@code previousSeq} of the previous one may be lost too.
     */
    static ObjectNode resync(String incarnation, long fromSeq, long toSeq, String previousIncarnation,
                             long previousSeq) {
        ObjectNode n = ProgressJson.JSON.createObjectNode().put("incarnation", incarnation).put("fromSeq", fromSeq)
                .put("toSeq", toSeq);
        if (previousIncarnation != null) {
            n.put("previousIncarnation", previousIncarnation).put("previousSeq", previousSeq);
        }
        return n;
    }

    private static String name(InstanceState s) {
        return s == null ? null : s.wireName();
    }
}
