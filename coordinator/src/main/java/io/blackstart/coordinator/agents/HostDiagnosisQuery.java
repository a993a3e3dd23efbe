package io.blackstart.coordinator.agents;

import io.blackstart.common.ClockSkew;
import io.blackstart.protocol.wire.AgentCommand;
import io.blackstart.protocol.wire.AgentEvent;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.LongSupplier;

/**
 * One "ask every agent" query (the shape of Pekko's {@code DeviceGroupQuery}): sends
 * {@link AgentCommand.DiagnoseHost} to a snapshot of agents, collects their {@link AgentEvent.HostDiagnosis} until
 * all have answered or the deadline passes, replies one {@link HostsDiagnosis} and stops.
 *
 * <p>Request ids are the targets' indexes, so an answer names its target even when the agent's node id was not known
 * before. Each answer's clock offset is computed from the query's send time, the agent's two readings and the
 * receive time ({@link ClockSkew#exchange}). Agents that have not answered by the deadline are listed as silent, as
 * are expected node ids that had no agent to ask; a silent entry whose node id also answered (a stale registration
 * of a restarted agent) is left out.
 *
 * <p><b>Never.</b> It never blocks and never retries; it always replies, within the deadline.
 */
public final class HostDiagnosisQuery {

    /** Messages of the query; all private. */
    interface Command {
    }

    private record Answered(AgentEvent event) implements Command {
    }

    private enum DeadlinePassed implements Command { INSTANCE }

    /**
     * An agent to ask.
     *
     * @param agent       its command ref
     * @param knownNodeId its node id when known before asking, else ""
     */
    record Target(ActorRef<AgentCommand> agent, String knownNodeId) {
    }

    private final List<Target> targets;
    private final Set<String> expected;
    private final Duration deadline;
    private final LongSupplier clock;
    private final ActorRef<HostsDiagnosis> replyTo;
    private final long sentMillis;
    private final long startNanos = System.nanoTime();
    private final org.apache.pekko.actor.Address selfAddress;
    private final Map<Integer, HostsDiagnosis.Host> answers = new TreeMap<>();

    private HostDiagnosisQuery(ActorContext<Command> ctx, List<Target> targets, Set<String> expected,
                               Duration deadline, LongSupplier clock, ActorRef<HostsDiagnosis> replyTo) {
        this.targets = List.copyOf(targets);
        this.expected = Set.copyOf(expected);
        this.deadline = deadline;
        this.clock = clock;
        this.replyTo = replyTo;
        this.selfAddress = ctx.getSystem().address();
        ActorRef<AgentEvent> answers = ctx.messageAdapter(AgentEvent.class, Answered::new);
        this.sentMillis = clock.getAsLong();
        for (int i = 0; i < this.targets.size(); i++) {
            this.targets.get(i).agent().tell(new AgentCommand.DiagnoseHost(i, answers));
        }
    }

    /**
     * @param targets  the agents to ask
     * @param expected node ids to list even when no agent of theirs can be asked
     * @param deadline the longest to wait for answers
     * @param clock    this node's wall clock in epoch millis
     * @param replyTo  gets the one reply
     */
    static Behavior<Command> create(List<Target> targets, Set<String> expected, Duration deadline, LongSupplier clock,
                                    ActorRef<HostsDiagnosis> replyTo) {
        return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> {
            HostDiagnosisQuery q = new HostDiagnosisQuery(ctx, targets, expected, deadline, clock, replyTo);
            if (targets.isEmpty()) {
                return q.finish();
            }
            timers.startSingleTimer(DeadlinePassed.INSTANCE, DeadlinePassed.INSTANCE, deadline);
            return q.waiting();
        }));
    }

    private Behavior<Command> waiting() {
        return Behaviors.receive(Command.class)
                .onMessage(Answered.class, this::onAnswer)
                .onMessageEquals(DeadlinePassed.INSTANCE, this::finish)
                .build();
    }

    private Behavior<Command> onAnswer(Answered a) {
        if (!(a.event() instanceof AgentEvent.HostDiagnosis d) || d.requestId() < 0
                || d.requestId() >= targets.size() || answers.containsKey((int) d.requestId())) {
            return Behaviors.same();
        }
        int i = (int) d.requestId();
        long answeredMillis = clock.getAsLong();
        Optional<ClockSkew.Offset> offset;
        String detail = "";
        try {
            offset = Optional.of(ClockSkew.exchange(sentMillis, d.agentReceivedMillis(), d.agentRepliedMillis(),
                    answeredMillis));
        } catch (IllegalArgumentException e) {
            // a clock stepped during the exchange: the docker facts stand, the offset is unknown
            offset = Optional.empty();
            detail = "clock not measured: " + e.getMessage();
        }
        answers.put(i, new HostsDiagnosis.Host(d.nodeId(), address(targets.get(i)), true, detail, offset,
                Optional.of(d.docker())));
        return answers.size() == targets.size() ? finish() : Behaviors.same();
    }

    private Behavior<Command> finish() {
        List<HostsDiagnosis.Host> hosts = new ArrayList<>(answers.values());
        Set<String> answeredIds = new HashSet<>();
        answers.values().forEach(h -> answeredIds.add(h.nodeId()));
        Set<String> listed = new HashSet<>(answeredIds);
        for (int i = 0; i < targets.size(); i++) {
            Target t = targets.get(i);
            if (answers.containsKey(i) || (!t.knownNodeId().isEmpty() && answeredIds.contains(t.knownNodeId()))) {
                continue;
            }
            hosts.add(HostsDiagnosis.Host.silent(t.knownNodeId(), address(t),
                    "its agent did not answer within " + deadline.toMillis() + " ms"));
            listed.add(t.knownNodeId());
        }
        for (String id : expected) {
            if (!listed.contains(id)) {
                hosts.add(HostsDiagnosis.Host.silent(id, "", "no agent of this node id is registered in the cluster"));
            }
        }
        hosts.sort(Comparator.comparing((HostsDiagnosis.Host h) -> h.nodeId().isEmpty())
                .thenComparing(HostsDiagnosis.Host::nodeId).thenComparing(HostsDiagnosis.Host::address));
        replyTo.tell(new HostsDiagnosis(sentMillis, deadline.toMillis(), (System.nanoTime() - startNanos) / 1_000_000,
                targets.size(), hosts));
        return Behaviors.stopped();
    }

    private String address(Target t) {
        return AgentRoster.addressOf(t.agent(), selfAddress);
    }
}
