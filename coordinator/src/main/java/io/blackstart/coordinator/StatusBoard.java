package io.blackstart.coordinator;

import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.receptionist.Receptionist;
import org.apache.pekko.actor.typed.receptionist.ServiceKey;

import java.util.Optional;
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

    /** The latest snapshot, empty until the recovery manager published one. */
    public Optional<StatusSnapshot> latest() {
        return Optional.ofNullable(latest.get());
    }

    void set(StatusSnapshot snapshot) {
        latest.set(snapshot);
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
