package io.blackstart.coordinator.recovery;

import io.blackstart.coordinator.store.AssignmentJournal;
import io.blackstart.coordinator.store.DesiredStateStore;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The {@link AssignmentRecorder}'s child for the way back from degraded recovery: asks etcd whether it answers again
 * ({@link Ping}, one store call bounded by the store's call timeout) and runs each write-back of the journal
 * ({@link Run}) as a {@link JournalWriteBack} child, which it watches. It answers every command exactly once, with
 * {@link Pinged} or {@link WrittenBack}: a write-back child that stops without an answer (a bug, an exception)
 * is answered as failed, so the recorder (and the manager's planning) never stays paused. It decides nothing:
 * when to ping, when to write back and what the answer means are the recorder's.
 */
public final class WriteBackRunner {

    /** Messages of the runner. */
    public sealed interface Command permits Ping, Run, PingDone, Finished, Stopped {
    }

    /** Ask etcd whether it answers; answered with {@link Pinged}. */
    public enum Ping implements Command { INSTANCE }

    /**
     * Write {@code entries} back ({@link JournalWriteBack}); answered with {@link WrittenBack} of the same
     * {@code round}. The collections are copied by the sender (they are the recorder's and the manager's state at that moment).
     */
    public record Run(List<AssignmentJournal.Entry> entries, Map<String, String> runningOn, Set<String> desired,
                      int maxRounds, long round) implements Command {
        public Run {
            entries = List.copyOf(entries);
            runningOn = Map.copyOf(runningOn);
            desired = Set.copyOf(desired);
        }
    }

    private record PingDone(Throwable error) implements Command {
    }

    private record Finished(JournalWriteBack.Finished finished) implements Command {
    }

    private record Stopped(long round) implements Command {
    }

    /** What the runner tells its parent. */
    public sealed interface Event permits Pinged, WrittenBack {
    }

    /** etcd answered ({@code error} null) or not. */
    public record Pinged(Throwable error) implements Event {
    }

    /** One write-back's answer (its {@code round} is the {@link Run}'s). */
    public record WrittenBack(JournalWriteBack.Finished finished) implements Event {
    }

    public static Behavior<Command> create(DesiredStateStore store, ActorRef<Event> manager) {
        return Behaviors.setup(ctx -> new WriteBackRunner(ctx, store, manager).behavior());
    }

    private final ActorContext<Command> ctx;
    private final DesiredStateStore store;
    private final ActorRef<Event> manager;
    /** The rounds whose answer has not been passed on yet. */
    private final Set<Long> open = new HashSet<>();

    private WriteBackRunner(ActorContext<Command> ctx, DesiredStateStore store, ActorRef<Event> manager) {
        this.ctx = ctx;
        this.store = store;
        this.manager = manager;
    }

    private Behavior<Command> behavior() {
        return Behaviors.receive(Command.class)
                .onMessage(Ping.class, m -> {
                    ctx.pipeToSelf(store.ping(), (ok, err) -> new PingDone(err));
                    return Behaviors.same();
                })
                .onMessage(PingDone.class, m -> {
                    manager.tell(new Pinged(m.error()));
                    return Behaviors.same();
                })
                .onMessage(Run.class, m -> {
                    ActorRef<JournalWriteBack.Command> child = ctx.spawnAnonymous(JournalWriteBack.create(store,
                            m.entries(), m.runningOn(), m.desired(), m.maxRounds(), m.round(),
                            ctx.messageAdapter(JournalWriteBack.Finished.class, Finished::new)));
                    ctx.watchWith(child, new Stopped(m.round()));
                    open.add(m.round());
                    return Behaviors.same();
                })
                .onMessage(Finished.class, m -> {
                    if (open.remove(m.finished().round())) {
                        manager.tell(new WrittenBack(m.finished()));
                    }
                    return Behaviors.same();
                })
                .onMessage(Stopped.class, m -> {
                    if (open.remove(m.round())) { // else it answered, then stopped
                        ctx.getLog().error("write-back {} stopped without an answer", m.round());
                        manager.tell(new WrittenBack(new JournalWriteBack.Finished(List.of(), List.of(), List.of(),
                                Map.of(), 0, m.round(),
                                new IllegalStateException("the write-back stopped without an answer"))));
                    }
                    return Behaviors.same();
                })
                .build();
    }
}
