package io.blackstart.coordinator.recovery;

import io.blackstart.common.Failures;
import io.blackstart.coordinator.store.AssignmentJournal;
import io.blackstart.coordinator.store.DesiredStateStore.AssignmentValue;
import io.blackstart.coordinator.store.JournalKeeper;
import io.blackstart.scheduler.Assignment;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * Assignments recorded in the local assignment journal while etcd has no quorum (degraded recovery), a child of the
 * {@link AssignmentRecorder} that exists only when a journal file is configured.
 *
 * <p><b>Responsibility.</b> Reads the journal once when it starts and tells its parent what an earlier incarnation
 * left there ({@link Opened}) or that the journal is unusable ({@link Unusable}); numbers the assignments the parent
 * journals ({@link Append}: one fsync per plan) with sequence numbers unique across incarnations and emptied
 * journals (the start token of a journaled assignment is {@code -seq}), and answers which of them are on disk
 * ({@link Journaled}); removes the lines written back to etcd ({@link Trim}; a failure only logs: a later
 * incarnation writes them back again and finds etcd's records). The file work is the {@link JournalKeeper}'s, on
 * the blocking dispatcher.
 *
 * <p><b>Never</b> blocks, never decides whether to journal (the parent does, by etcd's health and the operator's
 * stale-catalog allowance), never talks to etcd.
 */
public final class JournalRecorder {

    /** Messages of the journal recorder. */
    public sealed interface Command {
    }

    /** Journal these assignments, each replacing etcd's record of mod revision {@code base} (0: none). */
    public record Append(List<Wanted> assignments) implements Command {
    }

    /** One assignment to journal. */
    public record Wanted(Assignment assignment, AssignmentValue value, long base) {
    }

    /** Remove the lines up to {@code throughSeq}: they are in etcd now. */
    public record Trim(long throughSeq) implements Command {
    }

    private record ReadDone(JournalKeeper.ReadDone done) implements Command {
    }

    private record Appended(JournalKeeper.Appended done) implements Command {
    }

    private record Trimmed(JournalKeeper.Trimmed done) implements Command {
    }

    /** What the parent learns. */
    public sealed interface Event {
    }

    /** The journal is read: {@code entries} are not yet written back to etcd, in file order. Sent once. */
    public record Opened(List<AssignmentJournal.Entry> entries) implements Event {
    }

    /** The journal could not be read ({@code problem} names the file): no degraded recovery. Sent once. */
    public record Unusable(String problem) implements Event {
    }

    /** The lines of an {@link Append}: on disk, or not written because of {@code error}. */
    public record Journaled(List<Line> lines, Throwable error) implements Event {
    }

    /** An assignment and its journal line. */
    public record Line(Assignment assignment, AssignmentJournal.Entry entry) {
    }

    public static Behavior<Command> create(Path file, ActorRef<Event> parent, LongSupplier clock) {
        return Behaviors.setup(ctx -> new JournalRecorder(ctx, file, parent, clock).behavior());
    }

    private final ActorContext<Command> ctx;
    private final Path file;
    private final ActorRef<Event> parent;
    private final LongSupplier clock;
    private final ActorRef<JournalKeeper.Command> keeper;
    private final ActorRef<JournalKeeper.Appended> appendedAdapter;
    private final ActorRef<JournalKeeper.Trimmed> trimmedAdapter;
    private long seq;
    /** Assignments whose journal lines are being written, by sequence number. */
    private final Map<Long, Assignment> writing = new HashMap<>();

    private JournalRecorder(ActorContext<Command> ctx, Path file, ActorRef<Event> parent, LongSupplier clock) {
        this.ctx = ctx;
        this.file = file;
        this.parent = parent;
        this.clock = clock;
        this.keeper = ctx.spawn(JournalKeeper.create(new AssignmentJournal(file)), "assignment-journal",
                DispatcherSelector.blocking());
        this.appendedAdapter = ctx.messageAdapter(JournalKeeper.Appended.class, Appended::new);
        this.trimmedAdapter = ctx.messageAdapter(JournalKeeper.Trimmed.class, Trimmed::new);
        keeper.tell(new JournalKeeper.Read(ctx.messageAdapter(JournalKeeper.ReadDone.class, ReadDone::new)));
    }

    private Behavior<Command> behavior() {
        return Behaviors.receive(Command.class)
                .onMessage(Append.class, this::onAppend)
                .onMessage(Trim.class, m -> { keeper.tell(new JournalKeeper.Trim(m.throughSeq(), trimmedAdapter)); return Behaviors.same(); })
                .onMessage(ReadDone.class, this::onReadDone)
                .onMessage(Appended.class, this::onAppended)
                .onMessage(Trimmed.class, this::onTrimmed)
                .build();
    }

    private Behavior<Command> onReadDone(ReadDone m) {
        JournalKeeper.ReadDone d = m.done();
        if (d.error() != null) {
            String problem = file + ": " + Failures.describe(d.error());
            ctx.getLog().error("assignment journal unreadable, no degraded recovery: {}", problem);
            parent.tell(new Unusable(problem));
            return Behaviors.same();
        }
        // sequence numbers (and so the start tokens -seq) stay unique across incarnations and emptied journals
        seq = Math.max(Math.max(seq, d.contents().lastSeq()), clock.getAsLong() * 1000);
        if (d.contents().unreadableLines() > 0) {
            ctx.getLog().warn("assignment journal {}: {} unreadable lines skipped (a torn last write?)", file,
                    d.contents().unreadableLines());
        }
        if (!d.contents().entries().isEmpty()) {
            ctx.getLog().info("assignment journal {} holds {} assignments not yet written back to etcd", file,
                    d.contents().entries().size());
        }
        parent.tell(new Opened(d.contents().entries()));
        return Behaviors.same();
    }

    private Behavior<Command> onAppend(Append m) {
        List<AssignmentJournal.Entry> lines = new ArrayList<>();
        for (Wanted w : m.assignments()) {
            long s = ++seq;
            writing.put(s, w.assignment());
            lines.add(new AssignmentJournal.Entry(s, w.assignment().instanceId(), w.value(), w.base()));
        }
        keeper.tell(new JournalKeeper.Append(lines, appendedAdapter)); // one fsync for the whole plan
        return Behaviors.same();
    }

    private Behavior<Command> onAppended(Appended m) {
        List<Line> lines = new ArrayList<>();
        for (AssignmentJournal.Entry e : m.done().entries()) {
            Assignment a = writing.remove(e.seq());
            if (a != null) {
                lines.add(new Line(a, e));
            }
        }
        parent.tell(new Journaled(lines, m.done().error()));
        return Behaviors.same();
    }

    private Behavior<Command> onTrimmed(Trimmed m) {
        if (m.done().error() != null) {
            // the entries stay in the file: a later incarnation writes them back again, finding etcd's records
            ctx.getLog().warn("trimming the assignment journal failed: {}", Failures.describe(m.done().error()));
        }
        return Behaviors.same();
    }
}
