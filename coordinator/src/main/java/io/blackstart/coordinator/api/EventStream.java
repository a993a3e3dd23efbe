package io.blackstart.coordinator.api;

import io.blackstart.coordinator.status.EventBatch;
import io.blackstart.coordinator.status.StatusBoard;
import io.blackstart.coordinator.status.StatusSnapshot;
import io.blackstart.coordinator.tracker.TrackerSettings;
import io.blackstart.scheduler.event.LedgerEvent;

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
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The live events of {@code GET /api/v1/events} on this coordinator node, from the recovery manager's event log as
 * it reaches the {@link StatusBoard}: one {@code state} event per instance transition, {@code mode} per mode
 * change, {@code host} per host joined or lost (see {@link EventJson}), and a {@code progress} event (the
 * dashboard's whole picture but the hosts) per snapshot, and a {@code hosts} event with the hosts that changed
 * since the last one ({@link HostsPicture}; a new client first gets them all). One producer (the board's listeners, on the replica's thread, offering
 * without blocking) feeds a broadcast hub; every client gets its own drop-oldest buffer of {@link #CLIENT_BUFFER}
 * items, so a slow browser loses old events instead of slowing the others — and then gets a {@code resync} and a
 * fresh {@code progress} instead of a silent gap ({@link ResyncGate}). A new client first gets the latest progress
 * event; the events made while its live stream attached come from the node's last {@link #RECENT_EVENTS}
 * ({@link RecentEvents}), not as a resync. Idle streams carry a heartbeat every {@link #HEARTBEAT} (so a client that went away is noticed by the write
 * that fails, and the server's idle-timeout never cuts a live stream). At most {@code maxClients} streams are open
 * at once ({@link #open()}); a slot is freed when its stream ends, however it ends.
 */
public final class EventStream {

    /** Items the producer's queue holds while the hub is busy; an item it cannot take shows as a gap. */
    static final int HUB_QUEUE = 4096;
    /** Items the hub holds for its slowest client (the clients' own buffers always take them). */
    static final int HUB_BUFFER = 256;
    /** Items one client's buffer holds; beyond it the oldest go, and the client resyncs. */
    static final int CLIENT_BUFFER = 512;
    /** Log events kept to fill a new client's attach gap (see {@link RecentEvents}). */
    static final int RECENT_EVENTS = 4096;
    /** Heartbeat on an idle stream. */
    static final Duration HEARTBEAT = Duration.ofSeconds(15);

    /** What goes through the hub: a log or progress item, or a change of the host picture. */
    sealed interface StreamItem permits ResyncGate.Item, HostsGate.Item {
    }

    /** One client's gates; its first item comes with the whole host picture. */
    private record Gates(ResyncGate log, HostsGate hosts) {
        List<ServerSentEvent> pass(StreamItem item) {
            if (item instanceof HostsGate.Item h) {
                return hosts.pass(h);
            }
            List<ServerSentEvent> out = log.pass((ResyncGate.Item) item);
            if (hosts.started()) {
                return out;
            }
            List<ServerSentEvent> withHosts = new ArrayList<>(out);
            withHosts.add(hosts.first());
            return withHosts;
        }
    }

    /** The last log event this node received: the mark progress items carry. */
    private record Mark(String incarnation, long seq) {
    }

    private final StatusBoard board;
    private final BoundedSourceQueue<StreamItem> queue;
    private final RecentEvents recent = new RecentEvents(RECENT_EVENTS);
    private final Source<StreamItem, NotUsed> hub;
    private final int maxClients;
    private final AtomicInteger clients = new AtomicInteger();
    private volatile Mark mark = new Mark(null, 0); // written by the board's listeners only (the replica's thread)
    private volatile HostsPicture hosts = HostsPicture.EMPTY; // likewise

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
        Pair<BoundedSourceQueue<StreamItem>, Source<StreamItem, NotUsed>> p =
                Source.<StreamItem>queue(HUB_QUEUE)
                        .toMat(BroadcastHub.of(StreamItem.class, HUB_BUFFER), Keep.both())
                        .run(system);
        this.queue = p.first();
        this.hub = p.second();
        hub.runWith(Sink.ignore(), system); // keeps the hub flowing while no client listens
        board.subscribeEvents(this::onEvents);
        board.subscribe(this::onSnapshot);
    }

    private void onEvents(EventBatch b) {
        List<LedgerEvent> events = b.events();
        for (int i = 0; i < events.size(); i++) {
            LedgerEvent e = events.get(i);
            long seq = b.firstSeq() + i;
            ResyncGate.Item item = new ResyncGate.Item(b.incarnation(), seq, false,
                    ServerSentEvent.create(EventJson.of(e, seq).toString(), EventJson.type(e)));
            recent.add(item);
            queue.offer(item);
        }
        mark = new Mark(b.incarnation(), b.lastSeq());
    }

    private void onSnapshot(StatusSnapshot s) {
        Mark m = mark;
        queue.offer(new ResyncGate.Item(m.incarnation(), m.seq(), true, progress(s)));
        HostsPicture told = hosts;
        HostsPicture.Next next = told.next(s);
        if (next.delta().isPresent()) {
            hosts = next.picture(); // before the change is offered: a client that misses it gets this picture
            queue.offer(new HostsGate.Item(told.version(), next.picture().version(),
                    HostsGate.event(next.delta().get().toString())));
        }
    }

    private static ServerSentEvent progress(StatusSnapshot s) {
        return ServerSentEvent.create(ProgressJson.progress(s, System.currentTimeMillis()).toString(), "progress");
    }

    /** The progress event of the latest snapshot; an empty picture's stand-in (a heartbeat) before the first. */
    private ServerSentEvent freshProgress() {
        return board.latest().map(EventStream::progress).orElseGet(ServerSentEvent::heartbeat);
    }

    /**
     * The events for one more client, if fewer than {@code maxClients} streams are open: its slot is taken now and
     * given back when the stream ends (the client went away, or the server stopped). Empty when full.
     */
    public Optional<Source<ServerSentEvent, NotUsed>> open() {
        if (clients.incrementAndGet() > maxClients) {
            clients.decrementAndGet();
            return Optional.empty();
        }
        return Optional.of(source().watchTermination((notUsed, done) -> {
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

    /**
     * The events for one client: the latest progress and the whole host picture first, then live events (no slot:
     * see {@link #open()}).
     */
    public Source<ServerSentEvent, NotUsed> source() {
        Mark m = mark;
        Source<StreamItem, NotUsed> first = board.latest()
                .map(s -> Source.<StreamItem>single(new ResyncGate.Item(m.incarnation(), m.seq(), true, progress(s))))
                .orElseGet(() -> Source.single(new ResyncGate.Item(m.incarnation(), m.seq(), true,
                        ServerSentEvent.heartbeat())));
        return first.concat(hub.buffer(CLIENT_BUFFER, OverflowStrategy.dropHead()))
                .statefulMap(() -> new Gates(new ResyncGate(this::freshProgress, recent), new HostsGate(() -> hosts)),
                        (gates, item) -> Pair.create(gates, gates.pass(item)), gates -> Optional.empty())
                .mapConcat(events -> events)
                .keepAlive(HEARTBEAT, ServerSentEvent::heartbeat);
    }
}
