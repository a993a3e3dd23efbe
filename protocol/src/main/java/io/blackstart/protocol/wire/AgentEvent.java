package io.blackstart.protocol.wire;

import org.apache.pekko.actor.typed.ActorRef;

import java.util.List;

/**
 * Messages a node agent sends to the coordinator (to the gateway registered under {@link #SERVICE_KEY_ID} on
 * every coordinator node, which forwards them to the recovery manager singleton).
 */
public sealed interface AgentEvent extends CborSerializable
        permits AgentEvent.AgentReport, AgentEvent.StartOutcome, AgentEvent.StopOutcome, AgentEvent.HostDiagnosis,
        AgentEvent.Hello, AgentEvent.Sealed {

    /** Receptionist service key id for the coordinators' agent gateways. */
    String SERVICE_KEY_ID = "blackstart-coordinator-gateway";

    /**
     * The agent's state: sent when something changed (at most every min-interval), as a heartbeat, and on request.
     *
     * <p>A <b>full</b> report ({@code delta == false}) lists every managed container of the node: the first report
     * of an agent process, every report to a new gateway, the answer to a {@link AgentCommand.RequestReport}, and
     * at least one every full-report interval. In between, a <b>delta</b> report lists only the containers that
     * are new or changed since the agent's previous report (seq - 1), and in {@code gone} the instance ids that
     * report listed and this one does not. A receiver applies a delta only on top of report seq - 1 of the same
     * agent process ({@code agent}); on a gap it asks for a full report. Load, credits and starts in flight are
     * always complete.
     *
     * @param nodeId        the agent's node id
     * @param agent         where to send {@link AgentCommand}s for this node
     * @param seq           increases by one with every report of this agent process
     * @param containers    full: every managed container of this node, whatever its state; delta: those new or
     *                      changed since report seq - 1
     * @param load          live load
     * @param credits       starts the agent can take right now, beyond those in flight
     * @param startsInFlight starts the agent is executing
     * @param maxCredits    the configured upper bound of credits
     * @param gcHeld        true while image garbage collection is held
     * @param delta         true for a delta report
     * @param gone          delta: the instance ids no longer listed since report seq - 1; full: empty
     */
    record AgentReport(String nodeId, ActorRef<AgentCommand> agent, long seq, List<ContainerInfo> containers,
                       HostLoad load, int credits, int startsInFlight, int maxCredits, boolean gcHeld,
                       boolean delta, List<String> gone)
            implements AgentEvent {
        public AgentReport {
            containers = List.copyOf(containers);
            gone = gone == null ? List.of() : List.copyOf(gone);
        }

        /** A full report. */
        public AgentReport(String nodeId, ActorRef<AgentCommand> agent, long seq, List<ContainerInfo> containers,
                           HostLoad load, int credits, int startsInFlight, int maxCredits, boolean gcHeld) {
            this(nodeId, agent, seq, containers, load, credits, startsInFlight, maxCredits, gcHeld, false, List.of());
        }

        /** This report with the given complete container list, as a full report. */
        public AgentReport asFull(List<ContainerInfo> all) {
            return new AgentReport(nodeId, agent, seq, all, load, credits, startsInFlight, maxCredits, gcHeld);
        }
    }

    /**
     * The end of a {@link AgentCommand.StartInstance}. {@code containerId} is null if none exists; {@code health} is
     * the started container's readiness as the agent saw it right after the start ({@link ContainerHealth#STARTING}
     * when it has a check, whose result comes with the agent's reports; {@link ContainerHealth#NONE} otherwise).
     */
    record StartOutcome(String nodeId, String instanceId, long assignment, int attempt, StartResult result,
                        String containerId, String detail, long durationMillis, ContainerHealth health)
            implements AgentEvent {
        public StartOutcome {
            health = health == null ? ContainerHealth.NONE : health;
        }

        /** An outcome of a container without a health check (or of a start that did not start one). */
        public StartOutcome(String nodeId, String instanceId, long assignment, int attempt, StartResult result,
                            String containerId, String detail, long durationMillis) {
            this(nodeId, instanceId, assignment, attempt, result, containerId, detail, durationMillis,
                    ContainerHealth.NONE);
        }
    }

    /** The end of a {@link AgentCommand.StopInstance}. */
    record StopOutcome(String nodeId, String instanceId, boolean stopped, String detail) implements AgentEvent {
    }

    /**
     * The answer to {@link AgentCommand.DiagnoseHost}, sent straight to its {@code replyTo} (never through a gateway).
     *
     * <p>The two wall-clock readings let the asker estimate the clock offset the NTP way, without counting the time
     * the Docker calls took: with {@code sent} and {@code answered} read on the asker's clock,
     * {@code offset = ((agentReceivedMillis - sent) + (agentRepliedMillis - answered)) / 2} and the offset is exact
     * within half of {@code (answered - sent) - (agentRepliedMillis - agentReceivedMillis)}.
     *
     * @param nodeId              the agent's node id
     * @param requestId           the request's id
     * @param agentReceivedMillis the agent's wall clock (epoch ms) when it received the request
     * @param agentRepliedMillis  the agent's wall clock (epoch ms) when it sent this answer
     * @param docker              what the host's Docker engine showed
     */
    record HostDiagnosis(String nodeId, long requestId, long agentReceivedMillis, long agentRepliedMillis,
                         EngineDiagnosis docker) implements AgentEvent {
    }

    /**
     * An agent asks the recovery manager for a session (TLS on): its certificate chain (CN = node id, OU = agent)
     * and a fresh nonce, signed by the certificate's key, so nobody else can open a session in its name.
     */
    record Hello(String nodeId, ActorRef<AgentCommand> agent, java.util.List<byte[]> chain, byte[] nonce,
                 long sentAtMillis, byte[] signature) implements AgentEvent {
    }

    /**
     * An event of the agent's current session, sealed like {@link AgentCommand.Sealed}. {@code nodeId} and
     * {@code agent} travel in clear for routing and for a {@link AgentCommand.Rehello}; the manager trusts only
     * what the MAC covers, and drops an event whose payload names another node than the session's.
     */
    record Sealed(String nodeId, ActorRef<AgentCommand> agent, long session, long seq, int serializerId,
                  String manifest, byte[] payload, byte[] mac) implements AgentEvent {
    }
}
