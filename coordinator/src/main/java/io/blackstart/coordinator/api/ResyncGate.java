package io.blackstart.coordinator.api;

import org.apache.pekko.http.javadsl.model.sse.ServerSentEvent;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * One client's guard against silent gaps on {@code GET /api/v1/events}: it passes the stream's items on in order
 * and compares each log event's sequence number with the last one it passed. When events are missing — the
 * client's buffer dropped some (a slow client), the node's hub could not take them, or the recovery manager changed
 * (a singleton failover numbers from 1 again) — the client gets a {@code resync} event with the missed range,
 * then a fresh {@code progress} (the whole picture), then the event. A progress item carries the number of the last
 * event the node had when the snapshot came, so a gap is seen even when no event follows it. Single-threaded (one
 * client's stream stage); pure but for the fresh progress it is handed.
 */
final class ResyncGate {

    /**
     * One item of a node's stream: a log event numbered {@code seq} of {@code incarnation}, or a progress event
     * made when the last event the node had was {@code seq} of {@code incarnation} (null, 0: none yet).
     */
    record Item(String incarnation, long seq, boolean progress, ServerSentEvent sse)
            implements EventStream.StreamItem {
    }

    /** The node's recent log events: a client's first gap (its connect race) is filled from here. */
    interface Recent {
        /** The events {@code fromSeq..toSeq} of {@code incarnation}, all of them, or empty. */
        Optional<List<ServerSentEvent>> range(String incarnation, long fromSeq, long toSeq);

        /**
         * Every event of {@code incarnation} up to {@code toSeq} this node has had — for a client that connected
         * before the node had any (it missed none the node knows of) — or empty if some of them are gone.
         */
        default Optional<List<ServerSentEvent>> upTo(String incarnation, long toSeq) {
            return Optional.empty();
        }
    }

    private final Supplier<ServerSentEvent> freshProgress;
    private final Recent recent;
    private boolean started;
    /** A log event was passed: from then on a gap is the client's (too slow), never filled. */
    private boolean eventPassed;
    private String incarnation;
    private long seq;

    /** A gate that never fills a gap. @param freshProgress the progress event of the latest snapshot (sent after a resync) */
    ResyncGate(Supplier<ServerSentEvent> freshProgress) {
        this(freshProgress, (inc, from, to) -> Optional.empty());
    }

    /**
     * @param freshProgress the progress event of the latest snapshot (sent after a resync)
     * @param recent        where the events a new client missed while its stream attached are found: the live
     *                      stream attaches after the first progress is taken, and events made in between are filled
     *                      in rather than reported as a gap
     */
    ResyncGate(Supplier<ServerSentEvent> freshProgress, Recent recent) {
        this.freshProgress = freshProgress;
        this.recent = recent;
    }

    /** What the client gets for {@code item}: the item, or a resync and a fresh progress first, or nothing. */
    List<ServerSentEvent> pass(Item item) {
        if (!started) {
            started = true;
            incarnation = item.incarnation();
            seq = item.seq();
            eventPassed = !item.progress();
            return List.of(item.sse());
        }
        boolean same = Objects.equals(incarnation, item.incarnation());
        boolean first = incarnation == null && item.seq() <= 1; // nothing numbered before: nothing missed
        if (item.progress()) {
            if (item.incarnation() == null || (same && item.seq() <= seq)) {
                return List.of(item.sse());
            }
            Optional<List<ServerSentEvent>> missed = attachGap(item, item.seq());
            if (missed.isPresent()) {
                return append(missed.get(), item.sse());
            }
            ServerSentEvent resync = resync(item, item.seq());
            return List.of(resync, item.sse()); // the progress is the fresh picture
        }
        if ((same && item.seq() == seq + 1) || first) {
            incarnation = item.incarnation();
            seq = item.seq();
            eventPassed = true;
            return List.of(item.sse());
        }
        if (same && item.seq() <= seq) {
            return List.of(); // passed already
        }
        Optional<List<ServerSentEvent>> missed = attachGap(item, item.seq() - 1);
        if (missed.isPresent()) {
            return append(missed.get(), item.sse());
        }
        ServerSentEvent resync = resync(item, item.seq() - 1);
        return List.of(resync, freshProgress.get(), item.sse());
    }

    /**
     * Before the client's first log event, the events up to {@code toSeq} it missed while attaching, from the
     * node's recent ones (the mark moves to {@code item}); empty when it is not that case or they are gone.
     */
    private Optional<List<ServerSentEvent>> attachGap(Item item, long toSeq) {
        // the node had no event when the client connected: what it missed is everything the node has had since
        String inc = incarnation == null ? item.incarnation() : incarnation;
        if (eventPassed || inc == null || !inc.equals(item.incarnation())) {
            return Optional.empty();
        }
        Optional<List<ServerSentEvent>> missed = incarnation == null ? recent.upTo(inc, toSeq)
                : recent.range(inc, seq + 1, toSeq);
        if (missed.isPresent()) {
            incarnation = inc;
            seq = item.seq();
            eventPassed = true;
        }
        return missed;
    }

    private static List<ServerSentEvent> append(List<ServerSentEvent> first, ServerSentEvent last) {
        List<ServerSentEvent> out = new ArrayList<>(first.size() + 1);
        out.addAll(first);
        out.add(last);
        return out;
    }

    /** The resync for a jump to {@code item}, missing up to {@code toSeq}; moves the mark to {@code item}. */
    private ServerSentEvent resync(ResyncGate.Item item, long toSeq) {
        boolean same = Objects.equals(incarnation, item.incarnation());
        ServerSentEvent e = ServerSentEvent.create(EventJson.resync(item.incarnation(), same ? seq + 1 : 1, toSeq,
                same ? null : incarnation, same ? 0 : seq).toString(), "resync");
        incarnation = item.incarnation();
        seq = item.seq();
        return e;
    }
}
