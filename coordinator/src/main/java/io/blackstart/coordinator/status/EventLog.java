package io.blackstart.coordinator.status;

import io.blackstart.scheduler.event.InstanceTransition;
import io.blackstart.scheduler.event.LedgerEvent;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * The recovery's event log, kept by the {@link StatusPublisher}: numbers every {@link LedgerEvent} of one recovery
 * manager incarnation (1, 2, 3, ...) and holds
 * those not yet sent until {@link #drain()} cuts them into {@link EventBatch}es of at most
 * {@link EventBatch#MAX_EVENTS}. Bounded: at most {@code maxPending} events wait; beyond that the oldest are
 * dropped — their numbers stay taken, so every receiver sees the gap (and its clients get a resync), never a
 * silent loss. A transition's reason is cut to {@link #MAX_REASON_CHARS}, so a batch's size is bounded too.
 * Single-threaded (the publisher's); keeps nothing once drained.
 */
public final class EventLog {

    /** Most events waiting to be sent (a catalog of 100,000 new instances is more: the receivers resync). */
    public static final int DEFAULT_MAX_PENDING = 16_384;
    /** Longest reason a transition carries on the wire. */
    public static final int MAX_REASON_CHARS = 256;

    private final String incarnation;
    private final int maxPending;
    private final ArrayDeque<LedgerEvent> pending = new ArrayDeque<>();
    private long lastSeq;
    private long dropped;

    public EventLog(String incarnation) {
        this(incarnation, DEFAULT_MAX_PENDING);
    }

    /** @param maxPending at least 1 */
    public EventLog(String incarnation, int maxPending) {
        if (maxPending < 1) {
            throw new IllegalArgumentException("maxPending must be >= 1, got " + maxPending);
        }
        this.incarnation = incarnation;
        this.maxPending = maxPending;
    }

    /** Appends {@code event} with the next sequence number. */
    public void append(LedgerEvent event) {
        lastSeq++;
        pending.addLast(capped(event));
        if (pending.size() > maxPending) {
            pending.removeFirst();
            dropped++;
        }
    }

    /** True if events wait to be sent. */
    public boolean hasPending() {
        return !pending.isEmpty();
    }

    /** The waiting events as batches, oldest first, and forgets them; empty if none wait. */
    public List<EventBatch> drain() {
        if (pending.isEmpty()) {
            return List.of();
        }
        List<EventBatch> out = new ArrayList<>(pending.size() / EventBatch.MAX_EVENTS + 1);
        long seq = lastSeq - pending.size() + 1;
        List<LedgerEvent> chunk = new ArrayList<>(Math.min(pending.size(), EventBatch.MAX_EVENTS));
        while (!pending.isEmpty()) {
            chunk.add(pending.removeFirst());
            if (chunk.size() == EventBatch.MAX_EVENTS || pending.isEmpty()) {
                out.add(new EventBatch(incarnation, seq, chunk));
                seq += chunk.size();
                chunk = new ArrayList<>(Math.min(pending.size(), EventBatch.MAX_EVENTS));
            }
        }
        return out;
    }

    /** The sequence number of the last event appended, 0 before the first. */
    public long lastSeq() {
        return lastSeq;
    }

    /** Events dropped unsent because too many waited. */
    public long dropped() {
        return dropped;
    }

    /** This log's incarnation. */
    public String incarnation() {
        return incarnation;
    }

    private static LedgerEvent capped(LedgerEvent e) {
        if (e instanceof InstanceTransition t && t.reason() != null && t.reason().length() > MAX_REASON_CHARS) {
            return new InstanceTransition(t.instanceId(), t.appId(), t.tier(), t.from(), t.to(), t.nodeId(),
                    t.reason().substring(0, MAX_REASON_CHARS - 1) + "…", t.at());
        }
        return e;
    }
}
