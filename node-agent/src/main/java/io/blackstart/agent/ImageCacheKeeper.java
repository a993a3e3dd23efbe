package io.blackstart.agent;

import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * Keeps the image cache: when the filesystem of Docker's data root is fuller than {@code image-gc.threshold-percent},
 * removes the images no container uses, one at a time. While recovery mode is on, garbage collection is held:
 * images are what makes a restart fast, and pulling them again is what a recovery cannot afford.
 *
 * <p><b>States.</b> Idle between checks (every {@code image-gc.interval}); checking the disk; collecting (one
 * removal in flight, the rest queued). Held or released, independently. The next check is armed only when a pass is
 * over.
 *
 * <p><b>Never.</b> It never starts a removal while held: a hold drops the queue, and the one removal already sent to
 * the engine (if any) is the last. It never forces a removal, so an image a container uses stays.
 */
public final class ImageCacheKeeper extends AbstractBehavior<ImageCacheKeeper.Command> {

    /** Messages of the image cache keeper. */
    public interface Command {
    }

    /** From {@link NodeAgent}: hold (recovery mode on) or release image garbage collection. */
    record Hold(boolean held) implements Command {
    }

    private enum Tick implements Command { INSTANCE }

    private record DiskRead(Double usedPercent, Throwable error) implements Command {
    }

    private record Candidates(List<String> references, Throwable error) implements Command {
    }

    private record Removed(String reference, Throwable error) implements Command {
    }

    static Behavior<Command> create(AgentSettings settings, DiskProbe disk, ContainerRuntime runtime) {
        return Behaviors.setup(context -> Behaviors.withTimers(
                timers -> new ImageCacheKeeper(context, timers, settings, disk, runtime)));
    }

    private final AgentSettings settings;
    private final DiskProbe disk;
    private final ContainerRuntime runtime;
    private final TimerScheduler<Command> timers;
    private final Executor probeExecutor;
    private final Deque<String> queue = new ArrayDeque<>();
    private boolean held;

    private ImageCacheKeeper(ActorContext<Command> context, TimerScheduler<Command> timers, AgentSettings settings,
                             DiskProbe disk, ContainerRuntime runtime) {
        super(context);
        this.settings = settings;
        this.disk = disk;
        this.runtime = runtime;
        this.timers = timers;
        this.probeExecutor = context.getSystem().dispatchers()
                .lookup(DispatcherSelector.fromConfig(AgentSettings.PROBE_DISPATCHER));
        timers.startSingleTimer(Tick.INSTANCE, Tick.INSTANCE, settings.imageGcInterval());
    }

    @Override
    public Receive<Command> createReceive() {
        return newReceiveBuilder()
                .onMessage(Hold.class, this::onHold)
                .onMessageEquals(Tick.INSTANCE, this::onTick)
                .onMessage(DiskRead.class, this::onDiskRead)
                .onMessage(Candidates.class, this::onCandidates)
                .onMessage(Removed.class, this::onRemoved)
                .build();
    }

    private Behavior<Command> onHold(Hold hold) {
        held = hold.held();
        if (held && !queue.isEmpty()) {
            getContext().getLog().info("image GC held: {} queued removal(s) dropped", queue.size());
            queue.clear();
        }
        return this;
    }

    private Behavior<Command> onTick() {
        getContext().pipeToSelf(CompletableFuture.supplyAsync(disk::usedPercent, probeExecutor), DiskRead::new);
        return this;
    }

    private Behavior<Command> onDiskRead(DiskRead read) {
        if (read.error() != null) {
            getContext().getLog().warn("cannot measure the disk of {}: {}", settings.dockerDataRoot(),
                    StartExecutor.describe(read.error()));
            return passOver();
        }
        if (read.usedPercent() < settings.imageGcThresholdPercent()) {
            return passOver();
        }
        if (held) {
            getContext().getLog().info("disk {}% full (threshold {}%), but image GC is held in recovery mode",
                    Math.round(read.usedPercent()), settings.imageGcThresholdPercent());
            return passOver();
        }
        getContext().pipeToSelf(runtime.unusedImages(), Candidates::new);
        return this;
    }

    private Behavior<Command> onCandidates(Candidates candidates) {
        if (candidates.error() != null) {
            getContext().getLog().warn("cannot list unused images: {}", StartExecutor.describe(candidates.error()));
            return passOver();
        }
        if (held) {
            return passOver();
        }
        queue.addAll(candidates.references());
        getContext().getLog().info("disk over {}%: removing {} unused image(s)", settings.imageGcThresholdPercent(),
                queue.size());
        return removeNext();
    }

    private Behavior<Command> onRemoved(Removed removed) {
        if (removed.error() != null) {
            getContext().getLog().warn("cannot remove image {}: {}", removed.reference(),
                    StartExecutor.describe(removed.error()));
        } else {
            getContext().getLog().info("removed unused image {}", removed.reference());
        }
        return removeNext();
    }

    private Behavior<Command> removeNext() {
        if (held || queue.isEmpty()) {
            queue.clear();
            return passOver();
        }
        String reference = queue.poll();
        getContext().pipeToSelf(runtime.removeImage(reference), (ignored, error) -> new Removed(reference, error));
        return this;
    }

    private Behavior<Command> passOver() {
        timers.startSingleTimer(Tick.INSTANCE, Tick.INSTANCE, settings.imageGcInterval());
        return this;
    }
}
