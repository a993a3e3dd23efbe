package io.blackstart.coordinator.status;

import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.receptionist.Receptionist;
import org.apache.pekko.actor.typed.receptionist.ServiceKey;

import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The latest {@link StatusSnapshot} on this coordinator node, readable from any thread (the HTTP API), and the
 * recovery's event log as it arrives ({@link EventBatch}es, passed on to listeners, not kept).
 * {@link #replica(StatusBoard)} is the actor that fills it: it registers under {@link #SERVICE_KEY}, and the
 * recovery manager singleton sends every snapshot and every event batch to all registered replicas, in the order
 * it made them. The replica only passes on what it receives; it never asks anything.
 */
public final class StatusBoard {

    /** Receptionist key of the per-node replicas. */
    public static final ServiceKey<BoardUpdate> SERVICE_KEY =
            ServiceKey.create(BoardUpdate.class, "blackstart-status-replica");

    private final AtomicReference<StatusSnapshot> latest = new AtomicReference<>();
    private final List<Consumer<StatusSnapshot>> listeners = new CopyOnWriteArrayList<>();
    private final List<Consumer<EventBatch>> eventListeners = new CopyOnWriteArrayList<>();

    /** The latest snapshot, empty until the recovery manager published one. */
    public Optional<StatusSnapshot> latest() {
        return Optional.ofNullable(latest.get());
    }

    public void set(StatusSnapshot snapshot) {
        latest.set(snapshot);
        for (Consumer<StatusSnapshot> l : listeners) {
            try {
                l.accept(snapshot);
            } catch (RuntimeException e) {
                // a listener's bug must not stop the replica (the HTTP API reads what it stores)
                LoggerFactory.getLogger(StatusBoard.class).error("status listener failed", e);
            }
        }
    }

    /** Passes {@code batch} to every event listener. */
    public void events(EventBatch batch) {
        for (Consumer<EventBatch> l : eventListeners) {
            try {
                l.accept(batch);
            } catch (RuntimeException e) {
                LoggerFactory.getLogger(StatusBoard.class).error("event listener failed", e);
            }
        }
    }

    /**
     * Calls {@code listener} with every snapshot stored from now on, on the replica's thread: it must be quick and
     * never block (the event stream, the metrics and the MBeans use it).
     */
    public void subscribe(Consumer<StatusSnapshot> listener) {
        listeners.add(listener);
    }

    /** Stops calling {@code listener}. */
    public void unsubscribe(Consumer<StatusSnapshot> listener) {
        listeners.remove(listener);
    }

    /**
     * Calls {@code listener} with every event batch received from now on, on the replica's thread (so in order with
     * the snapshots): it must be quick and never block.
     */
    public void subscribeEvents(Consumer<EventBatch> listener) {
        eventListeners.add(listener);
    }

    /** The replica actor of this board. */
    public static Behavior<BoardUpdate> replica(StatusBoard board) {
        return Behaviors.setup(ctx -> {
            ctx.getSystem().receptionist().tell(Receptionist.register(SERVICE_KEY, ctx.getSelf()));
            return Behaviors.receiveMessage(u -> {
                if (u instanceof StatusSnapshot s) {
                    board.set(s);
                } else if (u instanceof EventBatch b) {
                    board.events(b);
                }
                return Behaviors.same();
            });
        });
    }
}
