package io.blackstart.coordinator.api;

import io.blackstart.coordinator.status.StatusBoard;
import io.blackstart.coordinator.status.StatusSnapshot;
import io.blackstart.coordinator.tracker.TrackerSettings;

import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.http.javadsl.model.sse.ServerSentEvent;
import org.apache.pekko.japi.Pair;
import org.apache.pekko.stream.BoundedSourceQueue;
import org.apache.pekko.stream.OverflowStrategy;
import org.apache.pekko.stream.javadsl.BroadcastHub;
import org.apache.pekko.stream.javadsl.Keep;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;

import java.time.Duration;

/**
 * The live events of {@code GET /api/v1/events} on this coordinator node: every snapshot the {@link StatusBoard}
 * receives becomes a {@code progress} event (the dashboard's whole picture), preceded by one {@code state} event
 * per instance whose state changed since the previous snapshot and a {@code mode} event when the mode changed.
 * One producer (the board's listener, offering without blocking) feeds a broadcast hub; every client gets its own
 * drop-oldest buffer, so a slow browser loses old events instead of slowing the others. A new client first gets
 * the latest progress event. Idle streams carry a heartbeat every 15 s (so a client that went away is noticed by
 * the write that fails, and the server's idle-timeout never cuts a live stream). At most {@code maxClients} streams
 * are open at once ({@link #open()}); a slot is freed when its stream ends, however it ends.
 */
public final class EventStream {

    /** Most state events per snapshot; beyond it one {@code state-overflow} event gives the count. */
    static final int STATE_EVENTS_PER_SNAPSHOT = 200;

    private final StatusBoard board;
    private final BoundedSourceQueue<ServerSentEvent> queue;
    private final Source<ServerSentEvent, NotUsed> hub;
    private final int maxClients;
    private final java.util.concurrent.atomic.AtomicInteger clients = new java.util.concurrent.atomic.AtomicInteger();
    private StatusSnapshot previous; // only touched by the board's listener (the replica actor's thread)

    /** Subscribes to {@code board}, at most 256 clients; the stream lives as long as {@code system}. */
    public EventStream(StatusBoard board, ActorSystem<?> system) {
        this(board, system, TrackerSettings.DEFAULT.maxSseClients());
    }

    /** Subscribes to {@code board}, at most {@code maxClients} open streams; the stream lives as long as {@code system}. */
    public EventStream(StatusBoard board, ActorSystem<?> system, int maxClients) {
        if (maxClients < 1) {
            throw new IllegalArgumentException("maxClients must be >= 1, got " + maxClients);
        }
        this.maxClients = maxClients;
        this.board = board;
        Pair<BoundedSourceQueue<ServerSentEvent>, Source<ServerSentEvent, NotUsed>> p =
                Source.<ServerSentEvent>queue(1024)
                        .toMat(BroadcastHub.of(ServerSentEvent.class, 256), Keep.both())
                        .run(system);
        this.queue = p.first();
        this.hub = p.second();
        hub.runWith(Sink.ignore(), system); // keeps the hub flowing while no client listens
        board.subscribe(this::onSnapshot);
    }

    private void onSnapshot(StatusSnapshot s) {
        SnapshotDiff.Changes c = SnapshotDiff.between(previous, s, STATE_EVENTS_PER_SNAPSHOT);
        previous = s;
        if (c.mode() != null) {
            queue.offer(event("mode", ProgressJson.JSON.valueToTree(c.mode())));
        }
        for (SnapshotDiff.StateChange sc : c.states()) {
            queue.offer(event("state", ProgressJson.JSON.valueToTree(sc)));
        }
        if (c.omitted() > 0) {
            queue.offer(event("state-overflow", ProgressJson.JSON.createObjectNode().put("omitted", c.omitted())));
        }
        queue.offer(progress(s));
    }

    private static ServerSentEvent progress(StatusSnapshot s) {
        return event("progress", ProgressJson.progress(s, System.currentTimeMillis()));
    }

    private static ServerSentEvent event(String type, com.fasterxml.jackson.databind.JsonNode data) {
        return ServerSentEvent.create(data.toString(), type);
    }

    /**
     * The events for one more client, if fewer than {@code maxClients} streams are open: its slot is taken now and
     * given back when the stream ends (the client went away, or the server stopped). Empty when full.
     */
    public java.util.Optional<Source<ServerSentEvent, NotUsed>> open() {
        if (clients.incrementAndGet() > maxClients) {
            clients.decrementAndGet();
            return java.util.Optional.empty();
        }
        return java.util.Optional.of(source().watchTermination((notUsed, done) -> {
            done.whenComplete((d, t) -> clients.decrementAndGet());
            return notUsed;
        }));
    }

    /** The event streams open now. */
    public int clients() {
        return clients.get();
    }

    /** The most event streams open at once. */
    public int maxClients() {
        return maxClients;
    }

    /** The events for one client: the latest progress first, then live events (no slot: see {@link #open()}). */
    public Source<ServerSentEvent, NotUsed> source() {
        Source<ServerSentEvent, NotUsed> first = board.latest().map(s -> Source.single(progress(s)))
                .orElseGet(Source::empty);
        return first.concat(hub.buffer(512, OverflowStrategy.dropHead()))
                .keepAlive(Duration.ofSeconds(15), ServerSentEvent::heartbeat);
    }
}
