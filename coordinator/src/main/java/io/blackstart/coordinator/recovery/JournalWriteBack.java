package io.blackstart.coordinator.recovery;

import io.blackstart.coordinator.store.AssignmentJournal;
import io.blackstart.coordinator.store.DesiredStateStore;

import io.blackstart.coordinator.store.DesiredStateStore.AssignmentRecord;
import io.blackstart.coordinator.store.DesiredStateStore.AssignmentValue;
import io.blackstart.coordinator.store.DesiredStateStore.CasResult;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * One write-back of journaled assignments to etcd, as a short-lived child of the {@link WriteBackRunner}: loads etcd's
 * assignment records, decides per instance with {@link WriteBackPlan}, writes by compare-and-set, and for a
 * compare-and-set that lost (someone wrote the key after the load) loads and decides again, at most
 * {@code maxRounds} times in all; a record still changing after that stands as etcd has it. Answers once with
 * {@link Finished} and stops. A store error ends it at once with the error (the journal is kept, the
 * {@link AssignmentRecorder} tries again later); every store call is bounded by the store's call timeout, and at most
 * {@link #MAX_IN_FLIGHT} compare-and-sets are outstanding at once (a journal of a whole fleet's recovery must not
 * open a hundred thousand etcd calls at once).
 */
public final class JournalWriteBack {

    private JournalWriteBack() {
    }

    static final int MAX_IN_FLIGHT = 128;

    interface Command {
    }

    /** An assignment written to etcd: its value and new mod revision. */
    record Written(String instanceId, AssignmentValue value, long modRevision, String why) {
    }

    /**
     * The answer.
     *
     * @param written    journaled assignments now in etcd
     * @param kept       instances whose etcd record stands (changed meanwhile by someone else)
     * @param skipped    instances no longer desired (nothing written)
     * @param etcd       etcd's assignment records as last loaded (for the recovery manager's book)
     * @param throughSeq the highest journal sequence number this write-back covered
     * @param round      the caller's number of this write-back
     * @param error      non-null: failed, nothing of the journal may be dropped
     */
    record Finished(List<Written> written, List<WriteBackPlan.Keep> kept, List<String> skipped,
                    Map<String, AssignmentRecord> etcd, long throughSeq, long round, Throwable error) {
    }

    private record Loaded(Map<String, AssignmentRecord> records, Throwable error) implements Command {
    }

    private record CasDone(WriteBackPlan.Write step, CasResult result, Throwable error) implements Command {
    }

    /**
     * @param entries   the journal entries to write back, in file order
     * @param runningOn node by instance id of the containers the ledger knows (a snapshot)
     * @param desired   the desired instance ids (a snapshot)
     */
    static Behavior<Command> create(DesiredStateStore store, List<AssignmentJournal.Entry> entries,
                                    Map<String, String> runningOn, Set<String> desired, int maxRounds, long round,
                                    ActorRef<Finished> replyTo) {
        return Behaviors.setup(ctx -> new JournalWriteBack.Round(ctx, store, List.copyOf(entries), Map.copyOf(runningOn),
                Set.copyOf(desired), maxRounds, round, replyTo).start());
    }

    private static final class Round {
        private final ActorContext<Command> ctx;
        private final DesiredStateStore store;
        private final List<AssignmentJournal.Entry> entries;
        private final Map<String, String> runningOn;
        private final Set<String> desired;
        private final int maxRounds;
        private final ActorRef<Finished> replyTo;
        private final long callerRound;
        private final long throughSeq;
        private final List<Written> written = new ArrayList<>();
        private final Map<String, WriteBackPlan.Keep> kept = new HashMap<>();
        private final List<String> skipped = new ArrayList<>();
        private Map<String, AssignmentRecord> etcd = Map.of();
        private Set<String> todo;
        private final Set<String> lost = new HashSet<>();
        private final Map<String, AssignmentRecord> lostTo = new HashMap<>();
        private int round;
        private int outstanding;
        private final java.util.ArrayDeque<WriteBackPlan.Write> queued = new java.util.ArrayDeque<>();

        Round(ActorContext<Command> ctx, DesiredStateStore store, List<AssignmentJournal.Entry> entries,
              Map<String, String> runningOn, Set<String> desired, int maxRounds, long callerRound,
              ActorRef<Finished> replyTo) {
            this.callerRound = callerRound;
            this.ctx = ctx;
            this.store = store;
            this.entries = entries;
            this.runningOn = runningOn;
            this.desired = desired;
            this.maxRounds = Math.max(1, maxRounds);
            this.replyTo = replyTo;
            this.throughSeq = entries.stream().mapToLong(AssignmentJournal.Entry::seq).max().orElse(0);
            this.todo = new HashSet<>();
            entries.forEach(e -> todo.add(e.instanceId()));
        }

        Behavior<Command> start() {
            load();
            return behavior();
        }

        private void load() {
            round++;
            ctx.pipeToSelf(store.loadAssignments(), Loaded::new);
        }

        private Behavior<Command> behavior() {
            return Behaviors.receive(Command.class)
                    .onMessage(Loaded.class, this::onLoaded)
                    .onMessage(CasDone.class, this::onCasDone)
                    .build();
        }

        private Behavior<Command> onLoaded(Loaded m) {
            if (m.error() != null) {
                return fail(m.error());
            }
            etcd = m.records();
            List<AssignmentJournal.Entry> mine = entries.stream().filter(e -> todo.contains(e.instanceId())).toList();
            List<WriteBackPlan.Step> steps = WriteBackPlan.plan(mine, etcd, id -> Optional.ofNullable(runningOn.get(id)),
                    desired::contains);
            lost.clear();
            for (WriteBackPlan.Step s : steps) {
                if (s instanceof WriteBackPlan.Write w) {
                    queued.add(w);
                } else if (s instanceof WriteBackPlan.Keep k) {
                    kept.put(k.instanceId(), k);
                } else {
                    skipped.add(s.instanceId());
                }
            }
            sendQueued();
            return outstanding == 0 ? roundDone() : Behaviors.same();
        }

        private void sendQueued() {
            while (outstanding < MAX_IN_FLIGHT && !queued.isEmpty()) {
                WriteBackPlan.Write w = queued.poll();
                outstanding++;
                ctx.pipeToSelf(store.recordAssignment(w.instanceId(), w.value(), w.expectedRevision()),
                        (r, err) -> new CasDone(w, r, err));
            }
        }

        private Behavior<Command> onCasDone(CasDone m) {
            outstanding--;
            if (m.error() != null) {
                return fail(m.error());
            }
            if (m.result() instanceof CasResult.Recorded r) {
                written.add(new Written(m.step().instanceId(), m.step().value(), r.modRevision(), m.step().why()));
            } else if (m.result() instanceof CasResult.Conflict c) {
                lost.add(m.step().instanceId());
                c.current().ifPresent(cur -> lostTo.put(cur.instanceId(), cur));
            }
            sendQueued();
            return outstanding == 0 ? roundDone() : Behaviors.same();
        }

        private Behavior<Command> roundDone() {
            if (!lost.isEmpty() && round < maxRounds) {
                ctx.getLog().info("write-back round {}: {} records changed meanwhile; deciding again", round, lost.size());
                todo = new HashSet<>(lost);
                load();
                return Behaviors.same();
            }
            for (String id : lost) {
                AssignmentRecord cur = lostTo.get(id);
                if (cur == null) {
                    // neither written nor a record to keep: the journal must keep its entry, so the round fails
                    return fail(new IllegalStateException("the record of " + id + " kept changing for " + maxRounds
                            + " rounds"));
                }
                kept.put(id, new WriteBackPlan.Keep(id, cur, "etcd's record kept changing (" + maxRounds + " rounds)"));
            }
            replyTo.tell(new Finished(written, List.copyOf(kept.values()), skipped, etcd, throughSeq, callerRound, null));
            return Behaviors.stopped();
        }

        private Behavior<Command> fail(Throwable error) {
            replyTo.tell(new Finished(written, List.copyOf(kept.values()), skipped, etcd, throughSeq, callerRound, error));
            return Behaviors.stopped();
        }
    }
}
