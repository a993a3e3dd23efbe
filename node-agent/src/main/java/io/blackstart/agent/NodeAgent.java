package io.blackstart.agent;

import io.blackstart.protocol.InstanceId;
import io.blackstart.protocol.trust.DropLog;
import io.blackstart.protocol.trust.NodeIdentity;
import io.blackstart.protocol.trust.Payloads;
import io.blackstart.protocol.trust.TrustException;
import io.blackstart.protocol.wire.AgentCommand;
import io.blackstart.protocol.wire.AgentEvent;
import io.blackstart.protocol.wire.ContainerDelta;
import io.blackstart.protocol.wire.ContainerHealth;
import io.blackstart.protocol.wire.ContainerInfo;
import io.blackstart.protocol.wire.ContainerState;
import io.blackstart.protocol.wire.HostLoad;
import io.blackstart.protocol.wire.StartResult;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.actor.typed.SupervisorStrategy;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.serialization.SerializationExtension;
import org.apache.pekko.actor.typed.receptionist.Receptionist;
import org.apache.pekko.actor.typed.receptionist.ServiceKey;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Executor;

/**
 * The node agent of one host: the coordinator's door to this host's Docker engine.
 *
 * <p><b>Responsibility.</b> Registers under the receptionist key {@link AgentCommand#SERVICE_KEY_ID}, finds the
 * coordinators' gateways under {@link AgentEvent#SERVICE_KEY_ID} and reports this host's containers, load and credits
 * to one of them (the first by path, so every agent picks the same one). It spawns and owns the workers:
 * {@link ContainerWatcher} (what containers exist), {@link StartExecutor} (starts, bounded), {@link LoadSampler}
 * (host load), {@link ImageCacheKeeper} (image GC and its hold) and {@link HostDiagnostician} (answers
 * {@code DiagnoseHost}). It reports on change, at most every
 * {@code report-min-interval} (changes in between are coalesced into one report), and after
 * {@code heartbeat-interval} without a report. A report lists every container (full) when it is the first to a
 * gateway, when the set of gateways changed, when it answers a {@code RequestReport}, and at least every
 * {@code full-report-interval}; in between it lists only the containers that changed since the previous one (delta,
 * see {@link AgentEvent.AgentReport}).
 *
 * <p><b>States.</b> Before the first container listing it sends no report (an empty list would read as "nothing
 * runs here") and holds {@code RequestReport}s; after it, it is fully active. Recovery mode (GC held) is a flag.
 *
 * <p>Coordinators address it through its child {@code commands}, the ref registered with the receptionist and sent
 * in every report. A {@code StopInstance} is executed at once, even while a start of the same instance is in flight
 * (the coordinator, which owns assignments, does not send both).
 *
 * <p><b>Trust.</b> With TLS transport (an identity from the Artery key store) it executes Start, Stop, recovery-mode
 * and report requests only sealed in its session with the current recovery manager ({@link CoordinatorLink}),
 * seals every report and outcome, and drops (and logs, at most every 10 s) anything else; {@code DiagnoseHost}
 * stays open (read-only). Without an identity (plain tcp on loopback: tests) commands are taken as they come.
 *
 * <p><b>Never.</b> It never calls Docker or reads /proc itself (the workers do, off the actor threads), never
 * blocks, and never answers a start on behalf of the executor except for an instance it sees running.
 */
public final class NodeAgent extends AbstractBehavior<NodeAgent.Command> {

    /** Messages of the node agent: coordinator commands arrive wrapped; the rest come from its own workers. */
    public interface Command {
    }

    private record Wrapped(AgentCommand command) implements Command {
    }

    private record GatewaysChanged(Receptionist.Listing listing) implements Command {
    }

    private record StopDone(AgentCommand.StopInstance command, Boolean removed, Throwable error) implements Command {
    }

    private enum ReportDue implements Command { INSTANCE }

    private enum Heartbeat implements Command { INSTANCE }

    /** An outcome of this agent's own workers, sealed before it leaves (TLS on). */
    private record LocalOutcome(AgentEvent event) implements Command {
    }

    /**
     * From {@link HealthProber}: the health its probes give a container (null health: no longer probed, the
     * engine's view applies again).
     */
    record HealthObserved(String containerId, ContainerHealth health, String detail) implements Command {
    }

    /** From {@link ContainerWatcher}: the complete current list of this node's managed containers. */
    record ContainersObserved(List<ContainerInfo> containers) implements Command {
    }

    /** From {@link LoadSampler}: a new host reading and the local image list. */
    record LoadObserved(HostReading reading, List<String> images) implements Command {
    }

    /** From {@link StartExecutor}: starts and pulls in flight and the memory limits of those starts. */
    record StartsChanged(int startsInFlight, int pullsInFlight, long pendingMemoryMb) implements Command {
    }

    /** The receptionist key agents register under. */
    public static final ServiceKey<AgentCommand> AGENT_KEY =
            ServiceKey.create(AgentCommand.class, AgentCommand.SERVICE_KEY_ID);
    /** The receptionist key of the coordinators' gateways. */
    public static final ServiceKey<AgentEvent> GATEWAY_KEY =
            ServiceKey.create(AgentEvent.class, AgentEvent.SERVICE_KEY_ID);

    /** Creates the agent and its workers. */
    public static Behavior<Command> create(AgentSettings settings, ContainerRuntime runtime, HostProbe hostProbe,
                                           DiskProbe diskProbe) {
        return create(settings, runtime, hostProbe, diskProbe, Optional.empty());
    }

    /** Creates the agent; with an {@code identity} (TLS on) it takes commands only in a session. */
    public static Behavior<Command> create(AgentSettings settings, ContainerRuntime runtime, HostProbe hostProbe,
                                           DiskProbe diskProbe, Optional<NodeIdentity> identity) {
        return Behaviors.setup(context -> Behaviors.withTimers(
                timers -> new NodeAgent(context, timers, settings, runtime, hostProbe, diskProbe, identity)));
    }

    private final AgentSettings settings;
    private final ContainerRuntime runtime;
    private final TimerScheduler<Command> timers;
    private final ActorRef<AgentCommand> commandRef;
    private final ActorRef<StartExecutor.Command> starts;
    private final ActorRef<ImageCacheKeeper.Command> imageKeeper;
    private final ActorRef<HostDiagnostician.Command> diagnostician;
    private final LoadChange loadChange;
    /** Null without an identity (plain tcp). */
    private final CoordinatorLink link;
    private final ActorRef<AgentEvent> outcomes;
    private long lastHelloNanos;
    private final DropLog drops;

    private Map<String, ContainerInfo> containers = Map.of();
    /** The watcher's latest list, before the prober's health is laid over it. */
    private List<ContainerInfo> observed = List.of();
    /** Health of the containers the prober probes, by container id. */
    private final Map<String, HealthObserved> probedHealth = new java.util.HashMap<>();
    private final ActorRef<HealthProber.Command> prober;
    private boolean initialized;
    private final List<ActorRef<AgentEvent>> pendingRequests = new ArrayList<>();
    private Set<ActorRef<AgentEvent>> gateways = Set.of();
    private ActorRef<AgentEvent> gateway;

    private HostReading reading = HostReading.unknown();
    private List<String> images = List.of();
    private HostLoad reportedLoad = HostLoad.unknown();
    private int startsInFlight;
    private int pullsInFlight;
    private long pendingMemoryMb;
    private int credits;
    private boolean gcHeld;

    private long seq;
    /** The containers of the last report sent to {@code gateway}, the base of the next delta; null: send a full one. */
    private Map<String, ContainerInfo> sentToGateway;
    private long lastFullNanos;
    private boolean dirty = true;
    private long lastReportNanos;
    private boolean reportedOnce;

    private NodeAgent(ActorContext<Command> context, TimerScheduler<Command> timers, AgentSettings settings,
                      ContainerRuntime runtime, HostProbe hostProbe, DiskProbe diskProbe,
                      Optional<NodeIdentity> identity) {
        super(context);
        this.settings = settings;
        this.runtime = runtime;
        this.timers = timers;
        this.loadChange = new LoadChange(settings.pressureStep(), settings.memoryStepMb());
        // A real child actor, not a message adapter: an actor's adapters share one ref, which the receptionist
        // must not see both as a registered service and as a subscriber; a child is also plainly remote-addressable.
        this.commandRef = context.spawn(forwarder(context.getSelf()), "commands");
        this.credits = decide().credits();
        this.link = identity.map(i -> new CoordinatorLink(i,
                new Payloads(SerializationExtension.get(Adapter.toClassic(context.getSystem()))))).orElse(null);
        this.outcomes = link == null ? null : context.messageAdapter(AgentEvent.class, LocalOutcome::new);
        this.drops = new DropLog(context.getLog(), System::currentTimeMillis, 10_000);
        this.lastHelloNanos = System.nanoTime() - settings.helloMinInterval().toNanos();

        SupervisorStrategy restart = SupervisorStrategy.restartWithBackoff(
                Duration.ofMillis(200), settings.eventsRetryInterval().multipliedBy(5), 0.2);
        context.spawn(Behaviors.supervise(ContainerWatcher.create(settings, runtime, context.getSelf()))
                .onFailure(restart), "containers");
        this.starts = context.spawn(Behaviors.supervise(StartExecutor.create(settings, runtime, context.getSelf()))
                .onFailure(restart), "starts");
        context.spawn(Behaviors.supervise(LoadSampler.create(settings, hostProbe, runtime, context.getSelf()))
                .onFailure(restart), "load");
        this.imageKeeper = context.spawn(Behaviors.supervise(ImageCacheKeeper.create(settings, diskProbe, runtime))
                .onFailure(restart), "images");
        Executor healthExecutor = context.getSystem().dispatchers()
                .lookup(DispatcherSelector.fromConfig(AgentSettings.HEALTH_DISPATCHER));
        this.prober = context.spawn(Behaviors.supervise(HealthProber.create(settings, runtime,
                new HealthProbes(runtime, healthExecutor), context.getSelf(), System::currentTimeMillis))
                .onFailure(restart), "health");
        this.diagnostician = context.spawn(Behaviors.supervise(HostDiagnostician.create(settings.nodeId(), runtime,
                settings.hostDiagnosisTimeout(), System::currentTimeMillis)).onFailure(restart), "diagnosis");

        ActorRef<Receptionist.Listing> listingAdapter =
                context.messageAdapter(Receptionist.Listing.class, GatewaysChanged::new);
        context.getSystem().receptionist().tell(Receptionist.register(AGENT_KEY, commandRef));
        context.getSystem().receptionist().tell(Receptionist.subscribe(GATEWAY_KEY, listingAdapter));
        timers.startSingleTimer(Heartbeat.INSTANCE, Heartbeat.INSTANCE, settings.heartbeatInterval());
        context.getLog().info("node agent {} started (max {} concurrent starts, max {} credits; {})",
                settings.nodeId(), settings.maxConcurrentStarts(), settings.maxCredits(), identity
                        .map(i -> "commands authenticated, identity " + i)
                        .orElse("no TLS identity: commands NOT authenticated"));
    }

    private static Behavior<AgentCommand> forwarder(ActorRef<Command> agent) {
        return Behaviors.receive(AgentCommand.class).onAnyMessage(command -> forward(agent, command)).build();
    }

    private static Behavior<AgentCommand> forward(ActorRef<Command> agent, AgentCommand command) {
        agent.tell(new Wrapped(command));
        return Behaviors.same();
    }

    @Override
    public Receive<Command> createReceive() {
        return newReceiveBuilder()
                .onMessage(Wrapped.class, this::onWrapped)
                .onMessage(LocalOutcome.class, this::onLocalOutcome)
                .onMessage(GatewaysChanged.class, this::onGatewaysChanged)
                .onMessage(ContainersObserved.class, this::onContainers)
                .onMessage(HealthObserved.class, this::onHealth)
                .onMessage(LoadObserved.class, this::onLoad)
                .onMessage(StartsChanged.class, this::onStartsChanged)
                .onMessage(StopDone.class, this::onStopDone)
                .onMessageEquals(ReportDue.INSTANCE, this::onReportDue)
                .onMessageEquals(Heartbeat.INSTANCE, this::onHeartbeat)
                .build();
    }

    private Behavior<Command> onWrapped(Wrapped wrapped) {
        AgentCommand command = wrapped.command();
        if (link == null) {
            return onCommand(command);
        }
        if (command instanceof AgentCommand.Grant g) {
            try {
                if (!link.accept(g)) {
                    return this; // the current session's grant again
                }
                getContext().getLog().info("session {} with the recovery manager", g.session());
                sentToGateway = null; // a new manager: the next report is full
                if (initialized && gateway != null) {
                    sendReport();
                }
            } catch (TrustException e) {
                drops.dropped("grant", e.getMessage());
            }
        } else if (command instanceof AgentCommand.Sealed sealed) {
            try {
                onCommand(withLocalReplies(link.open(sealed)));
            } catch (TrustException e) {
                drops.dropped("sealed command", e.getMessage());
            }
        } else if (command instanceof AgentCommand.Rehello r) {
            if (initialized && gateway != null
                    && System.nanoTime() - lastHelloNanos >= settings.helloMinInterval().toNanos()) {
                getContext().getLog().info("new session asked for: {}", r.reason());
                if (link.hasSession()) {
                    link.renew();
                }
                sendHello();
            }
        } else if (command instanceof AgentCommand.DiagnoseHost) {
            onCommand(command); // read-only: open to every member
        } else {
            drops.dropped("unauthenticated " + command.getClass().getSimpleName(),
                    "not sealed in this agent's session with the recovery manager");
        }
        return this;
    }

    /** Replies of a sealed command go through {@link #onLocalOutcome}, to be sealed. */
    private AgentCommand withLocalReplies(AgentCommand c) {
        if (c instanceof AgentCommand.StartInstance s) {
            return new AgentCommand.StartInstance(s.instanceId(), s.appId(), s.container(), s.assignment(),
                    s.attempt(), outcomes);
        }
        if (c instanceof AgentCommand.StopInstance s) {
            return new AgentCommand.StopInstance(s.instanceId(), s.reason(), outcomes);
        }
        if (c instanceof AgentCommand.RequestReport) {
            return new AgentCommand.RequestReport(outcomes);
        }
        return c;
    }

    private Behavior<Command> onLocalOutcome(LocalOutcome o) {
        if (link.hasSession()) {
            link.replyTo().tell(link.seal(o.event(), commandRef));
        } else {
            drops.dropped("outcome without session", o.event().getClass().getSimpleName());
        }
        return this;
    }

    private void sendHello() {
        lastHelloNanos = System.nanoTime();
        gateway.tell(link.hello(commandRef, System.currentTimeMillis()));
    }

    private Behavior<Command> onCommand(AgentCommand command) {
        if (command instanceof AgentCommand.StartInstance start) {
            onStart(start);
        } else if (command instanceof AgentCommand.StopInstance stop) {
            getContext().pipeToSelf(runtime.stopAndRemove(settings.nodeId(), stop.instanceId(),
                    settings.stopTimeout()), (removed, error) -> new StopDone(stop, removed, error));
        } else if (command instanceof AgentCommand.SetRecoveryMode mode) {
            onRecoveryMode(mode.recovery());
        } else if (command instanceof AgentCommand.DiagnoseHost diagnose) {
            // the receive time is one of the two clock readings of the answer
            diagnostician.tell(new HostDiagnostician.Diagnose(diagnose, System.currentTimeMillis()));
        } else if (command instanceof AgentCommand.RequestReport request) {
            if (initialized) {
                request.replyTo().tell(report());
            } else {
                pendingRequests.add(request.replyTo());
            }
        }
        return this;
    }

    private void onStart(AgentCommand.StartInstance start) {
        var parsed = InstanceId.parse(start.instanceId());
        if (parsed.isEmpty() || !parsed.get().appId().equals(start.appId()) || start.container() == null) {
            start.replyTo().tell(new AgentEvent.StartOutcome(settings.nodeId(), start.instanceId(),
                    start.assignment(), start.attempt(), StartResult.REJECTED, null,
                    "invalid start: instance id must be <appId>-<index> of app " + start.appId()
                            + " and a container spec is required", 0));
            return;
        }
        ContainerInfo known = containers.get(start.instanceId());
        if (known != null && known.state() == ContainerState.RUNNING) {
            // idempotent: an instance already running is not started again
            start.replyTo().tell(new AgentEvent.StartOutcome(settings.nodeId(), start.instanceId(),
                    start.assignment(), start.attempt(), StartResult.STARTED, known.containerId(),
                    "already running", 0));
            return;
        }
        starts.tell(new StartExecutor.Execute(start));
    }

    private void onRecoveryMode(boolean recovery) {
        imageKeeper.tell(new ImageCacheKeeper.Hold(recovery));
        if (recovery != gcHeld) {
            gcHeld = recovery;
            getContext().getLog().info("recovery mode {}: image GC {}", recovery ? "on" : "off",
                    recovery ? "held" : "released");
            changed();
        }
    }

    private Behavior<Command> onStopDone(StopDone done) {
        AgentCommand.StopInstance stop = done.command();
        if (done.error() != null) {
            stop.replyTo().tell(new AgentEvent.StopOutcome(settings.nodeId(), stop.instanceId(), false,
                    StartExecutor.describe(done.error())));
        } else {
            stop.replyTo().tell(new AgentEvent.StopOutcome(settings.nodeId(), stop.instanceId(), true,
                    done.removed() ? "stopped and removed" : "no container"));
        }
        return this;
    }

    private Behavior<Command> onGatewaysChanged(GatewaysChanged changed) {
        Set<ActorRef<AgentEvent>> now = changed.listing().getServiceInstances(GATEWAY_KEY);
        if (now.equals(gateways)) {
            return this;
        }
        gateways = now;
        sentToGateway = null;
        gateway = now.stream().min(Comparator.comparing(ref -> ref.path().toString())).orElse(null);
        getContext().getLog().info("{} coordinator gateway(s); reporting to {}", now.size(), gateway);
        if (gateway != null && initialized) {
            sendReport();
        } else {
            dirty = true;
        }
        return this;
    }

    private Behavior<Command> onHealth(HealthObserved h) {
        if (h.health() == null) {
            probedHealth.remove(h.containerId());
        } else {
            probedHealth.put(h.containerId(), h);
        }
        return initialized ? publishContainers(false) : this;
    }

    private Behavior<Command> onContainers(ContainersObserved observed) {
        this.observed = observed.containers();
        prober.tell(new HealthProber.Observe(observed.containers()));
        return publishContainers(true);
    }

    /** The watcher's list with the prober's health laid over the containers it probes; reports a change. */
    private Behavior<Command> publishContainers(boolean fromWatcher) {
        Map<String, ContainerInfo> now = new TreeMap<>();
        for (ContainerInfo c : observed) {
            HealthObserved probed = c.state() == ContainerState.RUNNING ? probedHealth.get(c.containerId()) : null;
            now.put(c.instanceId(), probed == null ? c : c.withHealth(probed.health(), probed.detail()));
        }
        if (!fromWatcher && now.equals(containers)) {
            return this;
        }
        boolean first = !initialized;
        initialized = true;
        if (first) {
            for (ActorRef<AgentEvent> replyTo : pendingRequests) {
                replyTo.tell(report());
            }
            pendingRequests.clear();
        }
        if (first || !now.equals(containers)) {
            containers = now;
            changed();
        }
        return this;
    }

    private Behavior<Command> onLoad(LoadObserved observed) {
        reading = observed.reading();
        images = observed.images();
        boolean creditsChanged = recomputeCredits();
        if (creditsChanged || loadChange.significant(reportedLoad, currentLoad())) {
            changed();
        }
        return this;
    }

    private Behavior<Command> onStartsChanged(StartsChanged changed) {
        startsInFlight = changed.startsInFlight();
        pullsInFlight = changed.pullsInFlight();
        pendingMemoryMb = changed.pendingMemoryMb();
        recomputeCredits();
        // starts in flight are part of every report, so any change is worth one
        changed();
        return this;
    }

    private boolean recomputeCredits() {
        CreditPolicy.Decision decision = decide();
        if (decision.credits() == credits) {
            return false;
        }
        getContext().getLog().debug("credits {} -> {} ({})", credits, decision.credits(), decision);
        credits = decision.credits();
        return true;
    }

    private CreditPolicy.Decision decide() {
        return settings.creditPolicy().decide(reading, startsInFlight, pullsInFlight, pendingMemoryMb);
    }

    private void changed() {
        dirty = true;
        maybeReport();
    }

    private void maybeReport() {
        if (!dirty || !initialized || gateway == null || timers.isTimerActive(ReportDue.INSTANCE)) {
            return;
        }
        long elapsed = System.nanoTime() - lastReportNanos;
        long min = settings.reportMinInterval().toNanos();
        if (!reportedOnce || elapsed >= min) {
            sendReport();
        } else {
            timers.startSingleTimer(ReportDue.INSTANCE, ReportDue.INSTANCE, Duration.ofNanos(min - elapsed));
        }
    }

    private Behavior<Command> onReportDue() {
        maybeReport();
        return this;
    }

    private Behavior<Command> onHeartbeat() {
        if (initialized && gateway != null) {
            sendReport();
        } else {
            timers.startSingleTimer(Heartbeat.INSTANCE, Heartbeat.INSTANCE, settings.heartbeatInterval());
        }
        return this;
    }

    private void sendReport() {
        long nowNanos = System.nanoTime();
        AgentEvent.AgentReport report;
        if (sentToGateway == null || nowNanos - lastFullNanos >= settings.fullReportInterval().toNanos()) {
            report = report();
            lastFullNanos = nowNanos;
        } else {
            // only what changed since the previous report, which went to this same gateway
            ContainerDelta delta = ContainerDelta.between(sentToGateway, containers);
            report = new AgentEvent.AgentReport(settings.nodeId(), commandRef, ++seq, delta.changed(), currentLoad(),
                    credits, startsInFlight, settings.maxCredits(), gcHeld, true, delta.gone());
        }
        getContext().getLog().debug("report {} to {}: {} container(s), {} credit(s), {} start(s) in flight",
                report.seq(), gateway.path(), report.containers().size(), report.credits(), report.startsInFlight());
        if (link == null) {
            gateway.tell(report);
            sentToGateway = containers;
        } else if (link.hasSession()) {
            gateway.tell(link.seal(report, commandRef));
            sentToGateway = containers;
        } else {
            sendHello(); // no report until a session is granted; the first one then is full
            sentToGateway = null;
        }
        reportedLoad = report.load();
        dirty = false;
        reportedOnce = true;
        lastReportNanos = System.nanoTime();
        timers.cancel(ReportDue.INSTANCE);
        // the heartbeat counts from the last report, so a busy agent sends no extra ones
        timers.startSingleTimer(Heartbeat.INSTANCE, Heartbeat.INSTANCE, settings.heartbeatInterval());
    }

    /**
     * A full report. Also the answer to a {@code RequestReport}, which travels another way than the reports to the
     * gateway: the next report to the gateway is then a full one too, so no delta depends on a report that may
     * arrive after it.
     */
    private AgentEvent.AgentReport report() {
        sentToGateway = null;
        return new AgentEvent.AgentReport(settings.nodeId(), commandRef, ++seq, List.copyOf(containers.values()),
                currentLoad(), credits, startsInFlight, settings.maxCredits(), gcHeld);
    }

    private HostLoad currentLoad() {
        return reading.toHostLoad(pullsInFlight, images);
    }
}
