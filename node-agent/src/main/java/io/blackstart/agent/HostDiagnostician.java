package io.blackstart.agent;

import io.blackstart.protocol.wire.AgentCommand;
import io.blackstart.protocol.wire.AgentEvent;
import io.blackstart.protocol.wire.EngineDiagnosis;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * Answers {@link AgentCommand.DiagnoseHost}: runs {@link ContainerRuntime#diagnose()} (the Docker calls run on the
 * runtime's dispatcher) and sends every requester a {@link AgentEvent.HostDiagnosis} with its own receive time and
 * the reply time on this host's wall clock.
 *
 * <p><b>States.</b> <em>Idle</em>; <em>diagnosing</em> — requests arriving meanwhile wait for the same result, and
 * when {@code timeout} passes first they are answered "no answer within ..."; <em>stuck</em> — the timed-out Docker
 * call has not ended yet: requests are answered at once that the engine has not answered for so long, and no second
 * call is started, so a hung engine holds at most one thread of the Docker dispatcher for diagnoses.
 *
 * <p><b>Never.</b> It never calls Docker itself and never blocks; it always answers, within {@code timeout}.
 */
public final class HostDiagnostician {

    /** Messages of the diagnostician. */
    public interface Command {
    }

    /**
     * A request, with the agent's wall clock when the agent received it.
     *
     * @param request        the coordinator's request
     * @param receivedMillis epoch millis of receipt
     */
    public record Diagnose(AgentCommand.DiagnoseHost request, long receivedMillis) implements Command {
    }

    private record Diagnosed(EngineDiagnosis result, Throwable error) implements Command {
    }

    private enum TimedOut implements Command { INSTANCE }

    private record Waiting(AgentCommand.DiagnoseHost request, long receivedMillis) {
    }

    private final String nodeId;
    private final ContainerRuntime runtime;
    private final Duration timeout;
    private final LongSupplier wallClock;
    private final ActorContext<Command> ctx;
    private final TimerScheduler<Command> timers;
    private final List<Waiting> waiting = new ArrayList<>();
    private long stuckSinceMillis;

    private HostDiagnostician(ActorContext<Command> ctx, TimerScheduler<Command> timers, String nodeId,
                              ContainerRuntime runtime, Duration timeout, LongSupplier wallClock) {
        this.ctx = ctx;
        this.timers = timers;
        this.nodeId = nodeId;
        this.runtime = runtime;
        this.timeout = timeout;
        this.wallClock = wallClock;
    }

    /**
     * @param nodeId    this host's node id, put in every answer
     * @param runtime   the engine
     * @param timeout   the longest a requester waits for its answer
     * @param wallClock this host's wall clock in epoch millis ({@code System::currentTimeMillis})
     */
    public static Behavior<Command> create(String nodeId, ContainerRuntime runtime, Duration timeout,
                                           LongSupplier wallClock) {
        return Behaviors.setup(ctx -> Behaviors.withTimers(timers ->
                new HostDiagnostician(ctx, timers, nodeId, runtime, timeout, wallClock).idle()));
    }

    private Behavior<Command> idle() {
        return Behaviors.receive(Command.class)
                .onMessage(Diagnose.class, this::startDiagnosis)
                .onMessage(Diagnosed.class, d -> Behaviors.same())
                .onMessageEquals(TimedOut.INSTANCE, Behaviors::same)
                .build();
    }

    private Behavior<Command> startDiagnosis(Diagnose d) {
        waiting.add(new Waiting(d.request(), d.receivedMillis()));
        ctx.pipeToSelf(runtime.diagnose(), Diagnosed::new);
        timers.startSingleTimer(TimedOut.INSTANCE, TimedOut.INSTANCE, timeout);
        return diagnosing();
    }

    private Behavior<Command> diagnosing() {
        return Behaviors.receive(Command.class)
                .onMessage(Diagnose.class, this::join)
                .onMessage(Diagnosed.class, this::onDiagnosed)
                .onMessageEquals(TimedOut.INSTANCE, this::onTimedOut)
                .build();
    }

    private Behavior<Command> join(Diagnose d) {
        waiting.add(new Waiting(d.request(), d.receivedMillis()));
        return Behaviors.same();
    }

    private Behavior<Command> onDiagnosed(Diagnosed d) {
        timers.cancel(TimedOut.INSTANCE);
        EngineDiagnosis result = d.error() == null ? d.result()
                : EngineDiagnosis.unreachable("the diagnosis failed: " + d.error(), 0);
        answerAll(result);
        return idle();
    }

    private Behavior<Command> onTimedOut() {
        answerAll(EngineDiagnosis.unreachable("no answer from the Docker engine within " + timeout.toMillis()
                + " ms", timeout.toMillis()));
        stuckSinceMillis = wallClock.getAsLong() - timeout.toMillis();
        return stuck();
    }

    private Behavior<Command> stuck() {
        return Behaviors.receive(Command.class)
                .onMessage(Diagnose.class, this::answerStuck)
                .onMessage(Diagnosed.class, d -> idle())
                .onMessageEquals(TimedOut.INSTANCE, Behaviors::same)
                .build();
    }

    private Behavior<Command> answerStuck(Diagnose d) {
        long since = wallClock.getAsLong() - stuckSinceMillis;
        reply(d.request(), d.receivedMillis(), EngineDiagnosis.unreachable(
                "the Docker engine has not answered a diagnosis for " + since + " ms", since));
        return Behaviors.same();
    }

    private void answerAll(EngineDiagnosis result) {
        for (Waiting w : waiting) {
            reply(w.request(), w.receivedMillis(), result);
        }
        waiting.clear();
    }

    private void reply(AgentCommand.DiagnoseHost request, long receivedMillis, EngineDiagnosis result) {
        request.replyTo().tell(new AgentEvent.HostDiagnosis(nodeId, request.requestId(), receivedMillis,
                wallClock.getAsLong(), result));
    }
}
