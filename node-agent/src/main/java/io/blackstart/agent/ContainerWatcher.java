package io.blackstart.agent;

import io.blackstart.protocol.health.NodeReadiness;
import io.blackstart.protocol.wire.ContainerInfo;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.PreRestart;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;

import java.io.Closeable;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.HashSet;

/**
 * Knows which managed containers of this node exist and in which state, and tells the {@link NodeAgent} the complete
 * list whenever it may have changed.
 *
 * <p><b>Responsibility.</b> Checks that the engine answers, subscribes to its container events for this node id
 * <em>before</em> listing (so no change between the list and the subscription is missed), lists, and then inspects
 * each container an event names (the engine's list can lag behind its own events, an inspection cannot); it
 * re-lists every {@code resync-interval} to repair anything missed. At most one inspection per container and one
 * list are in flight; an event arriving meanwhile is served after. It keeps when it first saw each container in its
 * current state ({@code stateSinceMillis}; 0 for what the first list found).
 *
 * <p><b>States.</b> Disconnected (retrying every {@code events-retry-interval}) or subscribed. A broken event stream
 * sends it back to disconnected.
 *
 * <p>It owns the node's readiness condition {@link AgentNode#DOCKER_CONDITION}: met while the engine answered its
 * last call (version, list), unmet with the reason when a call failed or the event stream broke.
 *
 * <p><b>Never.</b> Its event callback only tells it a message; it never calls the engine on its own thread.
 */
public final class ContainerWatcher extends AbstractBehavior<ContainerWatcher.Command> {

    /** Messages of the container watcher (all internal). */
    public interface Command {
    }

    private record Connected(EngineInfo engine, Throwable error) implements Command {
    }

    private record Subscribed(long generation, Closeable handle, Throwable error) implements Command {
    }

    private record EventSeen(ContainerEvent event) implements Command {
    }

    private record StreamFailed(long generation, Throwable error) implements Command {
    }

    private record Listed(List<ContainerInfo> containers, Throwable error) implements Command {
    }

    private record Inspected(String containerId, Optional<ContainerInfo> container, Throwable error)
            implements Command {
    }

    private enum Reconnect implements Command { INSTANCE }

    private enum Resync implements Command { INSTANCE }

    static Behavior<Command> create(AgentSettings settings, ContainerRuntime runtime, ActorRef<NodeAgent.Command> agent) {
        return Behaviors.setup(context -> Behaviors.withTimers(
                timers -> new ContainerWatcher(context, timers, settings, runtime, agent)));
    }

    private final AgentSettings settings;
    private final ContainerRuntime runtime;
    private final ActorRef<NodeAgent.Command> agent;
    private final TimerScheduler<Command> timers;
    private final NodeReadiness readiness;

    private long generation;
    private Closeable subscription;
    private boolean listing;
    private boolean relistWanted;
    private boolean listedOnce;
    private boolean outageLogged;
    private Map<String, ContainerInfo> known = new HashMap<>();
    private final Set<String> inspecting = new HashSet<>();
    private final Set<String> inspectAgain = new HashSet<>();
    private final Set<String> touchedDuringList = new HashSet<>();

    private ContainerWatcher(ActorContext<Command> context, TimerScheduler<Command> timers, AgentSettings settings,
                             ContainerRuntime runtime, ActorRef<NodeAgent.Command> agent) {
        super(context);
        this.settings = settings;
        this.runtime = runtime;
        this.agent = agent;
        this.timers = timers;
        this.readiness = NodeReadiness.get(context.getSystem());
        timers.startTimerWithFixedDelay(Resync.INSTANCE, Resync.INSTANCE, settings.resyncInterval());
        connect();
    }

    @Override
    public Receive<Command> createReceive() {
        return newReceiveBuilder()
                .onMessage(Connected.class, this::onConnected)
                .onMessage(Subscribed.class, this::onSubscribed)
                .onMessage(EventSeen.class, this::onEvent)
                .onMessage(StreamFailed.class, this::onStreamFailed)
                .onMessage(Listed.class, this::onListed)
                .onMessage(Inspected.class, this::onInspected)
                .onMessageEquals(Reconnect.INSTANCE, this::connect)
                .onMessageEquals(Resync.INSTANCE, this::onResync)
                .onSignal(PostStop.class, signal -> unsubscribe())
                .onSignal(PreRestart.class, signal -> unsubscribe())
                .build();
    }

    private Behavior<Command> connect() {
        getContext().pipeToSelf(runtime.version(), Connected::new);
        return this;
    }

    private Behavior<Command> onConnected(Connected connected) {
        if (connected.error() != null) {
            return disconnected("container engine not answering", connected.error());
        }
        getContext().getLog().info("container engine {} (API {}) at {}", connected.engine().version(),
                connected.engine().apiVersion(), settings.dockerHost());
        readiness.met(AgentNode.DOCKER_CONDITION);
        outageLogged = false;
        long gen = ++generation;
        ActorRef<Command> self = getContext().getSelf();
        getContext().pipeToSelf(runtime.subscribe(settings.nodeId(),
                        event -> self.tell(new EventSeen(event)),
                        error -> self.tell(new StreamFailed(gen, error))),
                (handle, error) -> new Subscribed(gen, handle, error));
        return this;
    }

    private Behavior<Command> onSubscribed(Subscribed subscribed) {
        if (subscribed.error() != null) {
            return disconnected("cannot subscribe to container events", subscribed.error());
        }
        if (subscribed.generation() != generation) {
            close(subscribed.handle());
            return this;
        }
        subscription = subscribed.handle();
        return relist();
    }

    private Behavior<Command> onEvent(EventSeen seen) {
        String id = seen.event().containerId();
        if (id == null) {
            return relist();
        }
        String action = seen.event().action();
        if (action != null && action.startsWith("exec_")) {
            // readiness probes run execs (create, start, die): they change no container's state
            return this;
        }
        if (listing) {
            touchedDuringList.add(id);
        }
        return inspect(id);
    }

    private Behavior<Command> inspect(String containerId) {
        if (!inspecting.add(containerId)) {
            inspectAgain.add(containerId);
            return this;
        }
        getContext().pipeToSelf(runtime.inspect(settings.nodeId(), containerId),
                (container, error) -> new Inspected(containerId, container, error));
        return this;
    }

    private Behavior<Command> onInspected(Inspected inspected) {
        String id = inspected.containerId();
        inspecting.remove(id);
        if (!listedOnce) {
            // the first list, still running, comes with the complete picture and re-inspects what changed meanwhile
            touchedDuringList.add(id);
        } else if (inspected.error() != null) {
            getContext().getLog().warn("cannot inspect container {}: {}", id, StartExecutor.describe(inspected.error()));
            relist();
        } else {
            List<ContainerInfo> next = new ArrayList<>();
            for (ContainerInfo c : known.values()) {
                if (!c.containerId().equals(id)) {
                    next.add(c);
                }
            }
            inspected.container().ifPresent(next::add);
            publish(next);
        }
        if (inspectAgain.remove(id)) {
            inspect(id);
        }
        return this;
    }

    private Behavior<Command> onStreamFailed(StreamFailed failed) {
        if (failed.generation() != generation) {
            return this;
        }
        return disconnected("container event stream broke", failed.error());
    }

    private Behavior<Command> disconnected(String what, Throwable error) {
        unsubscribe();
        readiness.unmet(AgentNode.DOCKER_CONDITION, what + ": " + StartExecutor.describe(error));
        generation++;
        if (!outageLogged) {
            getContext().getLog().warn("{}: {}; retrying every {}", what, StartExecutor.describe(error),
                    settings.eventsRetryInterval());
            outageLogged = true;
        }
        timers.startSingleTimer(Reconnect.INSTANCE, Reconnect.INSTANCE, settings.eventsRetryInterval());
        return this;
    }

    private Behavior<Command> onResync() {
        return subscription != null ? relist() : this;
    }

    private Behavior<Command> relist() {
        if (listing) {
            relistWanted = true;
            return this;
        }
        listing = true;
        getContext().pipeToSelf(runtime.list(settings.nodeId()), Listed::new);
        return this;
    }

    private Behavior<Command> onListed(Listed listed) {
        listing = false;
        if (listed.error() != null) {
            getContext().getLog().warn("cannot list containers: {}", StartExecutor.describe(listed.error()));
            readiness.unmet(AgentNode.DOCKER_CONDITION, "cannot list containers: "
                    + StartExecutor.describe(listed.error()));
        } else {
            readiness.met(AgentNode.DOCKER_CONDITION);
            publish(listed.containers());
            // the list may predate events that arrived while it ran: ask the engine about those again
            List<String> touched = new ArrayList<>(touchedDuringList);
            touched.forEach(this::inspect);
        }
        touchedDuringList.clear();
        if (relistWanted) {
            relistWanted = false;
            relist();
        }
        return this;
    }

    private void publish(List<ContainerInfo> containers) {
        // an instance has one container; should the engine hold two (never created by an agent), the last wins
        long now = System.currentTimeMillis();
        Map<String, ContainerInfo> next = new HashMap<>();
        List<ContainerInfo> out = new ArrayList<>(containers.size());
        for (ContainerInfo c : containers) {
            ContainerInfo before = known.get(c.instanceId());
            long since;
            if (before != null && before.state() == c.state() && before.containerId().equals(c.containerId())) {
                since = before.stateSinceMillis();
            } else {
                // what the first list finds has been in its state since an unknown time
                since = listedOnce ? now : 0;
            }
            // an engine HEALTHCHECK's output is in an inspection, not in a list: keep the last one seen
            String detail = c.healthDetail() == null && before != null && before.health() == c.health()
                    && before.containerId().equals(c.containerId()) ? before.healthDetail() : c.healthDetail();
            ContainerInfo stamped = new ContainerInfo(c.instanceId(), c.appId(), c.containerId(), c.image(),
                    c.state(), since, c.health(), detail);
            next.put(c.instanceId(), stamped);
            out.add(stamped);
        }
        known = next;
        listedOnce = true;
        agent.tell(new NodeAgent.ContainersObserved(out));
    }

    private Behavior<Command> unsubscribe() {
        if (subscription != null) {
            close(subscription);
            subscription = null;
        }
        return this;
    }

    private static void close(Closeable handle) {
        try {
            handle.close();
        } catch (IOException | RuntimeException e) {
            // the stream is being abandoned; a failure to close it changes nothing
        }
    }
}
