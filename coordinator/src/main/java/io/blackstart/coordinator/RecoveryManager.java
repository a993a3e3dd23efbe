package io.blackstart.coordinator;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import io.blackstart.coordinator.DesiredStateStore.AssignmentRecord;
import io.blackstart.coordinator.DesiredStateStore.AssignmentValue;
import io.blackstart.coordinator.DesiredStateStore.CasResult;
import io.blackstart.coordinator.DesiredStateStore.ModeRecord;
import io.blackstart.coordinator.tracker.Tracker;
import io.blackstart.protocol.AppSpec;
import io.blackstart.protocol.Catalog;
import io.blackstart.protocol.trust.NodeIdentity;
import io.blackstart.protocol.trust.Payloads;
import io.blackstart.protocol.trust.TrustException;
import io.blackstart.protocol.wire.AgentCommand;
import io.blackstart.protocol.wire.AgentEvent;
import io.blackstart.protocol.wire.CborSerializable;
import io.blackstart.protocol.wire.ContainerState;
import io.blackstart.protocol.wire.StartResult;
import io.blackstart.scheduler.Assignment;
import io.blackstart.scheduler.HostReport;
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

import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Map.Entry;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.function.LongSupplier;

/**
 * The recovery manager: one per coordinator cluster (a cluster singleton on the role {@code coordinator}).
 *
 * <p><b>Responsibility.</b> Owns the {@link Ledger} and is the only writer of placement decisions. It feeds the
 * ledger with the catalog (from the local {@link CatalogKeeper}), the agents' full reports and start outcomes
 * (through the {@link AgentGateway}s) and time; it carries out what the ledger decides: every {@link Assignment}
 * is first recorded in etcd by compare-and-set (see {@link DesiredStateStore} and {@link AssignmentBook}) and
 * only then sent as {@link AgentCommand.StartInstance} to the host's agent; every {@link StopOrder} becomes a
 * {@link AgentCommand.StopInstance}. It also owns the recovery mode (entered by itself when more than
 * auto-threshold of the desired instances is down at start or after losing hosts, left when the ledger has
 * converged, or switched by an operator), stores it in etcd and tells every agent. It publishes a
 * {@link StatusSnapshot} to every coordinator node's {@link StatusBoard}, with the view of the recovery
 * {@link Tracker} it feeds (throughput, ETA, timeline, downtime) each time it builds one.
 *
 * <p><b>States.</b> <i>rebuilding</i>: loads the assignment records and the mode from etcd (retrying with
 * backoff), asks every agent known to the receptionist for a full report and waits until all of them reported
 * or settle-time passed, and until a catalog is there — it assigns nothing meanwhile, so a new incarnation after
 * a failover first learns which containers exist. <i>running</i>: re-plans after every catalog update, report,
 * outcome and tick, once the messages already queued are handled (a burst of them shares one plan). A host whose
 * agent left the receptionist or sent no report for host-timeout is lost.
 * Outcomes arrive straight from agents and reports through gateways, so for report-grace after a confirmed start
 * a report that misses the container is read as older than the start ({@link RecentStarts}).
 *
 * <p><b>Never</b> blocks (etcd results come back through {@code pipeToSelf}), never sends a start whose
 * assignment was not recorded, never decides placement itself (that is the ledger's policy), never talks to
 * Docker.
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

    private record ReplicasListed(Set<ActorRef<StatusSnapshot>> replicas) implements Command {
    }

    private record AssignmentsLoaded(Map<String, AssignmentRecord> records, Throwable error) implements Command {
    }

    private record ModeLoaded(Optional<ModeRecord> mode, Throwable error) implements Command {
    }

    private enum LoadAgain implements Command { INSTANCE }

    private enum SettleTimeout implements Command { INSTANCE }

    private enum Tick implements Command { INSTANCE }

    private enum Replan implements Command { INSTANCE }

    private record CasDone(Assignment assignment, AssignmentValue value, CasResult result, Throwable error)
            implements Command {
    }

    private record ModeWritten(ModeRecord mode, Throwable error) implements Command {
    }

    private record AgentSession(ActorRef<AgentCommand> ref, AgentEvent.AgentReport report, long lastSeenMillis) {
    }

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
    private final DesiredStateStore store;
    private final CoordinatorSettings.Recovery settings;
    private final LongSupplier clock;
    private final String incarnation;
    private final Ledger ledger;
    private final AssignmentBook book;
    private final ActorRef<AgentEvent> replyAddress;
    private final AgentChannel channel;
    private final ModeProof.Checker modeChecker; // null: not authenticated
    private final Map<String, AgentSession> agents = new LinkedHashMap<>();
    private final Set<ActorRef<AgentCommand>> listed = new HashSet<>();
    private final Set<ActorRef<AgentCommand>> reportedRefs = new HashSet<>();
    private Set<ActorRef<StatusSnapshot>> replicas = Set.of();
    private final ThroughputMeter throughput = new ThroughputMeter(30_000);
    private final RecentStarts recentStarts;
    private final HostImages hostImages = new HostImages();
    private final ReportAssembler reportAssembler = new ReportAssembler();
    /** When a full report was last asked of each agent whose delta could not be applied. */
    private final Map<String, Long> fullRequested = new HashMap<>();
    private final Map<String, int[]> peaks = new HashMap<>(); // node -> {outstanding, starts in flight}
    private final Tracker tracker = new Tracker(Tracker.Settings.DEFAULT);
    private final TrackerInbox trackerInbox = new TrackerInbox();

    // rebuilding
    private boolean assignmentsLoaded;
    private boolean modeLoaded;
    private boolean settled;
    private Duration loadBackoff;

    // catalog
    private CatalogKeeper.CatalogUpdate latestCatalog;
    // the apps of the catalog the ledger has, by id: every confirmed start looks up its image
    private Map<String, AppSpec> appliedApps = Map.of();
    private boolean catalogApplied;
    private boolean allowStaleCatalog;

    // mode
    private boolean recovery;
    private long modeSince;
    private String modeBy = ModeRecord.AUTO;
    private boolean modeDirty;
    private boolean modeWriteInFlight;
    // recovery mode is left by itself only after it had something to recover (an operator's "start" on a
    // converged platform stays on until there was work, or until "stop")
    private boolean workSinceRecoveryOn;
    private final List<ActorRef<ModeReply>> pendingModeReplies = new java.util.ArrayList<>();

    // store health as seen by this actor's own calls
    private boolean storeOk = true;
    private String storeDetail = "";
    private long lastPublished;
    private boolean replanQueued;
    private long lastSnapshotMillis;
    /** Snapshots take at most about 1 / (1 + this) of the recovery manager's time. */
    private static final int STATUS_COST_FACTOR = 9;

    private RecoveryManager(ActorContext<Command> ctx, TimerScheduler<Command> timers, DesiredStateStore store,
                            ActorRef<CatalogKeeper.Command> catalog, CoordinatorSettings.Recovery settings,
                            LongSupplier clock, Optional<NodeIdentity> identity) {
        this.ctx = ctx;
        this.timers = timers;
        this.store = store;
        this.settings = settings;
        this.clock = clock;
        this.incarnation = ctx.getSystem().address().hostPort() + "/" + UUID.randomUUID().toString().substring(0, 8);
        this.ledger = new Ledger(settings.ledger(), new SplittableRandom());
        this.book = new AssignmentBook(incarnation, settings.assignmentClockSkew().toMillis());
        this.recentStarts = new RecentStarts(settings.reportGrace().toMillis());
        this.replyAddress = ctx.messageAdapter(AgentEvent.class, AgentEventReceived::new);
        this.channel = new AgentChannel(identity, new Payloads(SerializationExtension.get(Adapter.toClassic(ctx.getSystem()))),
                replyAddress, ctx.getLog(), clock, settings.reportResyncBackoff().toMillis());
        this.modeChecker = identity.map(i -> new ModeProof.Checker(i.peers(), settings.modeCommandMaxAge().toMillis()))
                .orElse(null);
        if (identity.isEmpty()) {
            ctx.getLog().warn("no TLS identity (plain tcp): agent reports, starts and mode commands inside the cluster"
                    + " are NOT authenticated");
        }
        this.loadBackoff = settings.storeRetryBackoffMin();
        this.modeSince = clock.getAsLong();
        ctx.getLog().info("recovery manager {} starting: rebuilding from etcd and agent reports", incarnation);

        // one adapter per message class: a second messageAdapter for Listing would replace the first
        ActorRef<Receptionist.Listing> listings = ctx.messageAdapter(Receptionist.Listing.class,
                // all instances, reachable or not: an agent is lost when it is removed from the cluster (or stops
                // reporting), not on a moment of unreachability that would re-place everything it runs
                l -> l.isForKey(AGENT_KEY) ? new AgentsListed(l.getAllServiceInstances(AGENT_KEY))
                        : new ReplicasListed(l.getServiceInstances(StatusBoard.SERVICE_KEY)));
        ctx.getSystem().receptionist().tell(Receptionist.subscribe(AGENT_KEY, listings));
        ctx.getSystem().receptionist().tell(Receptionist.subscribe(StatusBoard.SERVICE_KEY, listings));
        catalog.tell(new CatalogKeeper.Subscribe(ctx.messageAdapter(CatalogKeeper.CatalogUpdate.class, CatalogChanged::new)));
        loadFromStore();
        timers.startSingleTimer(SettleTimeout.INSTANCE, settings.settleTime());
        timers.startTimerWithFixedDelay(Tick.INSTANCE, settings.tickInterval());
    }

    // ---------------------------------------------------------------- behaviors

    private Behavior<Command> rebuilding() {
        return common(Behaviors.receive(Command.class))
                .onMessage(AgentEventReceived.class, this::onAgentEventWhileRebuilding)
                .onMessage(AssignmentsLoaded.class, this::onAssignmentsLoaded)
                .onMessage(ModeLoaded.class, this::onModeLoaded)
                .onMessage(LoadAgain.class, m -> { loadFromStore(); return Behaviors.same(); })
                .onMessage(SettleTimeout.class, m -> { settled = true; return maybeRun(); })
                .onMessage(CatalogChanged.class, m -> { latestCatalog = m.update(); return maybeRun(); })
                .onMessage(AgentsListed.class, m -> { onListed(m.agents()); return maybeRun(); })
                .onMessage(Tick.class, m -> { publishStatus(false); return Behaviors.same(); })
                .onMessage(SetMode.class, this::onSetModeWhileRebuilding)
                .onMessage(CasDone.class, m -> Behaviors.same())
                .onMessage(ModeWritten.class, this::onModeWritten)
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
                .onMessage(CasDone.class, this::onCasDone)
                .onMessage(SetMode.class, this::onSetMode)
                .onMessage(ModeWritten.class, this::onModeWritten)
                .onMessage(AssignmentsLoaded.class, m -> Behaviors.same())
                .onMessage(ModeLoaded.class, m -> Behaviors.same())
                .onMessage(LoadAgain.class, m -> Behaviors.same())
                .onMessage(SettleTimeout.class, m -> Behaviors.same())
                .build();
    }

    private BehaviorBuilder<Command> common(BehaviorBuilder<Command> b) {
        return b.onMessage(GetStatus.class, m -> { m.replyTo().tell(snapshot()); return Behaviors.same(); })
                .onMessage(ReplicasListed.class, m -> {
                    replicas = m.replicas();
                    publishStatus(true);
                    return Behaviors.same();
                });
    }

    // ---------------------------------------------------------------- rebuilding

    private void loadFromStore() {
        if (!assignmentsLoaded) {
            ctx.pipeToSelf(store.loadAssignments(), AssignmentsLoaded::new);
        }
        if (!modeLoaded) {
            ctx.pipeToSelf(store.readMode(), ModeLoaded::new);
        }
    }

    private Behavior<Command> onAssignmentsLoaded(AssignmentsLoaded m) {
        if (m.error() != null) {
            storeFailed("loading assignments: " + CatalogKeeper.describe(m.error()));
            retryLoad();
            return Behaviors.same();
        }
        if (!assignmentsLoaded) {
            assignmentsLoaded = true;
            storeOk();
            book.loaded(m.records(), clock.getAsLong());
            ctx.getLog().info("loaded {} assignment records", m.records().size());
        }
        return maybeRun();
    }

    private Behavior<Command> onModeLoaded(ModeLoaded m) {
        if (m.error() != null) {
            storeFailed("reading mode: " + CatalogKeeper.describe(m.error()));
            retryLoad();
            return Behaviors.same();
        }
        if (!modeLoaded) {
            modeLoaded = true;
            m.mode().ifPresent(r -> {
                recovery = r.recovery();
                modeSince = r.sinceMillis();
                modeBy = r.by();
                workSinceRecoveryOn = r.recovery(); // stored on: a recovery was under way
            });
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
            m.replyTo().tell(new ModeReply(modeName(), modeSince, modeBy, "refused: " + e.getMessage()));
            return false;
        }
    }

    private Behavior<Command> onSetModeWhileRebuilding(SetMode m) {
        if (!authorized(m)) {
            return Behaviors.same();
        }
        if (m.allowStaleCatalog()) {
            // the cached catalog may be used; assignments still need etcd (compare-and-set before every start)
            allowStaleCatalog = true;
        }
        m.replyTo().tell(new ModeReply(modeName(), modeSince, modeBy,
                "rebuilding: the recovery manager is still reading etcd and the agents' reports; retry"
                        + (m.allowStaleCatalog() ? " (stale catalog allowed)" : "")));
        return maybeRun();
    }

    private void retryLoad() {
        if (!timers.isTimerActive(LoadAgain.INSTANCE)) {
            timers.startSingleTimer(LoadAgain.INSTANCE, loadBackoff);
            loadBackoff = Duration.ofMillis(Math.min(settings.storeRetryBackoffMax().toMillis(),
                    Math.max(1, loadBackoff.toMillis() * 2)));
        }
    }

    private Behavior<Command> onAgentEventWhileRebuilding(AgentEventReceived received) {
        AgentEvent event = channel.receive(received.event());
        if (event == null) {
            return Behaviors.same();
        }
        AgentEventReceived m = new AgentEventReceived(event);
        if (m.event() instanceof AgentEvent.AgentReport delta) {
            AgentEvent.AgentReport r = complete(delta);
            if (r == null) {
                return Behaviors.same();
            }
            boolean fresh = !agents.containsKey(r.nodeId());
            agents.put(r.nodeId(), new AgentSession(r.agent(), r, clock.getAsLong()));
            reportedRefs.add(r.agent());
            if (fresh) {
                ctx.getLog().info("rebuild: report from {} ({} containers)", r.nodeId(), r.containers().size());
            }
            return maybeRun();
        }
        // outcomes of an earlier incarnation's starts: the next full report shows their containers
        ctx.getLog().debug("rebuild: ignoring {}", m.event());
        return Behaviors.same();
    }

    private void onListed(Set<ActorRef<AgentCommand>> now) {
        for (ActorRef<AgentCommand> ref : now) {
            if (listed.add(ref)) {
                if (channel.authenticated()) {
                    // a new incarnation has no sessions: the agent opens one, then sends a full report
                    channel.rehello(ref, "recovery manager " + incarnation + " started");
                } else {
                    ref.tell(new AgentCommand.RequestReport(replyAddress));
                }
            }
        }
        listed.retainAll(now);
    }

    /** Early end of the settle time: agents are known and each of them reported. */
    private boolean everyListedAgentReported() {
        return !listed.isEmpty() && reportedRefs.containsAll(listed);
    }

    private Behavior<Command> maybeRun() {
        Optional<Catalog> catalog = usableCatalog();
        if (!assignmentsLoaded || !modeLoaded || catalog.isEmpty() || !(settled || everyListedAgentReported())) {
            return Behaviors.same();
        }
        long now = clock.getAsLong();
        timers.cancel(SettleTimeout.INSTANCE);
        applyCatalog(catalog.get(), now);
        for (AgentSession s : List.copyOf(agents.values())) {
            stop(ledger.hostReported(toHostReport(s.report(), s.report().containers(), hostImages), now));
        }
        ctx.getLog().info("rebuild done: {} desired instances, {} hosts, down share {}", ledger.instanceCount(),
                agents.size(), String.format("%.2f", ledger.downShare()));
        if (!recovery && ledger.downShare() > settings.autoThreshold()) {
            switchMode(true, ModeRecord.AUTO, now, "down share " + String.format("%.2f", ledger.downShare())
                    + " > " + settings.autoThreshold() + " at start");
        } else {
            broadcastMode();
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
                store.deleteAssignment(gone);
            }
        }
    }

    private Behavior<Command> onAgentEvent(AgentEventReceived received) {
        AgentEvent event = channel.receive(received.event());
        if (event == null) {
            return Behaviors.same();
        }
        AgentEventReceived m = new AgentEventReceived(event);
        long now = clock.getAsLong();
        if (m.event() instanceof AgentEvent.AgentReport r) {
            onReport(r, now);
        } else if (m.event() instanceof AgentEvent.StartOutcome o) {
            ctx.getLog().debug("start of {} on {} (attempt {}): {} {}", o.instanceId(), o.nodeId(), o.attempt(),
                    o.result(), o.detail() == null ? "" : o.detail());
            if (o.result() != StartResult.STARTED && o.assignment() != book.expectedRevision(o.instanceId())) {
                // the failure of a start this incarnation did not send (an earlier one did): not ours to count
                ctx.getLog().debug("ignoring stale outcome of {} (assignment {})", o.instanceId(), o.assignment());
            } else {
                if (o.result() == StartResult.STARTED) {
                    Ledger.InstanceView v = ledger.instance(o.instanceId());
                    if (v != null) {
                        recentStarts.started(o.nodeId(), o.instanceId(), v.appId(), o.containerId(),
                                imageOf(v.appId()), o.health(), now);
                        trackerInbox.started(o.instanceId(), now);
                    }
                }
                stop(ledger.startOutcome(o.nodeId(), o.instanceId(), o.attempt(), o.result(), o.detail(), o.health(),
                        now));
            }
        } else if (m.event() instanceof AgentEvent.StopOutcome o) {
            ctx.getLog().debug("stop of {} on {}: {} {}", o.instanceId(), o.nodeId(), o.stopped(), o.detail());
        }
        replanSoon();
        publishStatus(false);
        return Behaviors.same();
    }

    /**
     * The agent's complete report, rebuilt from a full or delta report; null if this one cannot be used (older than
     * one taken, or a delta after a gap: then the agent is asked for a full report, at most every
     * {@code report-resync-backoff}).
     */
    private AgentEvent.AgentReport complete(AgentEvent.AgentReport r) {
        ReportAssembler.Result result = reportAssembler.apply(r);
        long now = clock.getAsLong();
        switch (result.verdict()) {
            case APPLIED -> {
                if (!r.delta()) {
                    fullRequested.remove(r.nodeId());
                }
                return result.complete();
            }
            case GAP -> {
                Long asked = fullRequested.get(r.nodeId());
                if (asked == null || now - asked >= settings.reportResyncBackoff().toMillis()) {
                    ctx.getLog().debug("report {} of {} follows a gap: asking for a full report", r.seq(), r.nodeId());
                    fullRequested.put(r.nodeId(), now);
                    channel.send(r.agent(), new AgentCommand.RequestReport(replyAddress));
                }
                return null;
            }
            default -> {
                return null;
            }
        }
    }

    private void onReport(AgentEvent.AgentReport delta, long now) {
        AgentEvent.AgentReport r = complete(delta);
        if (r == null) {
            return;
        }
        AgentSession previous = agents.put(r.nodeId(), new AgentSession(r.agent(), r, now));
        int[] p = peaks.computeIfAbsent(r.nodeId(), n -> new int[2]);
        p[1] = Math.max(p[1], r.startsInFlight());
        reportedRefs.add(r.agent());
        trackerInbox.reported(delta); // a delta lists every container that changed
        if (previous == null || !previous.ref().equals(r.agent())) {
            ctx.getLog().info("host {} reporting (credits {}, {} containers)", r.nodeId(), r.credits(), r.containers().size());
            channel.send(r.agent(), new AgentCommand.SetRecoveryMode(recovery));
        } else if (r.gcHeld() != recovery) {
            channel.send(r.agent(), new AgentCommand.SetRecoveryMode(recovery));
        }
        stop(ledger.hostReported(toHostReport(r, recentStarts.containers(r.nodeId(), r.containers(), now), hostImages),
                now));
    }

    private String imageOf(String appId) {
        AppSpec app = appliedApps.get(appId);
        return app == null ? "" : app.image();
    }

    private Behavior<Command> onAgentsListedRunning(AgentsListed m) {
        Set<ActorRef<AgentCommand>> added = new HashSet<>(m.agents());
        added.removeAll(listed);
        Set<ActorRef<AgentCommand>> removed = new HashSet<>(listed);
        removed.removeAll(m.agents());
        onListed(m.agents());
        added.stream().filter(channel::hasSession)
                .forEach(ref -> channel.send(ref, new AgentCommand.SetRecoveryMode(recovery)));
        removed.forEach(channel::forget);
        long now = clock.getAsLong();
        boolean lost = false;
        for (Entry<String, AgentSession> e : List.copyOf(agents.entrySet())) {
            // only a registration seen before and gone now counts: a report may arrive before the registration
            // has spread to this node
            if (removed.contains(e.getValue().ref())) {
                lost |= loseHost(e.getKey(), "its agent left the cluster", now);
            }
        }
        afterHostsLost(lost, now);
        replanSoon();
        return Behaviors.same();
    }

    private boolean loseHost(String nodeId, String why, long now) {
        AgentSession s = agents.remove(nodeId);
        if (s == null) {
            return false;
        }
        reportedRefs.remove(s.ref());
        channel.forget(s.ref());
        recentStarts.forget(nodeId);
        hostImages.forget(nodeId);
        reportAssembler.forget(nodeId);
        fullRequested.remove(nodeId);
        ctx.getLog().warn("host {} lost: {}", nodeId, why);
        ledger.hostLost(nodeId, now);
        return true;
    }

    private void afterHostsLost(boolean lost, long now) {
        if (lost && !recovery && ledger.downShare() > settings.autoThreshold()) {
            switchMode(true, ModeRecord.AUTO, now, "down share " + String.format("%.2f", ledger.downShare())
                    + " > " + settings.autoThreshold() + " after losing hosts");
        }
    }

    private Behavior<Command> onTick(Tick m) {
        long now = clock.getAsLong();
        boolean lost = false;
        for (Entry<String, AgentSession> e : List.copyOf(agents.entrySet())) {
            if (now - e.getValue().lastSeenMillis() > settings.hostTimeout().toMillis()) {
                lost |= loseHost(e.getKey(), "no report for " + (now - e.getValue().lastSeenMillis()) + " ms", now);
            }
        }
        afterHostsLost(lost, now);
        ledger.tick(now);
        boolean converged = ledger.converged();
        if (recovery && !converged) {
            workSinceRecoveryOn = true;
        }
        if (recovery && catalogApplied && converged && workSinceRecoveryOn) {
            switchMode(false, ModeRecord.AUTO, now, "converged: every desired instance is running or failed");
        }
        if (modeDirty && !modeWriteInFlight) {
            writeMode();
        }
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
        List<Assignment> plan = ledger.plan(now);
        if (!plan.isEmpty()) {
            for (Ledger.HostView h : ledger.hosts()) {
                int[] p = peaks.computeIfAbsent(h.nodeId(), n -> new int[2]);
                p[0] = Math.max(p[0], h.outstanding());
            }
        }
        for (Assignment a : plan) {
            long hold = a.container().startTimeoutSeconds() * 1000L + settings.ledger().outcomeGraceMillis();
            String why = book.holdBack(a.instanceId(), a.nodeId(), hold, now);
            if (why != null) {
                ledger.assignmentConflict(a.instanceId(), a.nodeId(), why, now);
                continue;
            }
            AssignmentValue value = new AssignmentValue(a.nodeId(), a.attempt(), incarnation, now);
            ctx.pipeToSelf(store.recordAssignment(a.instanceId(), value, book.expectedRevision(a.instanceId())),
                    (res, err) -> new CasDone(a, value, res, err));
        }
    }

    private Behavior<Command> onCasDone(CasDone m) {
        long now = clock.getAsLong();
        Assignment a = m.assignment();
        if (m.error() != null) {
            storeFailed("recording assignment: " + CatalogKeeper.describe(m.error()));
            ledger.assignmentConflict(a.instanceId(), a.nodeId(), "etcd: " + CatalogKeeper.describe(m.error()), now);
        } else if (m.result() instanceof CasResult.Recorded r) {
            storeOk();
            book.recorded(a.instanceId(), m.value(), r.modRevision(), now);
            AgentSession s = agents.get(a.nodeId());
            if (s == null) {
                // the host went away while the record was written: the ledger already made the instance pending
                ledger.assignmentConflict(a.instanceId(), a.nodeId(), "host gone", now);
            } else {
                ledger.assignmentRecorded(a.instanceId(), a.nodeId(), r.modRevision(), now);
                Ledger.InstanceView v = ledger.instance(a.instanceId());
                if (v != null && v.state() == InstanceState.STARTING && a.nodeId().equals(v.nodeId())
                        && v.attempt() == a.attempt()) {
                    channel.send(s.ref(), new AgentCommand.StartInstance(a.instanceId(), a.appId(), a.container(),
                            r.modRevision(), a.attempt(), replyAddress));
                } else {
                    // meanwhile no longer desired, or already running elsewhere: the record stays, no start is sent
                    ctx.getLog().debug("not starting {}: {}", a.instanceId(), v == null ? "no longer desired" : v.state());
                }
            }
        } else if (m.result() instanceof CasResult.Conflict c) {
            storeOk();
            book.conflicted(a.instanceId(), c.current(), now);
            ledger.assignmentConflict(a.instanceId(), a.nodeId(), "assignment record changed"
                    + c.current().map(r -> " (now " + r.value().node() + " by " + r.value().coordinator() + ")").orElse(""), now);
        }
        replanSoon();
        publishStatus(false);
        return Behaviors.same();
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
        if (m.recovery() != recovery || !ModeRecord.OPERATOR.equals(modeBy)) {
            switchMode(m.recovery(), ModeRecord.OPERATOR, now, "operator command");
        }
        if (modeDirty || modeWriteInFlight) {
            pendingModeReplies.add(m.replyTo()); // answered once the mode is stored in etcd
        } else {
            m.replyTo().tell(new ModeReply(modeName(), modeSince, modeBy, "ok"));
        }
        replanSoon();
        publishStatus(true);
        return Behaviors.same();
    }

    // ---------------------------------------------------------------- mode

    private void switchMode(boolean on, String by, long now, String why) {
        boolean changed = on != recovery;
        recovery = on;
        modeBy = by;
        if (changed) {
            modeSince = now;
            workSinceRecoveryOn = on && catalogApplied && !ledger.converged();
            ctx.getLog().info("recovery mode {} ({}: {})", on ? "ON" : "OFF", by, why);
        }
        modeDirty = true;
        if (!modeWriteInFlight) {
            writeMode();
        }
        broadcastMode();
    }

    private void writeMode() {
        ModeRecord record = new ModeRecord(recovery, modeSince, modeBy);
        modeDirty = false;
        modeWriteInFlight = true;
        ctx.pipeToSelf(store.writeMode(record), (ok, err) -> new ModeWritten(record, err));
    }

    private Behavior<Command> onModeWritten(ModeWritten m) {
        modeWriteInFlight = false;
        if (m.error() != null) {
            storeFailed("writing mode: " + CatalogKeeper.describe(m.error()));
            modeDirty = true; // retried on the next tick
            answerModeReplies("in force, but not yet stored in etcd (" + CatalogKeeper.describe(m.error())
                    + "); retrying");
        } else {
            storeOk();
            if (m.mode().recovery() != recovery || !m.mode().by().equals(modeBy)) {
                modeDirty = true;
            }
            if (modeDirty) {
                writeMode(); // a newer mode came while this one was written
            } else {
                answerModeReplies("ok");
            }
        }
        return Behaviors.same();
    }

    private void answerModeReplies(String message) {
        ModeReply reply = new ModeReply(modeName(), modeSince, modeBy, message);
        pendingModeReplies.forEach(r -> r.tell(reply));
        pendingModeReplies.clear();
    }

    private void broadcastMode() {
        Set<ActorRef<AgentCommand>> all = new HashSet<>(listed);
        agents.values().forEach(s -> all.add(s.ref()));
        AgentCommand.SetRecoveryMode cmd = new AgentCommand.SetRecoveryMode(recovery);
        all.stream().filter(channel::hasSession).forEach(ref -> channel.send(ref, cmd));
    }

    private String modeName() {
        return recovery ? "recovery" : "normal";
    }

    // ---------------------------------------------------------------- helpers

    private void stop(List<StopOrder> orders) {
        for (StopOrder o : orders) {
            AgentSession s = agents.get(o.nodeId());
            if (s != null) {
                ctx.getLog().info("stopping {} on {}: {}", o.instanceId(), o.nodeId(), o.reason());
                channel.send(s.ref(), new AgentCommand.StopInstance(o.instanceId(), o.reason(), replyAddress));
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
    }

    static HostReport toHostReport(AgentEvent.AgentReport r, List<io.blackstart.protocol.wire.ContainerInfo> containers,
                                   HostImages images) {
        return new HostReport(r.nodeId(), r.credits(), r.startsInFlight(), r.load().memoryAvailableMb(),
                images.of(r.nodeId(), r.load().images()), containers);
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
        replicas.forEach(r -> r.tell(s));
    }

    private StatusSnapshot snapshot() {
        long now = clock.getAsLong();
        boolean rebuilding = !catalogApplied;
        Map<String, StatusSnapshot.HostStatus> hosts = new HashMap<>();
        Map<String, Ledger.HostView> views = new HashMap<>();
        ledger.hosts().forEach(h -> views.put(h.nodeId(), h));
        for (AgentSession s : agents.values()) {
            AgentEvent.AgentReport r = s.report();
            Ledger.HostView v = views.get(r.nodeId());
            int running = (int) r.containers().stream().filter(c -> c.state() == ContainerState.RUNNING).count();
            hosts.put(r.nodeId(), new StatusSnapshot.HostStatus(r.nodeId(), r.credits(), r.startsInFlight(),
                    r.maxCredits(), v == null ? r.credits() + r.startsInFlight() : v.granted(),
                    v == null ? 0 : v.outstanding(), r.load().memoryAvailableMb(), r.load().cpuPressure(),
                    r.containers().size(), running, r.gcHeld(), s.lastSeenMillis(),
                    v == null ? 0 : v.penalisedUntilMillis(), peaks.getOrDefault(r.nodeId(), new int[2])[0],
                    peaks.getOrDefault(r.nodeId(), new int[2])[1]));
        }
        StatusSnapshot s = StatusAssembler.assemble(rebuilding ? "rebuilding" : "running", modeName(), modeSince,
                modeBy, now, ledger, hosts.values(), latestCatalog, storeOk, storeDetail, throughput);
        return rebuilding ? s : s.withTracking(TrackerFeed.observe(tracker, s, agents.values().stream()
                .map(AgentSession::report).toList(), ledger.apps(), trackerInbox, now));
    }
}
