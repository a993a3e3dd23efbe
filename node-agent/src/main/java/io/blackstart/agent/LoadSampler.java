package io.blackstart.agent;

import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;

/**
 * Samples the host's load and the local image list every {@code sample-interval} and hands each sample to the
 * {@link NodeAgent}, which decides whether it changes credits or load enough to report.
 *
 * <p><b>States.</b> Idle until the timer fires, then sampling; the timer is re-armed only when the sample is done,
 * so slow reads never pile up. A failed read keeps the previous values (the image list when the engine does not
 * answer; nothing is sent when /proc cannot be read).
 *
 * <p><b>Never.</b> It never reads /proc or calls the engine on an actor thread (probe dispatcher, runtime's
 * dispatcher).
 */
public final class LoadSampler extends AbstractBehavior<LoadSampler.Command> {

    /** Messages of the load sampler (all internal). */
    public interface Command {
    }

    private enum Tick implements Command { INSTANCE }

    private record Sampled(HostReading reading, List<String> images, Throwable error) implements Command {
    }

    static Behavior<Command> create(AgentSettings settings, HostProbe probe, ContainerRuntime runtime,
                                    ActorRef<NodeAgent.Command> agent) {
        return Behaviors.setup(context -> Behaviors.withTimers(
                timers -> new LoadSampler(context, timers, settings, probe, runtime, agent)));
    }

    private final AgentSettings settings;
    private final HostProbe probe;
    private final ContainerRuntime runtime;
    private final ActorRef<NodeAgent.Command> agent;
    private final TimerScheduler<Command> timers;
    private final Executor probeExecutor;
    private List<String> images = List.of();
    private boolean failureLogged;

    private LoadSampler(ActorContext<Command> context, TimerScheduler<Command> timers, AgentSettings settings,
                        HostProbe probe, ContainerRuntime runtime, ActorRef<NodeAgent.Command> agent) {
        super(context);
        this.settings = settings;
        this.probe = probe;
        this.runtime = runtime;
        this.agent = agent;
        this.timers = timers;
        this.probeExecutor = context.getSystem().dispatchers()
                .lookup(DispatcherSelector.fromConfig(AgentSettings.PROBE_DISPATCHER));
        sample();
    }

    @Override
    public Receive<Command> createReceive() {
        return newReceiveBuilder()
                .onMessageEquals(Tick.INSTANCE, this::sample)
                .onMessage(Sampled.class, this::onSampled)
                .build();
    }

    private Behavior<Command> sample() {
        CompletionStage<List<String>> imageList = runtime.listImages()
                .handle((list, error) -> error == null ? list : null);
        CompletionStage<HostReading> reading = CompletableFuture.supplyAsync(probe::read, probeExecutor);
        getContext().pipeToSelf(reading.thenCombine(imageList, (r, i) -> new Sampled(r, i, null)),
                (sampled, error) -> error == null ? sampled : new Sampled(null, null, error));
        return this;
    }

    private Behavior<Command> onSampled(Sampled sampled) {
        if (sampled.images() != null) {
            images = sampled.images();
        }
        if (sampled.error() != null) {
            if (!failureLogged) {
                getContext().getLog().warn("cannot read host load: {}", StartExecutor.describe(sampled.error()));
                failureLogged = true;
            }
        } else {
            failureLogged = false;
            agent.tell(new NodeAgent.LoadObserved(sampled.reading(), images));
        }
        timers.startSingleTimer(Tick.INSTANCE, Tick.INSTANCE, settings.sampleInterval());
        return this;
    }
}
