package io.blackstart.bench;

import io.blackstart.coordinator.agents.AgentGateway;
import io.blackstart.coordinator.recovery.RecoveryManager;
import io.blackstart.protocol.wire.AgentCommand;
import io.blackstart.protocol.wire.AgentEvent;
import io.blackstart.protocol.wire.ContainerInfo;
import io.blackstart.protocol.wire.ContainerState;
import io.blackstart.protocol.wire.HostLoad;
import io.blackstart.protocol.wire.StartResult;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.actor.typed.receptionist.Receptionist;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A node agent without Docker: registers under the agent key, sends {@link AgentEvent.AgentReport}s to a
 * coordinator gateway, and "starts" every {@link AgentCommand.StartInstance} at once (or after
 * {@code confirmDelay}): a {@link StartResult#STARTED} outcome to the command's reply address and a fresh report
 * that lists the new running container and grants the credit again. Credits come only from reports and outcomes,
 * as with a real agent; the agent never reports more than {@code credits} (credits + starts in flight).
 *
 * <p>Reports follow the real agent's rules ({@code NodeAgent.maybeReport}): on every change, but at most one per
 * {@code reportInterval} (the agent's report-min-interval, 200 ms by default; changes in between are coalesced into
 * the next), and a heartbeat report after 5 s without one. With a zero interval it reports after every change,
 * which is more work for the coordinator than a real agent makes. Memory is reported as plentiful (1 TiB) so that
 * credits, not memory, pace the starts. Like the real agent, it lists every container in its first report, in the
 * answer to a {@code RequestReport} (and the next report after it) and at least every {@link #FULL_REPORT}, and only
 * the containers that changed in the reports in between; with {@code fullReports} every report lists them all.
 */
final class SimulatedAgent {

    sealed interface Msg {
    }

    private record Command(AgentCommand command) implements Msg {
    }

    private record Confirm(AgentCommand.StartInstance start) implements Msg {
    }

    private enum Heartbeat implements Msg { INSTANCE }

    private enum ReportDue implements Msg { INSTANCE }

    /** As a real agent's heartbeat-interval: a full report after this long, so the coordinator keeps the host. */
    static final Duration HEARTBEAT = Duration.ofSeconds(5);
    /** As a real agent's full-report-interval. */
    static final Duration FULL_REPORT = Duration.ofSeconds(30);

    private final ActorContext<Msg> ctx;
    private final TimerScheduler<Msg> timers;
    private final String nodeId;
    private final ActorRef<AgentEvent> gateway;
    private final int credits;
    private final Duration confirmDelay;
    private final Duration reportInterval;
    private long lastReportNanos;
    private boolean dirty;
    private final FleetRecorder recorder;
    private final ActorRef<AgentCommand> self;
    private final HostLoad load;
    private final boolean fullReports;
    private final Map<String, ContainerInfo> containers = new LinkedHashMap<>();
    /** Changed and removed since the last report to the gateway: the next delta. */
    private final Map<String, ContainerInfo> changedSince = new LinkedHashMap<>();
    private final Set<String> goneSince = new LinkedHashSet<>();
    /** The next report to the gateway must be a full one. */
    private boolean fullDue = true;
    private long lastFullNanos;
    private final ArrayDeque<AgentCommand.StartInstance> inFlight = new ArrayDeque<>();
    private final ArrayDeque<Long> freedAt = new ArrayDeque<>();
    private long seq;
    private boolean gcHeld;

    static Behavior<Msg> create(String nodeId, ActorRef<AgentEvent> gateway, int credits, Duration confirmDelay,
                                Duration reportInterval, boolean fullReports, List<String> images,
                                FleetRecorder recorder) {
        return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> new SimulatedAgent(ctx, timers, nodeId, gateway,
                credits, confirmDelay, reportInterval, fullReports, images, recorder).behavior()));
    }

    private SimulatedAgent(ActorContext<Msg> ctx, TimerScheduler<Msg> timers, String nodeId,
                           ActorRef<AgentEvent> gateway, int credits, Duration confirmDelay, Duration reportInterval,
                           boolean fullReports, List<String> images, FleetRecorder recorder) {
        this.ctx = ctx;
        this.timers = timers;
        this.nodeId = nodeId;
        this.gateway = gateway;
        this.credits = credits;
        this.confirmDelay = confirmDelay;
        this.reportInterval = reportInterval;
        this.fullReports = fullReports;
        this.recorder = recorder;
        this.load = new HostLoad(16, 1 << 20, 1 << 20, 0.0, 0.0, 0.1, 0, images);
        this.self = ctx.messageAdapter(AgentCommand.class, Command::new);
        ctx.getSystem().receptionist().tell(Receptionist.register(RecoveryManager.AGENT_KEY, self));
        sendReport(gateway);
    }

    private Behavior<Msg> behavior() {
        return Behaviors.receive(Msg.class)
                .onMessage(Command.class, m -> onCommand(m.command()))
                .onMessage(Confirm.class, m -> confirm(m.start()))
                .onMessage(Heartbeat.class, m -> {
                    sendReport(gateway);
                    return Behaviors.same();
                })
                .onMessage(ReportDue.class, m -> {
                    maybeReport();
                    return Behaviors.same();
                })
                .build();
    }

    private Behavior<Msg> onCommand(AgentCommand c) {
        if (c instanceof AgentCommand.StartInstance s) {
            long now = System.nanoTime();
            recorder.started(s.instanceId(), inFlight.size() + 1, credits, now);
            Long freed = freedAt.poll();
            if (freed != null) {
                recorder.refilled(now - freed);
            }
            inFlight.add(s);
            if (confirmDelay.isZero()) {
                return confirm(s);
            }
            timers.startSingleTimer(new Confirm(s), confirmDelay);
            changed();
        } else if (c instanceof AgentCommand.RequestReport r) {
            sendReport(r.replyTo());
        } else if (c instanceof AgentCommand.SetRecoveryMode m) {
            if (m.recovery() != gcHeld) {
                gcHeld = m.recovery();
                changed();
            }
        } else if (c instanceof AgentCommand.StopInstance s) {
            recorder.stopped();
            if (containers.remove(s.instanceId()) != null) {
                changedSince.remove(s.instanceId());
                goneSince.add(s.instanceId());
            }
            s.replyTo().tell(new AgentEvent.StopOutcome(nodeId, s.instanceId(), true, "simulated"));
            changed();
        }
        return Behaviors.same();
    }

    private Behavior<Msg> confirm(AgentCommand.StartInstance s) {
        inFlight.remove(s);
        String containerId = "c-" + s.instanceId();
        ContainerInfo running = new ContainerInfo(s.instanceId(), s.appId(), containerId, s.container().image(),
                ContainerState.RUNNING, System.currentTimeMillis());
        containers.put(s.instanceId(), running);
        changedSince.put(s.instanceId(), running);
        goneSince.remove(s.instanceId());
        s.replyTo().tell(new AgentEvent.StartOutcome(nodeId, s.instanceId(), s.assignment(), s.attempt(),
                StartResult.STARTED, containerId, null, confirmDelay.toMillis()));
        changed();
        long now = System.nanoTime();
        freedAt.add(now);
        recorder.confirmed(s.instanceId(), now);
        return Behaviors.same();
    }

    private void changed() {
        dirty = true;
        maybeReport();
    }

    private void maybeReport() {
        if (!dirty || timers.isTimerActive(ReportDue.INSTANCE)) {
            return;
        }
        long elapsed = System.nanoTime() - lastReportNanos;
        if (elapsed >= reportInterval.toNanos()) {
            sendReport(gateway);
        } else {
            timers.startSingleTimer(ReportDue.INSTANCE, Duration.ofNanos(reportInterval.toNanos() - elapsed));
        }
    }

    private void sendReport(ActorRef<AgentEvent> to) {
        long now = System.nanoTime();
        boolean toGateway = to.equals(gateway);
        if (!toGateway || fullReports || fullDue || now - lastFullNanos >= FULL_REPORT.toNanos()) {
            to.tell(new AgentEvent.AgentReport(nodeId, self, ++seq, List.copyOf(containers.values()), load,
                    credits - inFlight.size(), inFlight.size(), credits, gcHeld));
            // a full report elsewhere (a RequestReport's answer) may arrive after the gateway's next: make that full
            fullDue = !toGateway;
            if (toGateway) {
                lastFullNanos = now;
            }
        } else {
            to.tell(new AgentEvent.AgentReport(nodeId, self, ++seq, List.copyOf(changedSince.values()), load,
                    credits - inFlight.size(), inFlight.size(), credits, gcHeld, true, List.copyOf(goneSince)));
        }
        if (toGateway) {
            changedSince.clear();
            goneSince.clear();
            dirty = false;
            lastReportNanos = System.nanoTime();
            timers.cancel(ReportDue.INSTANCE);
            timers.startSingleTimer(Heartbeat.INSTANCE, HEARTBEAT); // counts from the last report, as the agent's
        }
    }

    /** The gateway key, for fleets looking up where to send events. */
    static org.apache.pekko.actor.typed.receptionist.ServiceKey<AgentEvent> gatewayKey() {
        return AgentGateway.SERVICE_KEY;
    }
}
