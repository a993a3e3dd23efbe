package io.blackstart.protocol.wire;

import org.apache.pekko.actor.typed.ActorRef;

/**
 * Messages a coordinator sends to a node agent. Agents register under the receptionist key
 * {@link #SERVICE_KEY_ID}; every agent command is idempotent per (instance id, assignment).
 */
public sealed interface AgentCommand extends CborSerializable
        permits AgentCommand.StartInstance, AgentCommand.StopInstance, AgentCommand.SetRecoveryMode,
        AgentCommand.RequestReport, AgentCommand.DiagnoseHost {

    /** Receptionist service key id for agents. */
    String SERVICE_KEY_ID = "blackstart-agent";

    /**
     * Start the instance: restart its existing container if the agent has one (whatever its state), otherwise
     * create {@code bs-<instanceId>} and start it. The agent answers with {@link AgentEvent.StartOutcome}.
     *
     * @param assignment the assignment's revision in etcd; echoed back so stale outcomes can be told apart
     * @param attempt    1 for the first attempt
     */
    record StartInstance(String instanceId, String appId, ContainerSpec container, long assignment, int attempt,
                         ActorRef<AgentEvent> replyTo) implements AgentCommand {
    }

    /** Stop (and remove) the instance's container. Answered with {@link AgentEvent.StopOutcome}. */
    record StopInstance(String instanceId, String reason, ActorRef<AgentEvent> replyTo) implements AgentCommand {
    }

    /** Enter or leave recovery mode: while on, the agent holds image garbage collection. */
    record SetRecoveryMode(boolean recovery) implements AgentCommand {
    }

    /** Ask for a full {@link AgentEvent.AgentReport} now (a new coordinator singleton rebuilding its ledger). */
    record RequestReport(ActorRef<AgentEvent> replyTo) implements AgentCommand {
    }

    /**
     * Diagnose this host: ping the Docker engine, read its version, storage driver and data root, and measure the
     * free space of the data root. Answered with {@link AgentEvent.HostDiagnosis}, also when the engine does not
     * answer (the agent bounds the Docker calls by its own {@code host-diagnosis-timeout}). Requests that arrive
     * while a diagnosis runs share its result.
     *
     * @param requestId echoed back, so a late answer to an earlier query can be told apart
     */
    record DiagnoseHost(long requestId, ActorRef<AgentEvent> replyTo) implements AgentCommand {
    }
}
