package io.blackstart.agent;

import io.blackstart.protocol.InstanceId;
import io.blackstart.protocol.wire.AgentCommand.StartInstance;
import io.blackstart.protocol.wire.AgentEvent.StartOutcome;
import io.blackstart.protocol.wire.ContainerHealth;
import io.blackstart.protocol.wire.ContainerInfo;
import io.blackstart.protocol.wire.ContainerState;
import io.blackstart.protocol.wire.StartResult;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;

/**
 * Executes the starts of one host, at most {@code max-concurrent-starts} at once.
 *
 * <p><b>Responsibility.</b> For a {@link StartInstance}: restart the instance's existing container if there is one
 * (whatever its state), else create {@code bs-<instanceId>} and start it, pulling the image first if it is missing.
 * Each waiting command is answered with a {@link StartOutcome}: STARTED with the container id (and its health right
 * after the start: STARTING when it has a check), FAILED with the
 * reason, TIMED_OUT once its {@code startTimeoutSeconds} have passed, or REJECTED when the bound is reached. It tells
 * the {@link NodeAgent} the starts and pulls in flight after every change.
 *
 * <p><b>States.</b> Per instance: not in flight, or in flight with the commands waiting for it. A duplicate command
 * for an instance in flight waits for the same execution: an instance is never started twice at once. A start that
 * timed out keeps its slot until the engine returns, so the engine never has more than the bound in flight; a
 * command arriving for it meanwhile waits for that execution.
 *
 * <p><b>Never.</b> It never calls the engine on its own thread (the {@link ContainerRuntime} runs every call on its
 * dispatcher) and never creates a second container for an instance.
 */
public final class StartExecutor extends AbstractBehavior<StartExecutor.Command> {

    /** Messages of the start executor. */
    public interface Command {
    }

    /** From {@link NodeAgent}: execute this start. */
    record Execute(StartInstance command) implements Command {
    }

    private record Finished(String instanceId, Started started, Throwable error) implements Command {
    }

    /** A started container and its readiness right after the start. */
    private record Started(String containerId, ContainerHealth health) {
    }

    private record TimedOut(String instanceId) implements Command {
    }

    private record PullStarted(String instanceId) implements Command {
    }

    private record PullFinished(String instanceId) implements Command {
    }

    private record TimeoutKey(String instanceId) {
    }

    private record Waiter(StartInstance command, long receivedNanos) {
    }

    /** One execution in flight, and the commands waiting for its result (empty once they timed out). */
    private static final class InFlight {
        final long memoryMb;
        final List<Waiter> waiters = new ArrayList<>();
        boolean pulling;

        InFlight(long memoryMb) {
            this.memoryMb = memoryMb;
        }
    }

    static Behavior<Command> create(AgentSettings settings, ContainerRuntime runtime, ActorRef<NodeAgent.Command> agent) {
        // every message is about one instance: its lines carry the id (MDC set per message, cleared after it)
        return Behaviors.withMdc(Command.class, StartExecutor::mdc, Behaviors.setup(context -> Behaviors.withTimers(
                timers -> new StartExecutor(context, timers, settings, runtime, agent))));
    }

    private static Map<String, String> mdc(Command message) {
        String id = null;
        if (message instanceof Execute m) {
            id = m.command().instanceId();
        } else if (message instanceof Finished m) {
            id = m.instanceId();
        } else if (message instanceof TimedOut m) {
            id = m.instanceId();
        } else if (message instanceof PullStarted m) {
            id = m.instanceId();
        } else if (message instanceof PullFinished m) {
            id = m.instanceId();
        }
        return id == null ? Map.of() : Map.of(InstanceId.MDC_KEY, id);
    }

    private final AgentSettings settings;
    private final ContainerRuntime runtime;
    private final ActorRef<NodeAgent.Command> agent;
    private final TimerScheduler<Command> timers;
    private final Map<String, InFlight> inFlight = new HashMap<>();

    private StartExecutor(ActorContext<Command> context, TimerScheduler<Command> timers, AgentSettings settings,
                          ContainerRuntime runtime, ActorRef<NodeAgent.Command> agent) {
        super(context);
        this.settings = settings;
        this.runtime = runtime;
        this.agent = agent;
        this.timers = timers;
    }

    @Override
    public Receive<Command> createReceive() {
        return newReceiveBuilder()
                .onMessage(Execute.class, this::onExecute)
                .onMessage(Finished.class, this::onFinished)
                .onMessage(TimedOut.class, this::onTimedOut)
                .onMessage(PullStarted.class, m -> onPull(m.instanceId(), true))
                .onMessage(PullFinished.class, m -> onPull(m.instanceId(), false))
                .build();
    }

    private Behavior<Command> onExecute(Execute execute) {
        StartInstance command = execute.command();
        String id = command.instanceId();
        InFlight running = inFlight.get(id);
        if (running != null) {
            getContext().getLog().debug("start of {} already in flight: attempt {} waits for it", id,
                    command.attempt());
            addWaiter(running, command);
            return this;
        }
        if (inFlight.size() >= settings.maxConcurrentStarts()) {
            reply(new Waiter(command, System.nanoTime()), StartResult.REJECTED, null,
                    "over capacity: " + inFlight.size() + " starts in flight (max " + settings.maxConcurrentStarts()
                            + ")");
            return this;
        }
        getContext().getLog().debug("starting {} (attempt {}, assignment {})", id, command.attempt(),
                command.assignment());
        InFlight entry = new InFlight(command.container().memoryMb());
        inFlight.put(id, entry);
        addWaiter(entry, command);
        getContext().pipeToSelf(execute(command).thenCompose(containerId -> healthOf(containerId, command)),
                (started, error) -> new Finished(id, started, error));
        publish();
        return this;
    }

    private void addWaiter(InFlight entry, StartInstance command) {
        entry.waiters.add(new Waiter(command, System.nanoTime()));
        TimeoutKey key = new TimeoutKey(command.instanceId());
        if (!timers.isTimerActive(key)) {
            int seconds = command.container().startTimeoutSeconds();
            Duration timeout = seconds > 0 ? Duration.ofSeconds(seconds) : settings.defaultStartTimeout();
            timers.startSingleTimer(key, new TimedOut(command.instanceId()), timeout);
        }
    }

    /** The engine calls of one start; runs off the actor (the stages complete on the runtime's dispatcher). */
    private CompletionStage<String> execute(StartInstance command) {
        String nodeId = settings.nodeId();
        String id = command.instanceId();
        ActorRef<Command> self = getContext().getSelf();
        return runtime.find(nodeId, id).thenCompose(existing -> {
            if (existing.isPresent()) {
                String containerId = existing.get().containerId();
                if (existing.get().state() == ContainerState.RUNNING) {
                    return CompletableFuture.completedFuture(containerId);
                }
                return runtime.start(containerId).thenApply(ignored -> containerId);
            }
            return runtime.createAndStart(nodeId, id, command.appId(), command.container())
                    .exceptionallyCompose(error -> {
                        if (!(unwrap(error) instanceof ImageMissingException)) {
                            return CompletableFuture.failedStage(error);
                        }
                        self.tell(new PullStarted(id));
                        return runtime.pull(command.container().image())
                                .whenComplete((ignored, pullError) -> self.tell(new PullFinished(id)))
                                .thenCompose(ignored -> runtime.createAndStart(nodeId, id, command.appId(),
                                        command.container()));
                    });
        });
    }

    /**
     * The started container's health as the engine reports it now: STARTING when it has a check (the app's, whose
     * label the runtime reads, or the image's HEALTHCHECK), else NONE. If the engine cannot say, an app check counts
     * as STARTING and none as NONE; the next report corrects it.
     */
    private CompletionStage<Started> healthOf(String containerId, StartInstance command) {
        ContainerHealth fallback = command.container().health() != null ? ContainerHealth.STARTING
                : ContainerHealth.NONE;
        return runtime.inspect(settings.nodeId(), containerId).handle((info, error) -> new Started(containerId,
                error != null ? fallback : info.map(ContainerInfo::health).filter(h -> h != ContainerHealth.NONE)
                        .orElse(fallback)));
    }

    private Behavior<Command> onFinished(Finished finished) {
        InFlight entry = inFlight.remove(finished.instanceId());
        if (entry == null) {
            return this;
        }
        timers.cancel(new TimeoutKey(finished.instanceId()));
        // logged before the replies: whoever reads the outcome finds the line already written
        if (finished.error() != null) {
            getContext().getLog().warn("start of {} failed: {}", finished.instanceId(), describe(finished.error()));
        } else {
            getContext().getLog().debug("started {}: container {}", finished.instanceId(),
                    finished.started().containerId());
        }
        for (Waiter waiter : entry.waiters) {
            if (finished.error() == null) {
                reply(waiter, StartResult.STARTED, finished.started().containerId(), "started",
                        finished.started().health());
            } else {
                reply(waiter, StartResult.FAILED, null, describe(finished.error()));
            }
        }
        publish();
        return this;
    }

    private Behavior<Command> onTimedOut(TimedOut timedOut) {
        InFlight entry = inFlight.get(timedOut.instanceId());
        if (entry == null) {
            return this;
        }
        getContext().getLog().warn("start of {} timed out; its slot stays taken until the engine answers",
                timedOut.instanceId());
        for (Waiter waiter : entry.waiters) {
            Duration limit = Duration.ofNanos(System.nanoTime() - waiter.receivedNanos());
            reply(waiter, StartResult.TIMED_OUT, null, "start did not complete within " + limit.toMillis() + " ms");
        }
        entry.waiters.clear();
        return this;
    }

    private Behavior<Command> onPull(String instanceId, boolean pulling) {
        InFlight entry = inFlight.get(instanceId);
        if (entry != null && entry.pulling != pulling) {
            entry.pulling = pulling;
            publish();
        }
        return this;
    }

    private void publish() {
        int pulls = (int) inFlight.values().stream().filter(e -> e.pulling).count();
        long memory = inFlight.values().stream().mapToLong(e -> e.memoryMb).sum();
        agent.tell(new NodeAgent.StartsChanged(inFlight.size(), pulls, memory));
    }

    private void reply(Waiter waiter, StartResult result, String containerId, String detail) {
        reply(waiter, result, containerId, detail, ContainerHealth.NONE);
    }

    private void reply(Waiter waiter, StartResult result, String containerId, String detail, ContainerHealth health) {
        StartInstance c = waiter.command();
        long millis = Duration.ofNanos(System.nanoTime() - waiter.receivedNanos()).toMillis();
        c.replyTo().tell(new StartOutcome(settings.nodeId(), c.instanceId(), c.assignment(), c.attempt(), result,
                containerId, detail, millis, health));
    }

    /** A failure as one line for an outcome or a log: the root cause's type and message. */
    static String describe(Throwable error) {
        Throwable cause = unwrap(error);
        String message = cause.getMessage();
        return cause.getClass().getSimpleName() + (message == null ? "" : ": " + message.strip());
    }

    private static Throwable unwrap(Throwable error) {
        Throwable t = error;
        while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }
}
