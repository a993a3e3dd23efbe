package io.blackstart.coordinator.status;

import io.blackstart.scheduler.event.HostJoined;
import io.blackstart.scheduler.event.HostLost;
import io.blackstart.scheduler.event.InstanceTransition;
import io.blackstart.scheduler.event.LedgerEvent;
import io.blackstart.scheduler.event.ModeChanged;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;

import java.util.List;

/**
 * Consecutive entries of one recovery manager incarnation's event log, on their way to every node's
 * {@link StatusBoard}: the {@code i}-th event has sequence number {@code firstSeq + i}. A receiver that sees a
 * batch not starting right after the last one it passed on (or of another incarnation) knows it missed events.
 * At most {@link #MAX_EVENTS} events, so a batch stays far below Artery's frame (a transition's reason is capped
 * by the log, see {@code EventLog}).
 *
 * @param incarnation the recovery manager incarnation that numbered the events (a new one starts at 1 again)
 * @param firstSeq    sequence number of the first event, &gt;= 1
 * @param events      1 to {@link #MAX_EVENTS} events, in the order they happened
 */
public record EventBatch(
        String incarnation,
        long firstSeq,
        @JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
        @JsonSubTypes({
                @JsonSubTypes.Type(value = InstanceTransition.class, name = "transition"),
                @JsonSubTypes.Type(value = HostJoined.class, name = "host-joined"),
                @JsonSubTypes.Type(value = HostLost.class, name = "host-lost"),
                @JsonSubTypes.Type(value = ModeChanged.class, name = "mode")})
        List<LedgerEvent> events) implements BoardUpdate {

    /** Most events in one batch. */
    public static final int MAX_EVENTS = 128;

    public EventBatch {
        events = List.copyOf(events);
        if (events.isEmpty() || events.size() > MAX_EVENTS) {
            throw new IllegalArgumentException("a batch holds 1 to " + MAX_EVENTS + " events, got " + events.size());
        }
        if (firstSeq < 1) {
            throw new IllegalArgumentException("firstSeq must be >= 1, got " + firstSeq);
        }
    }

    /** Sequence number of the last event. */
    public long lastSeq() {
        return firstSeq + events.size() - 1;
    }
}
