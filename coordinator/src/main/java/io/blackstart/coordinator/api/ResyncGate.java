package io.blackstart.coordinator.api;

import org.apache.pekko.http.javadsl.model.sse.ServerSentEvent;

import java.util.List;
import java.util.Objects;
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
    record Item(String incarnation, long seq, boolean progress, ServerSentEvent sse) {
    }

    private final Supplier<ServerSentEvent> freshProgress;
    private boolean started;
    private String incarnation;
    private long seq;

    /** @param freshProgress the progress event of the latest snapshot (sent after a resync) */
    ResyncGate(Supplier<ServerSentEvent> freshProgress) {
        this.freshProgress = freshProgress;
    }

    /** What the client gets for {@code item}: the item, or a resync and a fresh progress first, or nothing. */
    List<ServerSentEvent> pass(Item item) {
        if (!started) {
            started = true;
            incarnation = item.incarnation();
            seq = item.seq();
            return List.of(item.sse());
        }
        boolean same = Objects.equals(incarnation, item.incarnation());
        boolean first = incarnation == null && item.seq() <= 1; // nothing numbered before: nothing missed
        if (item.progress()) {
            if (item.incarnation() == null || (same && item.seq() <= seq)) {
                return List.of(item.sse());
            }
            ServerSentEvent resync = resync(item, item.seq());
            return List.of(resync, item.sse()); // the progress is the fresh picture
        }
        if ((same && item.seq() == seq + 1) || first) {
            incarnation = item.incarnation();
            seq = item.seq();
            return List.of(item.sse());
        }
        if (same && item.seq() <= seq) {
            return List.of(); // passed already
        }
        ServerSentEvent resync = resync(item, item.seq() - 1);
        return List.of(resync, freshProgress.get(), item.sse());
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
