package io.blackstart.coordinator.recovery;

import io.blackstart.common.Failures;
import io.blackstart.coordinator.store.DesiredStateStore;
import io.blackstart.coordinator.store.DesiredStateStore.AssignmentRecord;
import io.blackstart.coordinator.store.DesiredStateStore.AssignmentValue;
import io.blackstart.coordinator.store.DesiredStateStore.CasResult;
import io.blackstart.scheduler.Assignment;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;

import java.time.Duration;
import java.util.Map;

/**
 * The assignment records in etcd ({@code <prefix>/assignments/<instanceId>}), a child of the
 * {@link AssignmentRecorder}.
 *
 * <p><b>Responsibility.</b> Loads every record once when it starts, retrying with backoff until etcd answers or the
 * parent no longer needs them ({@link StopLoading}: a degraded rebuild goes on from the assignment journal);
 * records an assignment by compare-and-set against the mod revision the parent last saw ({@link Record}) and
 * answers with the outcome; deletes the record of an instance no longer desired ({@link Delete}). Every result
 * goes to the parent ({@link Event}); which revision to expect and what a conflict means is the parent's
 * {@link AssignmentBook}.
 *
 * <p><b>Never</b> blocks (etcd results come back through {@code pipeToSelf}), never decides what to record, never
 * writes anything but assignment records (the journal's write-back is {@link JournalWriteBack}'s).
 */
public final class AssignmentWriter {

    /** Messages of the assignment writer. */
    public sealed interface Command {
    }

    /** Record {@code value} for the assignment if etcd's record still has mod revision {@code expected} (0: none). */
    public record Record(Assignment assignment, AssignmentValue value, long expected) implements Command {
    }

    /** Delete the record of an instance no longer desired (nobody waits for the answer). */
    public record Delete(String instanceId) implements Command {
    }

    /** The records are no longer wanted: stop retrying the load. */
    public enum StopLoading implements Command { INSTANCE }

    private record LoadDone(Map<String, AssignmentRecord> records, Throwable error) implements Command {
    }

    private enum LoadAgain implements Command { INSTANCE }

    private record CasDone(Assignment assignment, AssignmentValue value, CasResult result, Throwable error)
            implements Command {
    }

    /** What the parent learns. */
    public sealed interface Event {
    }

    /** Every assignment record in etcd; sent once. */
    public record Loaded(Map<String, AssignmentRecord> records) implements Event {
    }

    /** Loading failed (retried after a backoff): {@code why} is "loading assignments: ...". */
    public record LoadFailed(String why) implements Event {
    }

    /** The outcome of a {@link Record}: {@code result}, or {@code error} when etcd gave no answer. */
    public record Recorded(Assignment assignment, AssignmentValue value, CasResult result, Throwable error)
            implements Event {
    }

    public static Behavior<Command> create(DesiredStateStore store, ActorRef<Event> parent, Duration backoffMin,
                                           Duration backoffMax) {
        return Behaviors.setup(ctx -> Behaviors.withTimers(timers ->
                new AssignmentWriter(ctx, timers, store, parent, backoffMin, backoffMax).behavior()));
    }

    private final ActorContext<Command> ctx;
    private final TimerScheduler<Command> timers;
    private final DesiredStateStore store;
    private final ActorRef<Event> parent;
    private final Duration backoffMax;
    private Duration loadBackoff;
    private boolean loading = true;

    private AssignmentWriter(ActorContext<Command> ctx, TimerScheduler<Command> timers, DesiredStateStore store,
                             ActorRef<Event> parent, Duration backoffMin, Duration backoffMax) {
        this.ctx = ctx;
        this.timers = timers;
        this.store = store;
        this.parent = parent;
        this.loadBackoff = backoffMin;
        this.backoffMax = backoffMax;
        load();
    }

    private Behavior<Command> behavior() {
        return Behaviors.receive(Command.class)
                .onMessage(Record.class, this::onRecord)
                .onMessage(Delete.class, m -> { store.deleteAssignment(m.instanceId()); return Behaviors.same(); })
                .onMessage(StopLoading.class, m -> { stopLoading(); return Behaviors.same(); })
                .onMessage(LoadDone.class, this::onLoadDone)
                .onMessage(LoadAgain.class, m -> { load(); return Behaviors.same(); })
                .onMessage(CasDone.class, this::onCasDone)
                .build();
    }

    private void load() {
        if (loading) {
            ctx.pipeToSelf(store.loadAssignments(), LoadDone::new);
        }
    }

    private void stopLoading() {
        loading = false;
        timers.cancel(LoadAgain.INSTANCE);
    }

    private Behavior<Command> onLoadDone(LoadDone m) {
        if (!loading) {
            return Behaviors.same();
        }
        if (m.error() != null) {
            parent.tell(new LoadFailed("loading assignments: " + Failures.describe(m.error())));
            timers.startSingleTimer(LoadAgain.INSTANCE, loadBackoff);
            loadBackoff = Duration.ofMillis(Math.min(backoffMax.toMillis(), Math.max(1, loadBackoff.toMillis() * 2)));
        } else {
            stopLoading();
            parent.tell(new Loaded(m.records()));
        }
        return Behaviors.same();
    }

    private Behavior<Command> onRecord(Record m) {
        Assignment a = m.assignment();
        ctx.pipeToSelf(store.recordAssignment(a.instanceId(), m.value(), m.expected()),
                (res, err) -> new CasDone(a, m.value(), res, err));
        return Behaviors.same();
    }

    private Behavior<Command> onCasDone(CasDone m) {
        parent.tell(new Recorded(m.assignment(), m.value(), m.result(), m.error()));
        return Behaviors.same();
    }
}
