package io.blackstart.agent;

import io.blackstart.protocol.wire.ContainerHealth;
import io.blackstart.protocol.wire.ContainerInfo;
import io.blackstart.protocol.wire.ContainerState;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.LongSupplier;

/**
 * Runs the readiness probes of this host's running containers whose app has a {@code health} check, and tells the
 * {@link NodeAgent} each container's health when it changes.
 *
 * <p><b>Responsibility.</b> For every running container it is told about, it asks the runtime once for the
 * container's check (its label; none: the engine's own {@code HEALTHCHECK}, if any, is read by the watcher). A
 * checked container is probed at once and then {@code intervalSeconds} after each probe ended; its health follows
 * Docker's rules ({@link HealthStreak}) and is told with the last probe's output. Probing goes on while unhealthy,
 * so a container that recovers becomes healthy.
 *
 * <p><b>Bounds.</b> At most {@code health.max-concurrent-probes} probes run at once; a probe due while the bound is
 * reached waits in a queue (FIFO). Each probe is bounded by its check's {@code timeoutSeconds}.
 *
 * <p><b>Never.</b> It never probes on its own thread: exec probes run on the runtime's dispatcher, tcp and http
 * probes on the health dispatcher, and their results come back as messages.
 */
public final class HealthProber extends AbstractBehavior<HealthProber.Command> {

    /** Messages of the prober. */
    public interface Command {
    }

    /** From {@link NodeAgent}: the complete current list of this node's managed containers. */
    record Observe(List<ContainerInfo> containers) implements Command {
    }

    private record Targeted(String containerId, Optional<ProbeTarget> target, Throwable error) implements Command {
    }

    private record Due(String containerId) implements Command {
    }

    private record Probed(String containerId, long generation, ProbeResult result, Throwable error)
            implements Command {
    }

    /** One probed container. */
    private static final class Probe {
        final ProbeTarget target;
        final long generation;
        final HealthStreak streak;
        boolean running;
        boolean queued;

        Probe(ProbeTarget target, long generation, long startedAtMillis) {
            this.target = target;
            this.generation = generation;
            this.streak = new HealthStreak(target.check(), startedAtMillis);
        }
    }

    static Behavior<Command> create(AgentSettings settings, ContainerRuntime runtime, HealthProbes probes,
                                    ActorRef<NodeAgent.Command> agent, LongSupplier clock) {
        return Behaviors.setup(context -> Behaviors.withTimers(
                timers -> new HealthProber(context, timers, settings, runtime, probes, agent, clock)));
    }

    private final AgentSettings settings;
    private final ContainerRuntime runtime;
    private final HealthProbes probes;
    private final ActorRef<NodeAgent.Command> agent;
    private final TimerScheduler<Command> timers;
    private final LongSupplier clock;
    private final Map<String, Probe> probed = new HashMap<>();
    /** Running containers without a check of their own (asked once). */
    private final Set<String> unchecked = new HashSet<>();
    private final Set<String> asking = new HashSet<>();
    private final ArrayDeque<String> queue = new ArrayDeque<>();
    private Set<String> runningNow = Set.of();
    private int inFlight;
    private long generations;

    private HealthProber(ActorContext<Command> context, TimerScheduler<Command> timers, AgentSettings settings,
                         ContainerRuntime runtime, HealthProbes probes, ActorRef<NodeAgent.Command> agent,
                         LongSupplier clock) {
        super(context);
        this.settings = settings;
        this.runtime = runtime;
        this.probes = probes;
        this.agent = agent;
        this.timers = timers;
        this.clock = clock;
    }

    @Override
    public Receive<Command> createReceive() {
        return newReceiveBuilder()
                .onMessage(Observe.class, this::onObserve)
                .onMessage(Targeted.class, this::onTargeted)
                .onMessage(Due.class, m -> onDue(m.containerId()))
                .onMessage(Probed.class, this::onProbed)
                .build();
    }

    private Behavior<Command> onObserve(Observe observe) {
        Set<String> running = new HashSet<>();
        for (ContainerInfo c : observe.containers()) {
            if (c.state() == ContainerState.RUNNING) {
                running.add(c.containerId());
            }
        }
        runningNow = running;
        for (String id : List.copyOf(probed.keySet())) {
            if (!running.contains(id)) {
                forget(id);
            }
        }
        unchecked.retainAll(running);
        for (String id : running) {
            if (!probed.containsKey(id) && !unchecked.contains(id) && asking.add(id)) {
                getContext().pipeToSelf(runtime.probeTarget(settings.nodeId(), id),
                        (target, error) -> new Targeted(id, target, error));
            }
        }
        return this;
    }

    private void forget(String containerId) {
        Probe p = probed.remove(containerId);
        if (p != null) {
            timers.cancel(containerId);
            queue.remove(containerId);
            agent.tell(new NodeAgent.HealthObserved(containerId, null, null));
        }
    }

    private Behavior<Command> onTargeted(Targeted t) {
        asking.remove(t.containerId());
        if (!runningNow.contains(t.containerId())) {
            return this;
        }
        if (t.error() != null) {
            // asked again with the next container list (at the latest after resync-interval)
            getContext().getLog().warn("cannot read the health check of container {}: {}", t.containerId(),
                    StartExecutor.describe(t.error()));
            return this;
        }
        if (t.target().isEmpty()) {
            unchecked.add(t.containerId());
            return this;
        }
        ProbeTarget target = t.target().get();
        long started = target.startedAtMillis() > 0 ? target.startedAtMillis() : clock.getAsLong();
        Probe p = new Probe(target, ++generations, started);
        probed.put(t.containerId(), p);
        getContext().getLog().debug("probing {} ({}): {}", target.instanceId(), t.containerId(),
                target.check().describe());
        agent.tell(new NodeAgent.HealthObserved(t.containerId(), ContainerHealth.STARTING, "waiting for the first "
                + target.check().kind().wireName() + " probe"));
        return onDue(t.containerId());
    }

    private Behavior<Command> onDue(String containerId) {
        Probe p = probed.get(containerId);
        if (p == null || p.running || p.queued) {
            return this;
        }
        if (inFlight >= settings.maxConcurrentProbes()) {
            p.queued = true;
            queue.add(containerId);
            return this;
        }
        p.running = true;
        inFlight++;
        long generation = p.generation;
        getContext().pipeToSelf(probes.run(p.target),
                (result, error) -> new Probed(containerId, generation, result, error));
        return this;
    }

    private Behavior<Command> onProbed(Probed m) {
        inFlight--;
        Probe p = probed.get(m.containerId());
        if (p != null && p.generation == m.generation()) {
            p.running = false;
            ProbeResult r = m.error() != null ? new ProbeResult(false, StartExecutor.describe(m.error())) : m.result();
            apply(m.containerId(), p, r);
            timers.startSingleTimer(m.containerId(), new Due(m.containerId()),
                    Duration.ofSeconds(p.target.check().intervalSeconds()));
        }
        while (inFlight < settings.maxConcurrentProbes() && !queue.isEmpty()) {
            String next = queue.poll();
            Probe q = probed.get(next);
            if (q != null) {
                q.queued = false;
                onDue(next);
            }
        }
        return this;
    }

    private void apply(String containerId, Probe p, ProbeResult r) {
        if (!p.streak.record(r.passed(), clock.getAsLong())) {
            return;
        }
        ContainerHealth health = p.streak.health();
        if (health == ContainerHealth.UNHEALTHY) {
            getContext().getLog().warn("{} is unhealthy after {} failed probes ({}): {}", p.target.instanceId(),
                    p.streak.failures(), p.target.check().describe(), r.output());
        } else {
            getContext().getLog().info("{} is ready ({})", p.target.instanceId(), r.output());
        }
        agent.tell(new NodeAgent.HealthObserved(containerId, health, r.output()));
    }
}
