package io.blackstart.coordinator.status;

import io.blackstart.scheduler.event.LedgerEvent;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.actor.typed.receptionist.Receptionist;

import java.time.Duration;
import java.util.HashSet;
import java.util.Set;

/**
 * The recovery manager's child that sends what it publishes to every coordinator node's {@link StatusBoard}
 * replica: it keeps the {@link EventLog} (numbering the events of the manager's incarnation), follows the replicas
 * in the receptionist, and passes on events and snapshots in the order the manager made them — the events waiting
 * first, so a snapshot never shows what its events have not told yet. Events wait at most {@code flushDelay} when
 * no snapshot comes meanwhile. A replica that appears gets the latest snapshot at once (then the next ones and
 * every event batch from then on). It never asks the manager anything and never blocks.
 */
public final class StatusPublisher {

    /** Messages of the publisher. */
    public sealed interface Command permits Event, Publish, ReplicasListed, Flush {
    }

    /** An event of the recovery's log, in the order the ledger (or the manager) emitted it. */
    public record Event(LedgerEvent event) implements Command {
    }

    /** A snapshot to send to every replica, after the events that came before it. */
    public record Publish(StatusSnapshot snapshot) implements Command {
    }

    private record ReplicasListed(Set<ActorRef<BoardUpdate>> replicas) implements Command {
    }

    private enum Flush implements Command { INSTANCE }

    /**
     * @param incarnation the recovery manager incarnation whose events it numbers
     * @param flushDelay  longest an event waits for a snapshot before it is sent on its own
     */
    public static Behavior<Command> create(String incarnation, Duration flushDelay) {
        return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> {
            ctx.getSystem().receptionist().tell(Receptionist.subscribe(StatusBoard.SERVICE_KEY,
                    ctx.messageAdapter(Receptionist.Listing.class,
                            l -> new ReplicasListed(l.getServiceInstances(StatusBoard.SERVICE_KEY)))));
            return new StatusPublisher(timers, new EventLog(incarnation), flushDelay).behavior();
        }));
    }

    private final TimerScheduler<Command> timers;
    private final EventLog log;
    private final Duration flushDelay;
    private Set<ActorRef<BoardUpdate>> replicas = Set.of();
    private StatusSnapshot latest;

    private StatusPublisher(TimerScheduler<Command> timers, EventLog log, Duration flushDelay) {
        this.timers = timers;
        this.log = log;
        this.flushDelay = flushDelay;
    }

    private Behavior<Command> behavior() {
        return Behaviors.receive(Command.class)
                .onMessage(Event.class, m -> {
                    log.append(m.event());
                    if (!timers.isTimerActive(Flush.INSTANCE)) {
                        timers.startSingleTimer(Flush.INSTANCE, flushDelay);
                    }
                    return Behaviors.same();
                })
                .onMessage(Publish.class, m -> {
                    flush();
                    latest = m.snapshot();
                    replicas.forEach(r -> r.tell(latest));
                    return Behaviors.same();
                })
                .onMessage(Flush.class, m -> {
                    flush();
                    return Behaviors.same();
                })
                .onMessage(ReplicasListed.class, m -> {
                    flush(); // what the known replicas are owed goes out before anyone new joins
                    Set<ActorRef<BoardUpdate>> added = new HashSet<>(m.replicas());
                    added.removeAll(replicas);
                    replicas = m.replicas();
                    if (latest != null) {
                        added.forEach(r -> r.tell(latest));
                    }
                    return Behaviors.same();
                })
                .build();
    }

    /** Sends the waiting events to every replica, in batches of at most {@link EventBatch#MAX_EVENTS}. */
    private void flush() {
        if (!log.hasPending()) {
            return;
        }
        timers.cancel(Flush.INSTANCE);
        for (EventBatch b : log.drain()) {
            replicas.forEach(r -> r.tell(b));
        }
    }
}
