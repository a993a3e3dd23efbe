package io.blackstart.protocol.wire;

import org.apache.pekko.actor.typed.ActorRef;

import java.util.List;

/**
 * Messages a node agent sends to the coordinator (to the gateway registered under {@link #SERVICE_KEY_ID} on
 * every coordinator node, which forwards them to the recovery manager singleton).
 */
public sealed interface AgentEvent extends CborSerializable
        permits AgentEvent.AgentReport, AgentEvent.StartOutcome, AgentEvent.StopOutcome, AgentEvent.HostDiagnosis {

    /** Receptionist service key id for the coordinators' agent gateways. */
    String SERVICE_KEY_ID = "blackstart-coordinator-gateway";

    /**
     * The agent's full state: sent when something changed (at most every min-interval), as a heartbeat, and
     * on request. Reports are complete, so a lost one is repaired by the next.
     *
     * @param nodeId        the agent's node id
     * @param agent         where to send {@link AgentCommand}s for this node
     * @param seq           increases with every report of this agent process
     * @param containers    every managed container of this node, whatever its state
     * @param load          live load
     * @param credits       starts the agent can take right now, beyond those in flight
     * @param startsInFlight starts the agent is executing
     * @param maxCredits    the configured upper bound of credits
     * @param gcHeld        true while image garbage collection is held
     */
    record AgentReport(String nodeId, ActorRef<AgentCommand> agent, long seq, List<ContainerInfo> containers,
                       HostLoad load, int credits, int startsInFlight, int maxCredits, boolean gcHeld)
            implements AgentEvent {
        public AgentReport {
            containers = List.copyOf(containers);
        }
    }

    /** The end of a {@link AgentCommand.StartInstance}. {@code containerId} is null if none exists. */
    record StartOutcome(String nodeId, String instanceId, long assignment, int attempt, StartResult result,
                        String containerId, String detail, long durationMillis) implements AgentEvent {
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
}
