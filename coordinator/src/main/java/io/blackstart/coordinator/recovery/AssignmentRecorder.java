package io.blackstart.coordinator.recovery;

import io.blackstart.common.Failures;
import io.blackstart.coordinator.CoordinatorSettings;
import io.blackstart.coordinator.store.AssignmentJournal;
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
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * Where an assignment is recorded, a child of the {@link RecoveryManager}: in etcd by compare-and-set (its child
 * {@link AssignmentWriter}), or — while etcd has no quorum and the operator allowed the stale catalog — in the local
 * assignment journal (its child {@link JournalRecorder}, only when a journal file is configured), which it writes
 * back to etcd once etcd answers again (its child {@link WriteBackRunner}).
 *
 * <p><b>Responsibility.</b> Records every assignment of a plan ({@link Record}) where assignments go now, and answers
 * each with {@link Recorded}, {@link Conflict} or {@link NotRecorded}; deletes the records of instances no longer
 * desired ({@link Delete}). Owns the degraded-recovery state: journaling or not, the journal lines not yet written
 * back, the etcd pings with backoff while journaling (on its own tick), and the write-back rounds. A write-back needs
 * the ledger's view of the moment: the recorder says {@link WriteBackDue} and the manager answers with
 * {@link WriteBackView}; from "due" until it is finished no new assignment is recorded (a plan then could contradict
 * the journal; compare-and-sets already under way complete), and the manager, told by
 * {@link State#planningPaused()}, plans nothing meanwhile. What one message led to goes to the manager as one
 * {@link Batch}: the events, then the {@link State} they led to, if it changed — taken together, so nothing of the
 * manager's comes between an event and the state it left.
 *
 * <p>The operator's stale-catalog allowance ({@link Allowance}) is the manager's to give; it is for one outage and
 * ends with the next etcd answer while assignments go to etcd — the recorder applies that rule to its own
 * compare-and-sets and to the end of a write-back, the manager to the mode writer's answers (and tells it).
 *
 * <p><b>Never</b> blocks (its children's results come back as messages), never decides placement, never sends a
 * start.
 */
public final class AssignmentRecorder {

    /** Messages of the recorder. */
    public sealed interface Command permits Record, Delete, Allowance, WriteBackView, Tick, FromWriter, FromJournal,
            FromWriteBack {
    }

    /**
     * Record one plan's assignments. While the operator's stale-catalog allowance stands, a failed etcd record makes
     * assignments go to the journal from then on.
     */
    public record Record(List<Wanted> assignments) implements Command {
        public Record {
            assignments = List.copyOf(assignments);
        }
    }

    /** One assignment to record: {@code value} replaces the record of mod revision {@code expected} (0: none). */
    public record Wanted(Assignment assignment, AssignmentValue value, long expected) {
    }

    /** Delete the record of an instance no longer desired (nobody waits for the answer). */
    public record Delete(String instanceId) implements Command {
    }

    /**
     * The operator's stale-catalog allowance stands ({@code allowed}) or ended. With {@code journalNow} (given while
     * etcd is unreachable), assignments go to the journal from now on (ignored without a usable journal); {@code now}
     * is then when degraded recovery began, if none is under way. {@code seq} numbers the manager's allowances; the
     * {@link State} echoes the last one taken.
     */
    public record Allowance(long seq, boolean allowed, boolean journalNow, String why, long now) implements Command {
    }

    /** The manager's answer to {@link WriteBackDue}: the hosts its instances are on, and the desired instances. */
    public record WriteBackView(long round, Map<String, String> runningOn, Set<String> desired) implements Command {
    }

    private enum Tick implements Command { INSTANCE }

    private record FromWriter(AssignmentWriter.Event event) implements Command {
    }

    private record FromJournal(JournalRecorder.Event event) implements Command {
    }

    private record FromWriteBack(WriteBackRunner.Event event) implements Command {
    }

    /** What the recorder tells the manager. */
    public sealed interface Event permits Batch, Loaded, LoadFailed, JournalRead, Recorded, Conflict, NotRecorded,
            StoreDown, WriteBackDue, WrittenBack, State {
    }

    /** What one message of the recorder led to: its events in order, then its state if that changed (else null). */
    public record Batch(List<Event> events, State state) implements Event {
        public Batch {
            events = List.copyOf(events);
        }
    }

    /** Every assignment record in etcd; sent once. */
    public record Loaded(Map<String, AssignmentRecord> records) implements Event {
    }

    /** Loading the records failed; retried with backoff. */
    public record LoadFailed(String why) implements Event {
    }

    /**
     * The journal is read: what an earlier incarnation left ({@code entries}), or why it is unusable
     * ({@code problem}, empty if usable). Sent once, only when a journal is configured.
     */
    public record JournalRead(List<AssignmentJournal.Entry> entries, String problem) implements Event {
    }

    /**
     * The assignment is recorded: in etcd ({@code token} = its mod revision = {@code revision}) or in the journal
     * ({@code token} = -seq; {@code revision} = the etcd revision the line replaces). The start carries the token.
     */
    public record Recorded(Assignment assignment, AssignmentValue value, long revision, long token) implements Event {
        /** True if recorded in the journal, not in etcd. */
        public boolean journaled() {
            return token < 0;
        }
    }

    /** etcd's record changed since it was read: {@code current} is what it holds now. */
    public record Conflict(Assignment assignment, Optional<AssignmentRecord> current) implements Event {
    }

    /** Not recorded, nothing started: {@code why}; {@code storeProblem} non-null when etcd failed. */
    public record NotRecorded(Assignment assignment, String why, String storeProblem) implements Event {
    }

    /** A ping of etcd, made while journaling, failed. */
    public record StoreDown(String why) implements Event {
    }

    /** A write-back round is due: answer with {@link WriteBackView} of {@code round}. */
    public record WriteBackDue(long round) implements Event {
    }

    /**
     * A write-back ended: the records {@code written}, those where etcd's record was {@code kept}, etcd's records of
     * instances the journal did not touch ({@code others}); {@code error} null if it succeeded.
     */
    public record WrittenBack(List<JournalWriteBack.Written> written, List<WriteBackPlan.Keep> kept,
                              Map<String, AssignmentRecord> others, String error) implements Event {
    }

    /** Where assignments go. */
    public enum Where { ETCD, JOURNAL }

    /**
     * The recorder's state, as the manager's status shows it.
     *
     * @param writeBackWanted a write-back is due: waiting for journal lines being written or for the manager's view
     * @param unwritten       journal lines on disk not yet written back
     * @param journaling      assignments whose journal lines are being written
     * @param degradedSince   when degraded recovery began (0: none)
     * @param allowanceSeq    the last {@link Allowance} taken (0: none)
     */
    public record State(Where where, boolean writingBack, boolean writeBackWanted, int unwritten, int journaling,
                        long degradedSince, int journaled, int writtenBack, int keptEtcd, String detail,
                        long allowanceSeq) implements Event {
        /** Before anything happened. */
        public static final State INITIAL = new State(Where.ETCD, false, false, 0, 0, 0, 0, 0, 0, "", 0);

        /** Journaling, written back or not yet: the status shows a degraded section. */
        public boolean degraded() {
            return where == Where.JOURNAL || writingBack || unwritten > 0;
        }

        /** The journal goes back to etcd first: a plan now could contradict it. */
        public boolean planningPaused() {
            return writingBack || writeBackWanted || (where == Where.ETCD && unwritten > 0);
        }

        /** {@code writing-back} or {@code journaling}. */
        public String phase() {
            return writingBack || where == Where.ETCD ? "writing-back" : "journaling";
        }

        /** Journal lines not yet in etcd, on disk or being written. */
        public int pending() {
            return unwritten + journaling;
        }

        /** The state once an {@link Allowance} {@code seq} with {@code journalNow} of {@code now} is taken. */
        public State journalingFrom(long seq, long now) {
            // a write-back asked for but not begun waits for the pings again
            return degradedSince == 0
                    ? new State(Where.JOURNAL, writingBack, false, unwritten, journaling, now, 0, 0, 0, detail, seq)
                    : new State(Where.JOURNAL, writingBack, false, unwritten, journaling, degradedSince, journaled,
                    writtenBack, keptEtcd, detail, seq);
        }
    }

    /** Write-back passes over a journal before a round is answered as failed. */
    private static final int WRITE_BACK_ROUNDS = 3;
    /** Distinct etcd records kept at write-back that are logged one by one; a summary line follows. */
    private static final int KEPT_LOGGED = 20;

    /**
     * @param parent   the manager
     * @param settings recovery settings: the journal file (none: never journals), store backoff, tick interval
     * @param clock    epoch millis (the manager's)
     */
    public static Behavior<Command> create(DesiredStateStore store, ActorRef<Event> parent,
                                           CoordinatorSettings.Recovery settings, LongSupplier clock) {
        return Behaviors.setup(ctx -> Behaviors.withTimers(timers ->
                new AssignmentRecorder(ctx, timers, store, parent, settings, clock).behavior()));
    }

    private final ActorContext<Command> ctx;
    private final ActorRef<Event> parent;
    private final CoordinatorSettings.Recovery settings;
    private final LongSupplier clock;
    private final ActorRef<AssignmentWriter.Command> writer;
    private final ActorRef<JournalRecorder.Command> journal; // null: no journal configured
    private final ActorRef<WriteBackRunner.Command> writeBack;

    private boolean loaded;
    private boolean journalRead;
    private String journalProblem = "";
    private Where where = Where.ETCD;
    /** Journal entries on disk not yet written back to etcd, in file order. */
    private final List<AssignmentJournal.Entry> unwritten = new ArrayList<>();
    private int journaling;
    private boolean writingBack;
    private boolean writeBackWanted;
    private boolean viewAsked;
    private long writeBackRound;
    private boolean journalAllowed;
    private boolean pingInFlight;
    private long nextStoreTryMillis;
    private Duration storeTryBackoff;
    private long degradedSince;
    private int journaledCount;
    private int writtenBackCount;
    private int keptEtcdCount;
    private String detail = "";
    private long allowanceSeq;
    private State told = State.INITIAL;

    private AssignmentRecorder(ActorContext<Command> ctx, TimerScheduler<Command> timers, DesiredStateStore store,
                               ActorRef<Event> parent, CoordinatorSettings.Recovery settings, LongSupplier clock) {
        this.ctx = ctx;
        this.parent = parent;
        this.settings = settings;
        this.clock = clock;
        this.storeTryBackoff = settings.storeRetryBackoffMin();
        this.writer = ctx.spawn(AssignmentWriter.create(store, ctx.messageAdapter(AssignmentWriter.Event.class,
                FromWriter::new), settings.storeRetryBackoffMin(), settings.storeRetryBackoffMax()), "assignment-writer");
        this.journal = settings.assignmentJournal() == null ? null
                : ctx.spawn(JournalRecorder.create(settings.assignmentJournal(),
                        ctx.messageAdapter(JournalRecorder.Event.class, FromJournal::new), clock), "journal-recorder");
        this.writeBack = ctx.spawn(WriteBackRunner.create(store, ctx.messageAdapter(WriteBackRunner.Event.class,
                FromWriteBack::new)), "write-back");
        timers.startTimerWithFixedDelay(Tick.INSTANCE, settings.tickInterval());
    }

    private Behavior<Command> behavior() {
        return Behaviors.receive(Command.class)
                .onMessage(Record.class, m -> after(() -> onRecord(m)))
                .onMessage(Delete.class, m -> { writer.tell(new AssignmentWriter.Delete(m.instanceId()));
                    return Behaviors.same(); })
                .onMessage(Allowance.class, m -> after(() -> onAllowance(m)))
                .onMessage(WriteBackView.class, m -> after(() -> onView(m)))
                .onMessage(Tick.class, m -> after(this::onTick))
                .onMessage(FromWriter.class, m -> after(() -> onWriter(m.event())))
                .onMessage(FromJournal.class, m -> after(() -> onJournalEvent(m.event())))
                .onMessage(FromWriteBack.class, m -> after(() -> onWriteBackEvent(m.event())))
                .build();
    }

    /**
     * Runs {@code handler}, which collects its events; then tells the manager those events and the new state (if it
     * changed) as one {@link Batch}.
     */
    private Behavior<Command> after(Supplier<List<Event>> handler) {
        List<Event> events = handler.get();
        State now = state();
        State changed = now.equals(told) ? null : now;
        told = now;
        if (!events.isEmpty() || changed != null) {
            parent.tell(new Batch(events, changed));
        }
        return Behaviors.same();
    }

    private State state() {
        return new State(where, writingBack, writeBackWanted, unwritten.size(), journaling, degradedSince,
                journaledCount, writtenBackCount, keptEtcdCount, detail, allowanceSeq);
    }

    private boolean canJournal() {
        return journal != null && journalRead && journalProblem.isEmpty();
    }

    // ---------------------------------------------------------------- recording

    private List<Event> onRecord(Record m) {
        List<Event> events = new ArrayList<>();
        if (writingBack || writeBackWanted) {
            for (Wanted w : m.assignments()) {
                events.add(new NotRecorded(w.assignment(), "the assignment journal is being written back to etcd",
                        null));
            }
            return events;
        }
        if (where == Where.JOURNAL) {
            List<JournalRecorder.Wanted> lines = new ArrayList<>();
            for (Wanted w : m.assignments()) {
                lines.add(new JournalRecorder.Wanted(w.assignment(), w.value(), w.expected()));
            }
            journaling += lines.size();
            journal.tell(new JournalRecorder.Append(lines)); // one fsync for the whole plan
        } else {
            for (Wanted w : m.assignments()) {
                writer.tell(new AssignmentWriter.Record(w.assignment(), w.value(), w.expected()));
            }
        }
        return events;
    }

    private List<Event> onAllowance(Allowance m) {
        allowanceSeq = m.seq();
        journalAllowed = m.allowed();
        if (!m.journalNow()) {
            return List.of();
        }
        if (!canJournal() || where == Where.JOURNAL) { // the manager learns so from the State (its seq changed)
            return List.of();
        }
        if (!loaded) {
            writer.tell(AssignmentWriter.StopLoading.INSTANCE); // the journal stands in for etcd's records
        }
        if (writeBackWanted && !writingBack) {
            // leftovers asked to go back before etcd answered: they wait for the pings now (a late view is ignored)
            writeBackWanted = false;
            viewAsked = false;
        }
        startJournaling(m.now(), m.why());
        return List.of();
    }

    private void startJournaling(long now, String why) {
        where = Where.JOURNAL;
        if (degradedSince == 0) {
            degradedSince = now;
            journaledCount = 0;
            writtenBackCount = 0;
            keptEtcdCount = 0;
        }
        nextStoreTryMillis = now + storeTryBackoff.toMillis();
        ctx.getLog().warn("degraded recovery: etcd unreachable ({}); assignments go to the journal {}", why,
                settings.assignmentJournal());
    }

    private List<Event> onWriter(AssignmentWriter.Event e) {
        if (e instanceof AssignmentWriter.Loaded l) {
            loaded = true;
            List<Event> events = new ArrayList<>(maybeWriteBackLeftovers());
            events.add(0, new Loaded(l.records()));
            return events;
        }
        if (e instanceof AssignmentWriter.LoadFailed f) {
            return List.of(new LoadFailed(f.why()));
        }
        AssignmentWriter.Recorded r = (AssignmentWriter.Recorded) e;
        Assignment a = r.assignment();
        if (r.error() != null) {
            String why = Failures.describe(r.error());
            if (journalAllowed && canJournal() && where == Where.ETCD && !writingBack && !writeBackWanted) {
                startJournaling(clock.getAsLong(), "recording an assignment failed (" + why + ")");
            }
            return List.of(new NotRecorded(a, "etcd: " + why, "recording assignment: " + why));
        }
        if (where == Where.ETCD && !writingBack) {
            journalAllowed = false; // etcd answered: the operator's allowance was for the outage before
        }
        if (r.result() instanceof CasResult.Recorded ok) {
            return List.of(new Recorded(a, r.value(), ok.modRevision(), ok.modRevision()));
        }
        return List.of(new Conflict(a, ((CasResult.Conflict) r.result()).current()));
    }

    private List<Event> onJournalEvent(JournalRecorder.Event e) {
        if (e instanceof JournalRecorder.Opened o) {
            journalRead = true;
            unwritten.addAll(o.entries());
            List<Event> events = new ArrayList<>(maybeWriteBackLeftovers());
            events.add(0, new JournalRead(List.copyOf(o.entries()), ""));
            return events;
        }
        if (e instanceof JournalRecorder.Unusable u) {
            journalRead = true;
            journalProblem = u.problem();
            return List.of(new JournalRead(List.of(), u.problem()));
        }
        return onJournaled((JournalRecorder.Journaled) e);
    }

    private List<Event> onJournaled(JournalRecorder.Journaled d) {
        List<Event> events = new ArrayList<>();
        String before = detail;
        for (JournalRecorder.Line line : d.lines()) {
            journaling--;
            if (d.error() != null) {
                detail = "journal " + settings.assignmentJournal() + ": " + Failures.describe(d.error());
                events.add(new NotRecorded(line.assignment(), detail, null));
                continue;
            }
            AssignmentJournal.Entry entry = line.entry();
            unwritten.add(entry);
            journaledCount++;
            events.add(new Recorded(line.assignment(), entry.value(), entry.baseRevision(), -entry.seq()));
        }
        if (d.error() != null && !detail.equals(before)) { // logged once per distinct problem
            ctx.getLog().error("writing the assignment journal failed, starts are not sent: {}", detail);
        } else if (d.error() == null && !d.lines().isEmpty() && before.startsWith("journal ")) {
            detail = "";
            ctx.getLog().info("the assignment journal is writable again");
        }
        askViewIfDrained(events);
        return events;
    }

    // ---------------------------------------------------------------- write-back

    /** Loaded from etcd with entries an earlier incarnation left in the journal: they go back first. */
    private List<Event> maybeWriteBackLeftovers() {
        if (!loaded || (journal != null && !journalRead) || where != Where.ETCD || unwritten.isEmpty()
                || writeBackWanted || writingBack) {
            return List.of();
        }
        ctx.getLog().info("{} journaled assignments of an earlier incarnation: writing them back to etcd before "
                + "planning", unwritten.size());
        List<Event> events = new ArrayList<>();
        wantWriteBack(events);
        return events;
    }

    /** On every tick: while journaling, ping etcd (with backoff); with journal entries to write back, do so. */
    private List<Event> onTick() {
        long now = clock.getAsLong();
        if (writingBack || writeBackWanted || pingInFlight || now < nextStoreTryMillis) {
            return List.of();
        }
        List<Event> events = new ArrayList<>();
        if (where == Where.JOURNAL) {
            pingInFlight = true;
            writeBack.tell(WriteBackRunner.Ping.INSTANCE);
        } else if (!unwritten.isEmpty() && (loaded || writeBackRound > 0)) {
            wantWriteBack(events); // again after a failed write-back (leftovers go back once loaded)
        }
        return events;
    }

    private void wantWriteBack(List<Event> events) {
        writeBackWanted = true;
        askViewIfDrained(events);
    }

    /** Lines still being written: their fsync first (and their starts), then the manager's view. */
    private void askViewIfDrained(List<Event> events) {
        if (writeBackWanted && !viewAsked && journaling == 0) {
            viewAsked = true;
            events.add(new WriteBackDue(++writeBackRound));
        }
    }

    private List<Event> onView(WriteBackView m) {
        if (!viewAsked || m.round() != writeBackRound) {
            return List.of(); // a round given up on
        }
        viewAsked = false;
        writeBackWanted = false;
        writingBack = true;
        // copied by Run: the journal may go on growing here while the write-back runs in another actor
        writeBack.tell(new WriteBackRunner.Run(unwritten, m.runningOn(), m.desired(), WRITE_BACK_ROUNDS, m.round()));
        return List.of();
    }

    private List<Event> onWriteBackEvent(WriteBackRunner.Event e) {
        if (e instanceof WriteBackRunner.Pinged p) {
            pingInFlight = false;
            if (p.error() != null) {
                backOffStore(clock.getAsLong());
                return List.of(new StoreDown("ping: " + Failures.describe(p.error())));
            }
            ctx.getLog().info("etcd answers again: writing back {} journaled assignments", unwritten.size());
            List<Event> events = new ArrayList<>();
            wantWriteBack(events);
            return events;
        }
        return onWrittenBack(((WriteBackRunner.WrittenBack) e).finished());
    }

    private List<Event> onWrittenBack(JournalWriteBack.Finished f) {
        if (!writingBack || f.round() != writeBackRound) {
            return List.of(); // a round given up on
        }
        writingBack = false;
        long now = clock.getAsLong();
        Set<String> journaled = new HashSet<>();
        unwritten.forEach(e -> journaled.add(e.instanceId()));
        writtenBackCount += f.written().size();
        for (WriteBackPlan.Keep k : f.kept()) {
            if (keptEtcdCount++ < KEPT_LOGGED) { // a summary follows; a fleet-sized journal must not log a line each
                ctx.getLog().warn("write-back of {}: {}", k.instanceId(), k.why());
            }
        }
        Map<String, AssignmentRecord> others = new HashMap<>();
        f.etcd().forEach((id, r) -> {
            if (!journaled.contains(id)) { // records of before the outage
                others.put(id, r);
            }
        });
        String error = null;
        if (f.error() != null) {
            detail = "write-back: " + Failures.describe(f.error());
            error = detail;
            ctx.getLog().warn("write-back of the assignment journal failed ({} of {} written); retrying: {}",
                    f.written().size(), unwritten.size(), Failures.describe(f.error()));
            if (journalAllowed && canJournal()) {
                where = Where.JOURNAL;
            }
            backOffStore(now);
        } else {
            ctx.getLog().info("assignment journal written back: {} written, {} kept etcd's record, {} no longer "
                    + "desired; assignments go to etcd again", f.written().size(), f.kept().size(), f.skipped().size());
            unwritten.removeIf(e -> e.seq() <= f.throughSeq());
            journal.tell(new JournalRecorder.Trim(f.throughSeq()));
            storeTryBackoff = settings.storeRetryBackoffMin();
            detail = "";
            if (unwritten.isEmpty()) {
                where = Where.ETCD;
                degradedSince = 0;
                journalAllowed = false; // the operator's allowance was for this outage
            }
        }
        return List.of(new WrittenBack(f.written(), f.kept(), others, error));
    }

    private void backOffStore(long now) {
        nextStoreTryMillis = now + storeTryBackoff.toMillis();
        storeTryBackoff = Duration.ofMillis(Math.min(settings.storeRetryBackoffMax().toMillis(),
                Math.max(1, storeTryBackoff.toMillis() * 2)));
    }
}
