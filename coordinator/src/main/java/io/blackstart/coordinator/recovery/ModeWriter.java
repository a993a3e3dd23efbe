package io.blackstart.coordinator.recovery;

import io.blackstart.common.Failures;
import io.blackstart.coordinator.store.DesiredStateStore;
import io.blackstart.coordinator.store.DesiredStateStore.ModeRecord;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The recovery mode's record in etcd ({@code <prefix>/mode}), a child of the {@link RecoveryManager}.
 *
 * <p><b>Responsibility.</b> Reads the stored mode once when it starts (retrying with backoff until etcd answers)
 * and tells its parent, unless the parent's first {@link Write} came first; then stores each mode the parent is in: one write at a time, the latest mode wins (a mode
 * that changes while a write is under way is written after it), a failed write is tried again on the parent's
 * next {@link Retry}. Operators' {@link SetMode} commands wait here for the mode to be stored ({@link WhenStored}).
 * Every etcd result is reported to the parent ({@link Event}) for its view of etcd's health.
 *
 * <p><b>Never</b> decides the mode (the parent's policy does), never blocks (etcd results come back through
 * {@code pipeToSelf}).
 */
public final class ModeWriter {

    /** Messages of the mode writer. */
    public sealed interface Command {
    }

    /** Store {@code mode}, the parent's mode from now on. */
    public record Write(ModeRecord mode) implements Command {
    }

    /** Write again if the last write failed (the parent's tick). */
    public enum Retry implements Command { INSTANCE }

    /**
     * Answer {@code replyTo} once the mode is stored ("ok"), or its write failed; at once if nothing is waiting to
     * be stored, with {@code current}, the parent's mode.
     */
    public record WhenStored(ModeRecord current, ActorRef<RecoveryManager.ModeReply> replyTo) implements Command {
    }

    private record ReadDone(Optional<ModeRecord> mode, Throwable error) implements Command {
    }

    private enum ReadAgain implements Command { INSTANCE }

    private record WriteDone(ModeRecord mode, Throwable error) implements Command {
    }

    /** What the parent learns. */
    public sealed interface Event {
    }

    /** The stored mode (empty: none stored yet); sent once. */
    public record Loaded(Optional<ModeRecord> mode) implements Event {
    }

    /** {@code mode} is stored. */
    public record Stored(ModeRecord mode) implements Event {
    }

    /** An etcd call failed: {@code why} ("reading mode: ..." or "writing mode: ..."). */
    public record Failed(String why) implements Event {
    }

    public static Behavior<Command> create(DesiredStateStore store, ActorRef<Event> parent, Duration backoffMin,
                                           Duration backoffMax) {
        return Behaviors.setup(ctx -> Behaviors.withTimers(timers ->
                new ModeWriter(ctx, timers, store, parent, backoffMin, backoffMax).behavior()));
    }

    private final ActorContext<Command> ctx;
    private final TimerScheduler<Command> timers;
    private final DesiredStateStore store;
    private final ActorRef<Event> parent;
    private final Duration backoffMax;
    private Duration readBackoff;
    private ModeRecord latest; // the parent's mode, null until the first Write
    private boolean dirty;
    private boolean inFlight;
    private final List<ActorRef<RecoveryManager.ModeReply>> waiting = new ArrayList<>();

    private ModeWriter(ActorContext<Command> ctx, TimerScheduler<Command> timers, DesiredStateStore store,
                       ActorRef<Event> parent, Duration backoffMin, Duration backoffMax) {
        this.ctx = ctx;
        this.timers = timers;
        this.store = store;
        this.parent = parent;
        this.readBackoff = backoffMin;
        this.backoffMax = backoffMax;
        read();
    }

    private Behavior<Command> behavior() {
        return Behaviors.receive(Command.class)
                .onMessage(Write.class, this::onWrite)
                .onMessage(Retry.class, m -> { writeIfDirty(); return Behaviors.same(); })
                .onMessage(WhenStored.class, this::onWhenStored)
                .onMessage(ReadDone.class, this::onReadDone)
                .onMessage(ReadAgain.class, m -> { read(); return Behaviors.same(); })
                .onMessage(WriteDone.class, this::onWriteDone)
                .build();
    }

    private void read() {
        ctx.pipeToSelf(store.readMode(), ReadDone::new);
    }

    private Behavior<Command> onReadDone(ReadDone m) {
        if (latest != null) {
            return Behaviors.same(); // the parent decided its mode without the stored one (degraded recovery)
        }
        if (m.error() != null) {
            parent.tell(new Failed("reading mode: " + Failures.describe(m.error())));
            timers.startSingleTimer(ReadAgain.INSTANCE, readBackoff);
            readBackoff = Duration.ofMillis(Math.min(backoffMax.toMillis(), Math.max(1, readBackoff.toMillis() * 2)));
        } else {
            parent.tell(new Loaded(m.mode()));
        }
        return Behaviors.same();
    }

    private Behavior<Command> onWrite(Write m) {
        latest = m.mode();
        timers.cancel(ReadAgain.INSTANCE);
        dirty = true;
        writeIfDirty();
        return Behaviors.same();
    }

    private Behavior<Command> onWhenStored(WhenStored m) {
        if (dirty || inFlight) {
            waiting.add(m.replyTo());
        } else {
            m.replyTo().tell(reply(m.current(), "ok"));
        }
        return Behaviors.same();
    }

    private void writeIfDirty() {
        if (!dirty || inFlight) {
            return;
        }
        ModeRecord record = latest;
        dirty = false;
        inFlight = true;
        ctx.pipeToSelf(store.writeMode(record), (ok, err) -> new WriteDone(record, err));
    }

    private Behavior<Command> onWriteDone(WriteDone m) {
        inFlight = false;
        if (m.error() != null) {
            parent.tell(new Failed("writing mode: " + Failures.describe(m.error())));
            dirty = true; // retried on the parent's next tick
            answer("in force, but not yet stored in etcd (" + Failures.describe(m.error()) + "); retrying");
        } else {
            parent.tell(new Stored(m.mode()));
            if (dirty) {
                writeIfDirty(); // a newer mode came while this one was written
            } else {
                answer("ok");
            }
        }
        return Behaviors.same();
    }

    private void answer(String message) {
        RecoveryManager.ModeReply reply = reply(latest, message);
        waiting.forEach(r -> r.tell(reply));
        waiting.clear();
    }

    private static RecoveryManager.ModeReply reply(ModeRecord mode, String message) {
        return new RecoveryManager.ModeReply(mode.mode(), mode.sinceMillis(), mode.by(), message);
    }
}
