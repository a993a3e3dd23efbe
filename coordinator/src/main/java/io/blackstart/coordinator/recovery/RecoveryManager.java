package io.blackstart.coordinator.recovery;

import io.blackstart.coordinator.CoordinatorSettings;
import io.blackstart.coordinator.agents.AgentChannel;
import io.blackstart.coordinator.agents.AgentGateway;
import io.blackstart.coordinator.agents.AgentSessions;
import io.blackstart.coordinator.catalog.CatalogKeeper;
import io.blackstart.coordinator.status.StatusAssembler;
import io.blackstart.coordinator.status.StatusBoard;
import io.blackstart.coordinator.status.StatusPublisher;
import io.blackstart.coordinator.status.StatusSnapshot;
import io.blackstart.coordinator.store.AssignmentJournal;
import io.blackstart.coordinator.store.DesiredStateStore;
import io.blackstart.coordinator.tracker.EtaEstimator;
import io.blackstart.coordinator.tracker.ThroughputMeter;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import io.blackstart.coordinator.store.DesiredStateStore.AssignmentRecord;
import io.blackstart.coordinator.store.DesiredStateStore.AssignmentValue;
import io.blackstart.coordinator.store.DesiredStateStore.ModeRecord;
import io.blackstart.coordinator.tracker.Tracker;
import io.blackstart.protocol.AppSpec;
import io.blackstart.protocol.Catalog;
import io.blackstart.protocol.InstanceId;
import io.blackstart.protocol.trust.NodeIdentity;
import io.blackstart.protocol.trust.Payloads;
import io.blackstart.protocol.trust.TrustException;
import io.blackstart.protocol.wire.AgentCommand;
import io.blackstart.protocol.wire.AgentEvent;
import io.blackstart.protocol.wire.CborSerializable;
import io.blackstart.scheduler.event.LedgerEvent;
import io.blackstart.scheduler.event.ModeChanged;
import io.blackstart.protocol.wire.ContainerState;
import io.blackstart.protocol.wire.StartResult;
import io.blackstart.scheduler.Assignment;
import io.blackstart.scheduler.InstanceState;
import io.blackstart.scheduler.Ledger;
import io.blackstart.scheduler.StopOrder;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.serialization.SerializationExtension;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.BehaviorBuilder;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.actor.typed.receptionist.Receptionist;
import org.apache.pekko.actor.typed.receptionist.ServiceKey;
import org.slf4j.Logger;
import org.slf4j.MDC;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Map.Entry;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * The recovery manager: one per coordinator cluster (a cluster singleton on the role {@code coordinator}).
 *
 * <p><b>Responsibility.</b> Owns the {@link Ledger} and is the only writer of placement decisions. It feeds the
 * ledger with the catalog (from the local {@link CatalogKeeper}), the agents' full reports and start outcomes
 * (through the {@link AgentGateway}s) and time; it carries out what the ledger decides: every {@link Assignment}
 * is first recorded — in etcd by compare-and-set, or in the journal (see below) — by its child
 * {@link AssignmentRecorder} (which revision to expect is the {@link AssignmentBook}'s) and only then sent as
 * {@link AgentCommand.StartInstance} to the host's agent; every {@link StopOrder} becomes a {@link AgentCommand.StopInstance}. It also owns the recovery mode
 * (entered by itself when more than auto-threshold of the desired instances is down at start or after losing
 * hosts, left when the ledger has converged, or switched by an operator), has its child {@link ModeWriter} store
 * it in etcd and tells every agent. It makes a
 * {@link StatusSnapshot} about every status-interval, with the view of the recovery {@link Tracker} (throughput,
 * ETA, timeline, downtime), which it feeds every event of the log as the ledger emits it and the agents' container
 * stop times as reports come; its child {@link StatusPublisher} sends the events and the snapshots, in that order,
 * to every coordinator node's {@link StatusBoard}.
 *
 * <p><b>States.</b> <i>rebuilding</i>: waits for the assignment records and the mode from etcd (its children
 * load them, retrying with backoff) and for the journal to be read, asks every agent known to the receptionist for a full report and waits until all of them reported
 * or settle-time passed (counted in ticks), and until a catalog is there — it assigns nothing meanwhile, so a new incarnation after
 * a failover first learns which containers exist. <i>running</i>: re-plans after every catalog update, report,
 * outcome and tick, once the messages already queued are handled (a burst of them shares one plan). A host whose
 * agent left the receptionist or sent no report for host-timeout is lost.
 * Outcomes arrive straight from agents and reports through gateways, so for report-grace after a confirmed start
 * a report that misses the container is read as older than the start ({@link RecentStarts}).
 *
 * <p><b>Degraded recovery.</b> With etcd unreachable, an operator's {@code recovery start --allow-stale-catalog}
 * lets it go on from the cached catalog: the recorder then records assignments in the local
 * {@link AssignmentJournal} (fsync'd) instead of etcd, and a start is sent once its line is on disk. Only one
 * incarnation runs at a time — it is the cluster singleton, and under split-brain resolution only the side that
 * keeps the majority keeps it. While journaling the recorder pings etcd with backoff; when etcd answers, it asks
 * this actor for the ledger's view and writes the journal back by compare-and-set ({@link WriteBackPlan}: a
 * container that exists wins) while nothing is planned, then assignments go to etcd again. Entries left by an
 * earlier incarnation on this node are written back once etcd answers, before anything is planned. Whether the
 * operator allowed it, and what the status and the operator are told, is this actor's; where the records go, the
 * recorder's.
 *
 * <p><b>Never</b> blocks (etcd's and the journal's results come back as messages of its children),
 * never sends a start whose assignment was not recorded (in etcd or the journal), never decides placement itself
 * (that is the ledger's policy), never talks to Docker.
 */
public final class RecoveryManager {

    /** Receptionist key agents register under. */
    public static final ServiceKey<AgentCommand> AGENT_KEY =
            ServiceKey.create(AgentCommand.class, AgentCommand.SERVICE_KEY_ID);

    /** Messages of the recovery manager. */
    public interface Command {
    }

    /**
     * An agent event forwarded by a gateway (or received as the reply address of a start or stop). The event is
     * typed by name on the wire, as {@link AgentEvent} itself carries no type information.
     */
    public record AgentEventReceived(
            @JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
            @JsonSubTypes({
                    @JsonSubTypes.Type(value = AgentEvent.AgentReport.class, name = "report"),
                    @JsonSubTypes.Type(value = AgentEvent.StartOutcome.class, name = "start-outcome"),
                    @JsonSubTypes.Type(value = AgentEvent.StopOutcome.class, name = "stop-outcome"),
                    @JsonSubTypes.Type(value = AgentEvent.Hello.class, name = "hello"),
                    @JsonSubTypes.Type(value = AgentEvent.Sealed.class, name = "sealed")})
            AgentEvent event) implements Command, CborSerializable {
    }

    /**
     * Operator command: enter ({@code recovery = true}) or leave recovery mode. With TLS on, taken only with a
     * {@link ModeProof} by a coordinator certificate (the API and JMX of coordinator nodes make one).
     */
    public record SetMode(boolean recovery, boolean allowStaleCatalog, ActorRef<ModeReply> replyTo, ModeProof proof)
            implements Command, CborSerializable {
        /** Without a proof (plain tcp: tests, the bench). */
        public SetMode(boolean recovery, boolean allowStaleCatalog, ActorRef<ModeReply> replyTo) {
            this(recovery, allowStaleCatalog, replyTo, null);
        }

        /** The command as a coordinator node's API or JMX sends it: signed when the node has an identity. */
        public static SetMode from(Optional<NodeIdentity> identity, boolean recovery, boolean allowStaleCatalog,
                                   ActorRef<ModeReply> replyTo) {
            return new SetMode(recovery, allowStaleCatalog, replyTo, identity.map(i -> ModeProof.sign(i, recovery,
                    allowStaleCatalog, System.currentTimeMillis())).orElse(null));
        }
    }

    /** Answer to {@link SetMode}. */
    public record ModeReply(String mode, long since, String by, String message) implements CborSerializable {
    }

    /** Reply with a fresh status snapshot (tests, tools; the HTTP API reads the {@link StatusBoard}). */
    public record GetStatus(ActorRef<StatusSnapshot> replyTo) implements Command, CborSerializable {
    }

    private record CatalogChanged(CatalogKeeper.CatalogUpdate update) implements Command {
    }

    private record AgentsListed(Set<ActorRef<AgentCommand>> agents) implements Command {
    }

    private record FromRecorder(AssignmentRecorder.Event event) implements Command {
    }

    private record FromModeWriter(ModeWriter.Event event) implements Command {
    }

    /** Periodic: host timeouts, the end of the settle time, the mode write's retry, a status. */
    private enum Tick implements Command { INSTANCE }

    private enum Replan implements Command { INSTANCE }

    /**
     * The behavior of the singleton.
     *
     * @param store        the desired-state store
     * @param catalog      the catalog keeper of the node this incarnation runs on
     * @param settings     recovery settings
     * @param clock        epoch millis (tests may drive it)
     */
    public static Behavior<Command> create(DesiredStateStore store, ActorRef<CatalogKeeper.Command> catalog,
                                           CoordinatorSettings.Recovery settings, LongSupplier clock) {
        return create(store, catalog, settings, clock, Optional.empty());
    }

    /** With an {@code identity} (TLS on), agent traffic is authenticated ({@link AgentChannel}) and so is SetMode. */
    public static Behavior<Command> create(DesiredStateStore store, ActorRef<CatalogKeeper.Command> catalog,
                                           CoordinatorSettings.Recovery settings, LongSupplier clock,
                                           Optional<NodeIdentity> identity) {
        return Behaviors.setup(ctx -> Behaviors.withTimers(timers ->
                new RecoveryManager(ctx, timers, store, catalog, settings, clock, identity).rebuilding()));
    }

    public static Behavior<Command> create(DesiredStateStore store, ActorRef<CatalogKeeper.Command> catalog,
                                           CoordinatorSettings.Recovery settings) {
        return create(store, catalog, settings, System::currentTimeMillis);
    }

    private final ActorContext<Command> ctx;
    private final TimerScheduler<Command> timers;
    private final CoordinatorSettings.Recovery settings;
    private final LongSupplier clock;
    private final String incarnation;
    private final Ledger ledger;
    private final AssignmentBook book;
    private final ActorRef<AgentEvent> replyAddress;
    private final AgentSessions sessions;
    private final ModeProof.Checker modeChecker; // null: not authenticated
    private final ActorRef<StatusPublisher.Command> publisher;
    private final ThroughputMeter throughput = new ThroughputMeter(30_000);
    private final RecentStarts recentStarts;
    private final Tracker tracker = new Tracker(Tracker.Settings.DEFAULT);

    // rebuilding
    private boolean assignmentsLoaded;
    private boolean modeLoaded;
    private boolean settled;
    /** Ticks until the settle time is over. */
    private long settleTicksLeft;
    private final ActorRef<AssignmentRecorder.Command> recorder;

    // catalog
    private CatalogKeeper.CatalogUpdate latestCatalog;
    // the apps of the catalog the ledger has, by id: every confirmed start looks up its image
    private Map<String, AppSpec> appliedApps = Map.of();
    private boolean catalogApplied;
    private boolean allowStaleCatalog;

    // mode
    private final RecoveryMode mode;
    private final ActorRef<ModeWriter.Command> modeWriter;

    // store health as seen by this actor's own calls
    private boolean storeOk = true;
    private String storeDetail = "";
    private long lastPublished;
    private boolean replanQueued;
    private long lastSnapshotMillis;

    // degraded recovery
    /** The recorder's state as last told (its {@link AssignmentRecorder.State}), or as a command just sent makes it. */
    private AssignmentRecorder.State recording = AssignmentRecorder.State.INITIAL;
    private final boolean journalConfigured;
    private boolean journalRead;
    private String journalProblem = ""; // the journal could not be read: no degraded recovery
    /** What an earlier incarnation left in the journal: a degraded rebuild's knowledge in place of etcd's records. */
    private List<AssignmentJournal.Entry> journalLeftovers = List.of();
    /** The assignment token (-seq) of the latest journaled start of each instance, for telling stale outcomes. */
    private final Map<String, Long> journalTokens = new HashMap<>();
    /** A write-back round the recorder asked a view for while rebuilding (0: none): answered when running. */
    private long writeBackDue;
    /**
     * The operator's stale-catalog allowance is for one outage: journaling may begin only while it stands, and it
     * ends with the next successful etcd call made while assignments go to etcd.
     */
    private boolean journalAllowed;
    /** The number of the last {@link AssignmentRecorder.Allowance} sent; an older recorder state is out of date. */
    private long allowanceSeq;
    private Boolean operatorRecovery; // the mode asked for by the operator command that allowed the stale catalog
    /** Snapshots take at most about 1 / (1 + this) of the recovery manager's time. */
    private static final int STATUS_COST_FACTOR = 9;
    /** Longest an event waits in the log before it is sent, when no status is published meanwhile. */
    private static final Duration EVENT_FLUSH_DELAY = Duration.ofMillis(100);

    private RecoveryManager(ActorContext<Command> ctx, TimerScheduler<Command> timers, DesiredStateStore store,
                            ActorRef<CatalogKeeper.Command> catalog, CoordinatorSettings.Recovery settings,
                            LongSupplier clock, Optional<NodeIdentity> identity) {
        this.ctx = ctx;
        this.timers = timers;
        this.settings = settings;
        this.clock = clock;
        this.incarnation = ctx.getSystem().address().hostPort() + "/" + UUID.randomUUID().toString().substring(0, 8);
        this.publisher = ctx.spawn(StatusPublisher.create(incarnation, EVENT_FLUSH_DELAY), "status-publisher");
        this.ledger = new Ledger(settings.ledger(), new SplittableRandom(), this::logEvent);
        this.book = new AssignmentBook(incarnation, settings.assignmentClockSkew().toMillis());
        this.recentStarts = new RecentStarts(settings.reportGrace().toMillis());
        this.replyAddress = ctx.messageAdapter(AgentEvent.class, AgentEventReceived::new);
        this.sessions = new AgentSessions(new AgentChannel(identity,
                new Payloads(SerializationExtension.get(Adapter.toClassic(ctx.getSystem()))), replyAddress, ctx.getLog(),
                clock, settings.reportResyncBackoff().toMillis()), replyAddress, ctx.getLog(),
                settings.reportResyncBackoff().toMillis());
        this.modeChecker = identity.map(i -> new ModeProof.Checker(i.peers(), settings.modeCommandMaxAge().toMillis()))
                .orElse(null);
        if (identity.isEmpty()) {
            ctx.getLog().warn("no TLS identity (plain tcp): agent reports, starts and mode commands inside the cluster"
                    + " are NOT authenticated");
        }
        this.journalConfigured = settings.assignmentJournal() != null;
        this.mode = new RecoveryMode(settings.autoThreshold(), clock.getAsLong());
        this.recorder = ctx.spawn(AssignmentRecorder.create(store, ctx.messageAdapter(AssignmentRecorder.Event.class,
                FromRecorder::new), settings, clock), "assignment-recorder");
        ctx.watch(recorder); // it holds what is being recorded: if it fails, so does this incarnation (and restarts)
        this.modeWriter = ctx.spawn(ModeWriter.create(store, ctx.messageAdapter(ModeWriter.Event.class,
                FromModeWriter::new), settings.storeRetryBackoffMin(), settings.storeRetryBackoffMax()), "mode-writer");
        ctx.getLog().info("recovery manager {} starting: rebuilding from etcd and agent reports", incarnation);

        ctx.getSystem().receptionist().tell(Receptionist.subscribe(AGENT_KEY, ctx.messageAdapter(
                Receptionist.Listing.class,
                // all instances, reachable or not: an agent is lost when it is removed from the cluster (or stops
                // reporting), not on a moment of unreachability that would re-place everything it runs
                l -> new AgentsListed(l.getAllServiceInstances(AGENT_KEY)))));
        catalog.tell(new CatalogKeeper.Subscribe(ctx.messageAdapter(CatalogKeeper.CatalogUpdate.class, CatalogChanged::new)));
        // the settle time is counted in ticks (fixed delay: never shorter); it ends up to one tick late
        this.settleTicksLeft = Math.max(1, -Math.floorDiv(-settings.settleTime().toMillis(),
                Math.max(1, settings.tickInterval().toMillis())));
        timers.startTimerWithFixedDelay(Tick.INSTANCE, settings.tickInterval());
    }

    // ---------------------------------------------------------------- behaviors

    private Behavior<Command> rebuilding() {
        return common(Behaviors.receive(Command.class))
                .onMessage(AgentEventReceived.class, this::onAgentEventWhileRebuilding)
                .onMessage(FromRecorder.class, this::onRecorderWhileRebuilding)
                .onMessage(FromModeWriter.class, this::onModeWriterWhileRebuilding)
                .onMessage(CatalogChanged.class, m -> { latestCatalog = m.update(); return maybeRun(); })
                .onMessage(AgentsListed.class, m -> {
                    onListed(m.agents());
                    return maybeRun();
                })
                .onMessage(Tick.class, m -> {
                    settled |= --settleTicksLeft <= 0;
                    publishStatus(false);
                    return maybeRun();
                })
                .onMessage(SetMode.class, this::onSetModeWhileRebuilding)
                .onMessage(Replan.class, m -> {
                    replanQueued = false;
                    return Behaviors.same();
                })
                .build();
    }

    private Behavior<Command> running() {
        return common(Behaviors.receive(Command.class))
                .onMessage(AgentEventReceived.class, this::onAgentEvent)
                .onMessage(CatalogChanged.class, this::onCatalogChanged)
                .onMessage(AgentsListed.class, this::onAgentsListedRunning)
                .onMessage(Tick.class, this::onTick)
                .onMessage(Replan.class, this::onReplan)
                .onMessage(FromRecorder.class, m -> onRecorder((AssignmentRecorder.Batch) m.event()))
                .onMessage(SetMode.class, this::onSetMode)
                .onMessage(FromModeWriter.class, this::onModeWriter)
                .build();
    }

    private BehaviorBuilder<Command> common(BehaviorBuilder<Command> b) {
        return b.onMessage(GetStatus.class, m -> { m.replyTo().tell(snapshot()); return Behaviors.same(); });
    }

    // ---------------------------------------------------------------- rebuilding

    /**
     * Rebuilding: the assignment records, the journal, the recorder's state, a write-back due, a failed ping (a
     * degraded rebuild waiting for an earlier incarnation's starts); nothing is recorded yet.
     */
    private Behavior<Command> onRecorderWhileRebuilding(FromRecorder m) {
        boolean mayDegrade = false;
        AssignmentRecorder.Batch batch = (AssignmentRecorder.Batch) m.event();
        for (AssignmentRecorder.Event e : batch.events()) {
            if (e instanceof AssignmentRecorder.StoreDown d) {
                storeFailed(d.why());
            } else if (e instanceof AssignmentRecorder.LoadFailed f) {
                storeFailed(f.why());
                mayDegrade = true;
            } else if (e instanceof AssignmentRecorder.Loaded loaded && !assignmentsLoaded) {
                assignmentsLoaded = true;
                storeOk();
                long now = clock.getAsLong();
                book.loaded(loaded.records(), now);
                tracker.hostsExpected(loaded.records().values().stream().map(r -> r.value().node()).toList(),
                        now); // where instances ran before: a host that never reports again is shown
                ctx.getLog().info("loaded {} assignment records", loaded.records().size());
            } else if (e instanceof AssignmentRecorder.JournalRead read) {
                journalRead = true;
                journalLeftovers = read.entries();
                journalProblem = read.problem();
                mayDegrade = true;
            } else if (e instanceof AssignmentRecorder.WriteBackDue due) {
                writeBackDue = due.round();
            }
        }
        if (batch.state() != null) {
            onRecordingState(batch.state());
        }
        return mayDegrade ? maybeDegrade() : maybeRun();
    }

    private Behavior<Command> onModeWriterWhileRebuilding(FromModeWriter m) {
        if (!(m.event() instanceof ModeWriter.Loaded loaded)) {
            return onModeWriter(m);
        }
        if (!modeLoaded) {
            modeLoaded = true;
            loaded.mode().ifPresent(mode::loaded);
        }
        return maybeRun();
    }

    /** True if {@code m} may be taken; else it was answered "refused" and logged. */
    private boolean authorized(SetMode m) {
        if (modeChecker == null) {
            return true;
        }
        try {
            String by = modeChecker.check(m.recovery(), m.allowStaleCatalog(), m.proof(), clock.getAsLong());
            ctx.getLog().info("mode command ({}) from coordinator {}", m.recovery() ? "start" : "stop", by);
            return true;
        } catch (TrustException e) {
            ctx.getLog().warn("mode command refused: {}", e.getMessage());
            m.replyTo().tell(mode.reply("refused: " + e.getMessage()));
            return false;
        }
    }

    private Behavior<Command> onSetModeWhileRebuilding(SetMode m) {
        if (!authorized(m)) {
            return Behaviors.same();
        }
        if (m.allowStaleCatalog()) {
            // the cached catalog may be used; with etcd unreachable, assignments go to the journal
            allowStaleCatalog = true;
            journalAllowed = true;
            operatorRecovery = m.recovery();
            if (canDegrade()) {
                Behavior<Command> next = maybeDegrade();
                m.replyTo().tell(mode.reply(degradedMessage()));
                return next;
            }
            tellAllowance(false, "", clock.getAsLong());
        }
        String why = m.allowStaleCatalog() && !storeOk && !journalConfigured
                ? " (stale catalog allowed, but etcd is unreachable and no assignment journal is configured: "
                + "blackstart.coordinator.recovery.assignment-journal-file; nothing can be started until etcd answers)"
                : m.allowStaleCatalog() && !journalProblem.isEmpty()
                ? " (stale catalog allowed, but the assignment journal is unusable: " + journalProblem + ")"
                : m.allowStaleCatalog() ? " (stale catalog allowed)" : "";
        m.replyTo().tell(mode.reply("rebuilding: the recovery manager is still reading etcd and the agents' reports; retry" + why));
        return maybeRun();
    }

    private Behavior<Command> onAgentEventWhileRebuilding(AgentEventReceived received) {
        AgentEvent event = sessions.receive(received.event());
        if (event == null) {
            return Behaviors.same();
        }
        AgentEventReceived m = new AgentEventReceived(event);
        if (m.event() instanceof AgentEvent.AgentReport delta) {
            long now = clock.getAsLong();
            AgentEvent.AgentReport r = sessions.complete(delta, now);
            if (r == null) {
                return Behaviors.same();
            }
            if (sessions.held(r, now) == null) {
                ctx.getLog().info("rebuild: report from {} ({} containers)", r.nodeId(), r.containers().size());
            }
            return maybeRun();
        }
        // outcomes of an earlier incarnation's starts: the next full report shows their containers
        ctx.getLog().debug("rebuild: ignoring {}", m.event());
        return Behaviors.same();
    }

    private AgentSessions.Listing onListed(Set<ActorRef<AgentCommand>> now) {
        return sessions.listed(now, "recovery manager " + incarnation + " started");
    }

    private Behavior<Command> maybeRun() {
        Optional<Catalog> catalog = usableCatalog();
        if (!assignmentsLoaded || !modeLoaded || catalog.isEmpty() || !(settled || sessions.everyListedAgentReported())
                || (journalConfigured && !journalRead)) {
            return Behaviors.same(); // the journal must be read first: its entries go back to etcd before planning
        }
        long now = clock.getAsLong();
        if (recording.where() == AssignmentRecorder.Where.JOURNAL && startsStillInFlight(catalog.get(), now)) {
            return Behaviors.same(); // re-checked on every report and tick
        }
        applyCatalog(catalog.get(), now);
        for (AgentSessions.Session s : List.copyOf(sessions.all())) {
            tracker.containersReported(now, s.report().containers()); // the reports held while rebuilding
            stop(ledger.hostReported(sessions.hostReport(s.report(), s.report().containers()), now));
        }
        ctx.getLog().info("rebuild done: {} desired instances, {} hosts, down share {}", ledger.instanceCount(),
                sessions.size(), String.format("%.2f", ledger.downShare()));
        if (mode.shouldEnter(ledger.downShare())) {
            switchMode(true, ModeRecord.AUTO, now, "down share " + String.format("%.2f", ledger.downShare())
                    + " > " + settings.autoThreshold() + " at start");
        } else {
            broadcastMode();
        }
        if (writeBackDue != 0) { // the journal's entries of an earlier incarnation go back to etcd before planning
            answerWriteBack(writeBackDue);
            writeBackDue = 0;
        }
        replanSoon();
        publishStatus(true);
        return running();
    }

    // ---------------------------------------------------------------- running

    private Behavior<Command> onCatalogChanged(CatalogChanged m) {
        latestCatalog = m.update();
        usableCatalog().ifPresent(c -> {
            long now = clock.getAsLong();
            applyCatalog(c, now);
            replanSoon();
        });
        publishStatus(false);
        return Behaviors.same();
    }

    private Optional<Catalog> usableCatalog() {
        if (latestCatalog == null) {
            return Optional.empty();
        }
        if (latestCatalog.source() == CatalogKeeper.Source.CACHE && !allowStaleCatalog) {
            return Optional.empty();
        }
        return Optional.of(latestCatalog.catalog());
    }

    private void applyCatalog(Catalog catalog, long now) {
        Set<String> before = new HashSet<>();
        ledger.forEachInstance((id, app, tier, state, node, attempt, failure) -> before.add(id));
        stop(ledger.setCatalog(catalog, now));
        appliedApps = catalog.apps();
        catalogApplied = true;
        Set<String> after = new HashSet<>();
        ledger.forEachInstance((id, app, tier, state, node, attempt, failure) -> after.add(id));
        before.removeAll(after);
        for (String gone : before) {
            // the instance is no longer desired: its record would only block a future instance of that id
            long expected = book.expectedRevision(gone);
            if (expected != 0) {
                book.forget(gone);
                recorder.tell(new AssignmentRecorder.Delete(gone));
            }
        }
    }

    private Behavior<Command> onAgentEvent(AgentEventReceived received) {
        AgentEvent event = sessions.receive(received.event());
        if (event == null) {
            return Behaviors.same();
        }
        AgentEventReceived m = new AgentEventReceived(event);
        long now = clock.getAsLong();
        if (m.event() instanceof AgentEvent.AgentReport r) {
            onReport(r, now);
        } else if (m.event() instanceof AgentEvent.StartOutcome o) {
            debugAbout(o.instanceId(), log -> log.debug("start of {} on {} (attempt {}): {} {}", o.instanceId(),
                    o.nodeId(), o.attempt(), o.result(), o.detail() == null ? "" : o.detail()));
            if (o.result() != StartResult.STARTED && !currentAssignment(o.instanceId(), o.assignment())) {
                // the failure of a start this incarnation did not send (an earlier one did): not ours to count
                debugAbout(o.instanceId(), log -> log.debug("ignoring stale outcome of {} (assignment {})",
                        o.instanceId(), o.assignment()));
            } else {
                if (o.result() == StartResult.STARTED) {
                    Ledger.InstanceView v = ledger.instance(o.instanceId());
                    if (v != null) {
                        recentStarts.started(o.nodeId(), o.instanceId(), v.appId(), o.containerId(),
                                imageOf(v.appId()), o.health(), now);
                    }
                }
                stop(ledger.startOutcome(o.nodeId(), o.instanceId(), o.attempt(), o.result(), o.detail(), o.health(),
                        now));
            }
        } else if (m.event() instanceof AgentEvent.StopOutcome o) {
            debugAbout(o.instanceId(), log -> log.debug("stop of {} on {}: {} {}", o.instanceId(), o.nodeId(),
                    o.stopped(), o.detail()));
        }
        replanSoon();
        publishStatus(false);
        return Behaviors.same();
    }

    private void onReport(AgentEvent.AgentReport delta, long now) {
        AgentEvent.AgentReport r = sessions.complete(delta, now);
        if (r == null) {
            return;
        }
        AgentSessions.Session previous = sessions.reported(r, now);
        tracker.containersReported(now, delta.containers()); // a delta lists every container that changed
        if (previous == null || !previous.ref().equals(r.agent())) {
            ctx.getLog().info("host {} reporting (credits {}, {} containers)", r.nodeId(), r.credits(), r.containers().size());
            sessions.send(r.agent(), new AgentCommand.SetRecoveryMode(mode.on()));
        } else if (r.gcHeld() != mode.on()) {
            sessions.send(r.agent(), new AgentCommand.SetRecoveryMode(mode.on()));
        }
        stop(ledger.hostReported(sessions.hostReport(r, recentStarts.containers(r.nodeId(), r.containers(), now)),
                now));
    }

    private String imageOf(String appId) {
        AppSpec app = appliedApps.get(appId);
        return app == null ? "" : app.image();
    }

    private Behavior<Command> onAgentsListedRunning(AgentsListed m) {
        AgentSessions.Listing listing = onListed(m.agents());
        listing.added().stream().filter(sessions::hasSession)
                .forEach(ref -> sessions.send(ref, new AgentCommand.SetRecoveryMode(mode.on())));
        sessions.left(listing.removed());
        long now = clock.getAsLong();
        boolean lost = false;
        // only a registration seen before and gone now counts: a report may arrive before the registration has
        // spread to this node
        for (String node : sessions.hostsOf(listing.removed())) {
            lost |= loseHost(node, "its agent left the cluster", now);
        }
        afterHostsLost(lost, now);
        replanSoon();
        return Behaviors.same();
    }

    private boolean loseHost(String nodeId, String why, long now) {
        if (sessions.lose(nodeId) == null) {
            return false;
        }
        recentStarts.forget(nodeId);
        ctx.getLog().warn("host {} lost: {}", nodeId, why);
        ledger.hostLost(nodeId, now);
        return true;
    }

    private void afterHostsLost(boolean lost, long now) {
        if (lost && mode.shouldEnter(ledger.downShare())) {
            switchMode(true, ModeRecord.AUTO, now, "down share " + String.format("%.2f", ledger.downShare())
                    + " > " + settings.autoThreshold() + " after losing hosts");
        }
    }

    private Behavior<Command> onTick(Tick m) {
        long now = clock.getAsLong();
        boolean lost = false;
        for (Map.Entry<String, Long> e : sessions.silentLongerThan(settings.hostTimeout().toMillis(), now).entrySet()) {
            lost |= loseHost(e.getKey(), "no report for " + e.getValue() + " ms", now);
        }
        afterHostsLost(lost, now);
        ledger.tick(now);
        if (mode.shouldLeave(catalogApplied, ledger.converged())) {
            switchMode(false, ModeRecord.AUTO, now, "converged: every desired instance is running or failed");
        }
        modeWriter.tell(ModeWriter.Retry.INSTANCE);
        replanSoon();
        publishStatus(false);
        return Behaviors.same();
    }

    /**
     * Plans once the messages already in the mailbox are handled: under load, the outcomes and reports of many hosts
     * then share one plan (and one pass over the hosts for the peaks) instead of each paying for its own.
     */
    private void replanSoon() {
        if (!replanQueued) {
            replanQueued = true;
            ctx.getSelf().tell(Replan.INSTANCE);
        }
    }

    private Behavior<Command> onReplan(Replan m) {
        replanQueued = false;
        replan(clock.getAsLong());
        publishStatus(false);
        return Behaviors.same();
    }

    private void replan(long now) {
        if (recording.planningPaused()) {
            return; // the journal goes back to etcd first: a plan now could contradict it
        }
        List<Assignment> plan = ledger.plan(now);
        if (!plan.isEmpty()) {
            sessions.notePlanned(ledger.hosts());
        }
        List<AssignmentRecorder.Wanted> wanted = new ArrayList<>();
        for (Assignment a : plan) {
            long hold = a.container().startTimeoutSeconds() * 1000L + settings.ledger().outcomeGraceMillis();
            String why = book.holdBack(a.instanceId(), a.nodeId(), hold, now);
            if (why != null) {
                ledger.assignmentConflict(a.instanceId(), a.nodeId(), why, now);
                continue;
            }
            AssignmentValue value = new AssignmentValue(a.nodeId(), a.attempt(), incarnation, now);
            wanted.add(new AssignmentRecorder.Wanted(a, value, book.expectedRevision(a.instanceId())));
        }
        if (!wanted.isEmpty()) {
            recorder.tell(new AssignmentRecorder.Record(wanted)); // journaled: one fsync per plan
        }
    }

    /** The start of a recorded assignment, if the ledger still wants it; {@code token} is echoed in its outcome. */
    private void startRecorded(Assignment a, long token, long now) {
        if (sessions.get(a.nodeId()) == null) {
            // the host went away while the record was written: the ledger already made the instance pending
            ledger.assignmentConflict(a.instanceId(), a.nodeId(), "host gone", now);
            return;
        }
        ledger.assignmentRecorded(a.instanceId(), a.nodeId(), token, now);
        Ledger.InstanceView v = ledger.instance(a.instanceId());
        if (v != null && v.state() == InstanceState.STARTING && a.nodeId().equals(v.nodeId())
                && v.attempt() == a.attempt()) {
            debugAbout(a.instanceId(), log -> log.debug("assigned {} to {} (attempt {}, assignment {}): start sent",
                    a.instanceId(), a.nodeId(), a.attempt(), token));
            sessions.send(a.nodeId(), new AgentCommand.StartInstance(a.instanceId(), a.appId(), a.container(), token,
                    a.attempt(), replyAddress));
        } else {
            // meanwhile no longer desired, or already running elsewhere: the record stays, no start is sent
            debugAbout(a.instanceId(), log -> log.debug("not starting {}: {}", a.instanceId(),
                    v == null ? "no longer desired" : v.state()));
        }
    }

    /** Running: what became of the assignments sent to be recorded, the write-back, then the recorder's state. */
    private Behavior<Command> onRecorder(AssignmentRecorder.Batch batch) {
        long now = clock.getAsLong();
        boolean replan = false;
        for (AssignmentRecorder.Event e : batch.events()) {
            replan |= onRecorderEvent(e, now);
        }
        if (batch.state() != null) {
            onRecordingState(batch.state());
        }
        if (replan) {
            replanSoon();
            publishStatus(false);
        }
        return Behaviors.same();
    }

    /** One event of the recorder; true if it may change the plan. */
    private boolean onRecorderEvent(AssignmentRecorder.Event event, long now) {
        if (event instanceof AssignmentRecorder.Recorded r) {
            Assignment a = r.assignment();
            if (r.journaled()) {
                journalTokens.put(a.instanceId(), r.token());
            } else {
                storeOk();
                journalTokens.remove(a.instanceId());
            }
            book.recorded(a.instanceId(), r.value(), r.revision(), now);
            startRecorded(a, r.token(), now);
        } else if (event instanceof AssignmentRecorder.Conflict c) {
            storeOk();
            Assignment a = c.assignment();
            book.conflicted(a.instanceId(), c.current(), now);
            ledger.assignmentConflict(a.instanceId(), a.nodeId(), "assignment record changed" + c.current()
                    .map(r -> " (now " + r.value().node() + " by " + r.value().coordinator() + ")").orElse(""), now);
        } else if (event instanceof AssignmentRecorder.NotRecorded n) {
            if (n.storeProblem() != null) {
                storeFailed(n.storeProblem());
            }
            ledger.assignmentConflict(n.assignment().instanceId(), n.assignment().nodeId(), n.why(), now);
        } else if (event instanceof AssignmentRecorder.StoreDown d) {
            storeFailed(d.why());
            return false;
        } else if (event instanceof AssignmentRecorder.WriteBackDue due) {
            answerWriteBack(due.round());
            return false;
        } else if (event instanceof AssignmentRecorder.WrittenBack w) {
            onWrittenBack(w, now);
        } else {
            return false; // a late load or journal read is of no use any more
        }
        return true;
    }

    private Behavior<Command> onSetMode(SetMode m) {
        if (!authorized(m)) {
            return Behaviors.same();
        }
        long now = clock.getAsLong();
        if (m.allowStaleCatalog() && !allowStaleCatalog) {
            allowStaleCatalog = true;
            usableCatalog().ifPresent(c -> applyCatalog(c, now));
        }
        if (m.allowStaleCatalog()) {
            journalAllowed = true;
            if (!storeOk && canJournal() && recording.where() == AssignmentRecorder.Where.ETCD) {
                journalFrom(now, "operator command with the stale catalog allowed");
            } else {
                tellAllowance(false, "", now);
            }
        }
        if (mode.operatorChanges(m.recovery())) {
            switchMode(m.recovery(), ModeRecord.OPERATOR, now, "operator command");
        }
        if (recording.where() == AssignmentRecorder.Where.JOURNAL) {
            m.replyTo().tell(mode.reply(degradedMessage()));
        } else {
            modeWriter.tell(new ModeWriter.WhenStored(mode.record(), m.replyTo())); // answered once stored in etcd
        }
        replanSoon();
        publishStatus(true);
        return Behaviors.same();
    }

    // ---------------------------------------------------------------- mode

    private void switchMode(boolean on, String by, long now, String why) {
        boolean changed = on != mode.on();
        ModeChanged event = mode.set(on, by, now, catalogApplied && !ledger.converged());
        if (event != null) {
            logEvent(event);
        }
        if (changed) {
            ctx.getLog().info("recovery mode {} ({}: {})", on ? "ON" : "OFF", by, why);
        }
        modeWriter.tell(new ModeWriter.Write(mode.record()));
        broadcastMode();
    }

    /** Running: the mode writer's results only tell etcd's health (its late read is of no use any more). */
    private Behavior<Command> onModeWriter(FromModeWriter m) {
        if (m.event() instanceof ModeWriter.Failed f) {
            storeFailed(f.why());
        } else if (m.event() instanceof ModeWriter.Stored) {
            storeOk();
        }
        return Behaviors.same();
    }

    private void broadcastMode() {
        sessions.broadcast(new AgentCommand.SetRecoveryMode(mode.on()));
    }

    // ---------------------------------------------------------------- helpers

    /**
     * Logs one line about one instance, with its id in the MDC ({@link InstanceId#MDC_KEY}) for that line only: set
     * and removed on this actor's thread around the call, so it never outlives the line or leaks to another message.
     */
    private void debugAbout(String instanceId, Consumer<Logger> line) {
        if (ctx.getLog().isDebugEnabled()) { // the outcome path runs per start: no MDC work for a line not written
            about(instanceId, line);
        }
    }

    private void about(String instanceId, Consumer<Logger> line) {
        try (MDC.MDCCloseable ignored = MDC.putCloseable(InstanceId.MDC_KEY, instanceId)) {
            line.accept(ctx.getLog());
        }
    }

    private void stop(List<StopOrder> orders) {
        for (StopOrder o : orders) {
            if (sessions.send(o.nodeId(), new AgentCommand.StopInstance(o.instanceId(), o.reason(), replyAddress))) {
                about(o.instanceId(), log -> log.info("stopping {} on {}: {}", o.instanceId(), o.nodeId(), o.reason()));
            }
        }
    }

    private void storeFailed(String why) {
        if (storeOk) {
            ctx.getLog().warn("etcd degraded: {}", why);
        }
        storeOk = false;
        storeDetail = why;
    }

    private void storeOk() {
        storeOk = true;
        storeDetail = "";
        if (journalAllowed && recording.where() == AssignmentRecorder.Where.ETCD && !recording.writingBack()) {
            journalAllowed = false;
            tellAllowance(false, "", clock.getAsLong());
        }
    }

    private void publishStatus(boolean force) {
        long now = clock.getAsLong();
        // a snapshot lists every desired instance: at 100,000 instances building one takes tens of milliseconds and
        // its garbage lengthens GC pauses, so the next one waits at least STATUS_COST_FACTOR times as long as the
        // last one took; the status may be older than status-interval, the recovery manager keeps placing
        long gap = Math.max(settings.statusInterval().toMillis(), STATUS_COST_FACTOR * lastSnapshotMillis);
        if (!force && now - lastPublished < gap) {
            return;
        }
        lastPublished = now;
        long t0 = System.nanoTime();
        StatusSnapshot s = snapshot();
        lastSnapshotMillis = (System.nanoTime() - t0) / 1_000_000;
        publisher.tell(new StatusPublisher.Publish(s)); // after the events told before it
    }

    /**
     * One event of the log: to the tracker now, and to the publisher, which numbers it and sends it with the next
     * snapshot or after {@link #EVENT_FLUSH_DELAY}.
     */
    private void logEvent(LedgerEvent e) {
        tracker.apply(e);
        publisher.tell(new StatusPublisher.Event(e));
    }

    private StatusSnapshot snapshot() {
        long now = clock.getAsLong();
        boolean rebuilding = !catalogApplied;
        Map<String, StatusSnapshot.HostStatus> hosts = new HashMap<>();
        Map<String, Ledger.HostView> views = new HashMap<>();
        ledger.hosts().forEach(h -> views.put(h.nodeId(), h));
        for (AgentSessions.Session s : sessions.all()) {
            AgentEvent.AgentReport r = s.report();
            Ledger.HostView v = views.get(r.nodeId());
            int[] peak = sessions.peaks(r.nodeId());
            int running = (int) r.containers().stream().filter(c -> c.state() == ContainerState.RUNNING).count();
            hosts.put(r.nodeId(), new StatusSnapshot.HostStatus(r.nodeId(), r.credits(), r.startsInFlight(),
                    r.maxCredits(), v == null ? r.credits() + r.startsInFlight() : v.granted(),
                    v == null ? 0 : v.outstanding(), r.load().memoryAvailableMb(), r.load().cpuPressure(),
                    r.containers().size(), running, r.gcHeld(), s.lastSeenMillis(),
                    v == null ? 0 : v.penalisedUntilMillis(), peak[0], peak[1]));
        }
        StatusSnapshot s = StatusAssembler.assemble(rebuilding ? "rebuilding" : "running", mode.name(), mode.since(),
                mode.by(), now, ledger, hosts.values(), latestCatalog, storeOk, storeDetail, throughput);
        if (recording.degraded()) {
            s = s.withDegraded(new StatusSnapshot.Degraded(recording.phase(), recording.degradedSince(),
                    latestCatalog == null ? 0 : latestCatalog.savedAtMillis(), recording.journaled(),
                    recording.pending(), recording.writtenBack(), recording.keptEtcd(), recording.detail()));
        }
        return rebuilding ? s : s.withTracking(tracker.view(now, s.mode(), s.modeBy(), s.modeSince(),
                EtaEstimator.dependencies(ledger.apps())));
    }

    // ---------------------------------------------------------------- degraded recovery

    private boolean canJournal() {
        return journalConfigured && journalRead && journalProblem.isEmpty();
    }

    /** Rebuilding with etcd unreachable and the stale catalog allowed: go on from the journal. */
    private boolean canDegrade() {
        return !assignmentsLoaded && !storeOk && allowStaleCatalog && journalAllowed && canJournal();
    }

    private Behavior<Command> maybeDegrade() {
        if (!canDegrade()) {
            return maybeRun();
        }
        long now = clock.getAsLong();
        // the journal's assignments are this incarnation's knowledge in place of etcd's records: an earlier
        // incarnation's starts may still be in flight, so the book holds back re-assigning them elsewhere
        Map<String, AssignmentRecord> known = new HashMap<>();
        for (AssignmentJournal.Entry e : journalLeftovers) {
            known.put(e.instanceId(), new AssignmentRecord(e.instanceId(), e.value(), e.baseRevision()));
        }
        book.loaded(known, now);
        assignmentsLoaded = true;
        modeLoaded = true;
        journalFrom(now, "rebuilding: " + storeDetail);
        if (operatorRecovery != null) {
            switchMode(operatorRecovery, ModeRecord.OPERATOR, now, "operator command (etcd unreachable)");
        }
        return maybeRun();
    }

    /**
     * Has the recorder journal assignments from now on, and takes the state that leads to at once: what is planned
     * next is journaled, and what the status and the operator are told says so.
     */
    private void journalFrom(long now, String why) {
        tellAllowance(true, why, now);
        onRecordingState(recording.journalingFrom(allowanceSeq, now)); // logs it and publishes the status
    }

    /** Tells the recorder the operator's allowance as it stands now; with {@code journalNow}, to journal from now on. */
    private void tellAllowance(boolean journalNow, String why, long now) {
        recorder.tell(new AssignmentRecorder.Allowance(++allowanceSeq, journalAllowed, journalNow, why, now));
    }

    /**
     * The recorder's state changed; the status says so at once when journaling or writing back began or ended.
     * When degraded recovery ends (everything journaled is back in etcd) so does the operator's allowance.
     */
    private void onRecordingState(AssignmentRecorder.State st) {
        if (st.allowanceSeq() < allowanceSeq) {
            return; // from before the latest allowance: the state that one leads to follows
        }
        AssignmentRecorder.State before = recording;
        recording = st;
        if (before.degraded() && !st.degraded()) {
            journalAllowed = false; // the operator's allowance was for this outage (the recorder ended its own)
            if (latestCatalog != null && latestCatalog.source() == CatalogKeeper.Source.ETCD) {
                allowStaleCatalog = false;
            }
        }
        if (st.where() == AssignmentRecorder.Where.JOURNAL && before.where() != AssignmentRecorder.Where.JOURNAL) {
            ctx.getLog().warn("degraded recovery from catalog {}", catalogInUse());
        }
        publishStatus(st.where() != before.where() || st.writingBack() != before.writingBack()
                || st.degraded() != before.degraded());
    }

    /** What an operator is told while assignments are journaled. */
    private String degradedMessage() {
        return "degraded: etcd down, recovering from catalog " + catalogInUse() + "; assignments are journaled to "
                + settings.assignmentJournal() + " and written back when etcd answers (the mode is stored then)";
    }

    /** Where the catalog in use came from: {@code cached at T}, {@code last loaded from etcd} or {@code (none yet)}. */
    private String catalogInUse() {
        if (latestCatalog == null) {
            return "(none yet)";
        }
        if (latestCatalog.source() == CatalogKeeper.Source.ETCD) {
            return "last loaded from etcd";
        }
        long cachedAt = latestCatalog.savedAtMillis();
        return "cached at " + (cachedAt == 0 ? "an unknown time" : Instant.ofEpochMilli(cachedAt));
    }

    /**
     * A degraded rebuild knows no etcd records: a start an earlier incarnation sent may still be under way on a host
     * without its container showing yet. Until no reporting host has a start in flight — or the longest start
     * timeout plus the outcome grace has passed since degraded recovery began — nothing is planned.
     */
    private boolean startsStillInFlight(Catalog catalog, long now) {
        int busy = (int) sessions.all().stream().filter(s -> s.report().startsInFlight() > 0).count();
        if (busy == 0) {
            return false;
        }
        long longest = catalog.apps().values().stream().mapToLong(a -> a.startTimeoutSeconds() * 1000L).max().orElse(0)
                + settings.ledger().outcomeGraceMillis();
        long since = recording.degradedSince();
        if (now - since >= longest) {
            return false;
        }
        ctx.getLog().info("degraded rebuild: {} hosts still run starts of an earlier incarnation; waiting up to {} ms",
                busy, since + longest - now);
        return true;
    }

    /** True if {@code token} (echoed in an outcome) is the instance's current assignment, in etcd or the journal. */
    private boolean currentAssignment(String instanceId, long token) {
        Long journaled = journalTokens.get(instanceId);
        return journaled != null ? journaled == token : token == book.expectedRevision(instanceId);
    }

    /**
     * The recorder is about to write the journal back: it gets where the ledger has each instance now (a container
     * there, or a journaled start under way there: the host the record must name) and which are desired. Planning is
     * paused from its "due" until the write-back ends ({@link AssignmentRecorder.State#planningPaused()}).
     */
    private void answerWriteBack(long round) {
        Map<String, String> runningOn = new HashMap<>();
        Set<String> desired = new HashSet<>();
        ledger.forEachInstance((id, app, tier, state, node, attempt, failure) -> {
            desired.add(id);
            if ((state.hasContainer() || state == InstanceState.STARTING) && node != null) {
                runningOn.put(id, node);
            }
        });
        recorder.tell(new AssignmentRecorder.WriteBackView(round, runningOn, desired));
    }

    private void onWrittenBack(AssignmentRecorder.WrittenBack w, long now) {
        for (JournalWriteBack.Written x : w.written()) {
            book.recorded(x.instanceId(), x.value(), x.modRevision(), now);
        }
        for (WriteBackPlan.Keep k : w.kept()) {
            book.conflicted(k.instanceId(), Optional.of(k.current()), now);
        }
        // what etcd holds for instances this journal did not touch (records of before the outage)
        w.others().forEach((id, r) -> book.conflicted(id, Optional.of(r), now));
        if (w.error() != null) {
            storeFailed(w.error());
            return;
        }
        storeOk(); // the allowance ends with the state that follows, if nothing is left to write back
    }
}
