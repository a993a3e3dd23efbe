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
 * The latest {@link StatusSnapshot} on this coordinator node, readable from any thread (the HTTP API).
 * {@link #replica(StatusBoard)} is the actor that fills it: it registers under {@link #SERVICE_KEY}, and the
 * recovery manager singleton sends every snapshot to all registered replicas. The replica only stores what it
 * receives; it never asks anything.
 */
public final class StatusBoard {

    /** Receptionist key of the per-node replicas. */
    public static final ServiceKey<StatusSnapshot> SERVICE_KEY =
            ServiceKey.create(StatusSnapshot.class, "blackstart-status-replica");

    private final AtomicReference<StatusSnapshot> latest = new AtomicReference<>();
    private final List<Consumer<StatusSnapshot>> listeners = new CopyOnWriteArrayList<>();

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

    /** The replica actor of this board. */
    public static Behavior<StatusSnapshot> replica(StatusBoard board) {
        return Behaviors.setup(ctx -> {
            ctx.getSystem().receptionist().tell(Receptionist.register(SERVICE_KEY, ctx.getSelf()));
            return Behaviors.receiveMessage(s -> {
                board.set(s);
                return Behaviors.same();
            });
        });
    }
}
