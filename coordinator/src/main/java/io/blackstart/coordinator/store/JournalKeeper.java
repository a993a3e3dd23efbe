package io.blackstart.coordinator.store;

import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

import java.io.IOException;
import java.util.List;

/**
 * Owns the {@link AssignmentJournal} file for the recovery manager: reads, appends (fsync'd) and trims it one
 * request at a time, so writes never interleave. Spawned on the blocking dispatcher: file I/O blocks only it.
 * Every request is answered, with the error if the file could not be read or written.
 */
public final class JournalKeeper {

    private JournalKeeper() {
    }

    public interface Command {
    }

    /** Read every entry. */
    public record Read(ActorRef<ReadDone> replyTo) implements Command {
    }

    public record ReadDone(AssignmentJournal.Contents contents, Throwable error) {
    }

    /** Append {@code entries} and force them to the device before answering. */
    public record Append(List<AssignmentJournal.Entry> entries, ActorRef<Appended> replyTo) implements Command {
    }

    public record Appended(List<AssignmentJournal.Entry> entries, Throwable error) {
    }

    /** Drop the entries up to and including {@code throughSeq} (written back to etcd). */
    public record Trim(long throughSeq, ActorRef<Trimmed> replyTo) implements Command {
    }

    public record Trimmed(long throughSeq, Throwable error) {
    }

    public static Behavior<Command> create(AssignmentJournal journal) {
        return Behaviors.receive(Command.class)
                .onMessage(Read.class, m -> {
                    try {
                        m.replyTo().tell(new ReadDone(journal.read(), null));
                    } catch (IOException | RuntimeException e) {
                        m.replyTo().tell(new ReadDone(null, e));
                    }
                    return Behaviors.same();
                })
                .onMessage(Append.class, m -> {
                    try {
                        journal.append(m.entries());
                        m.replyTo().tell(new Appended(m.entries(), null));
                    } catch (IOException | RuntimeException e) {
                        m.replyTo().tell(new Appended(m.entries(), e));
                    }
                    return Behaviors.same();
                })
                .onMessage(Trim.class, m -> {
                    try {
                        journal.retainAfter(m.throughSeq());
                        m.replyTo().tell(new Trimmed(m.throughSeq(), null));
                    } catch (IOException | RuntimeException e) {
                        m.replyTo().tell(new Trimmed(m.throughSeq(), e));
                    }
                    return Behaviors.same();
                })
                .build();
    }
}
