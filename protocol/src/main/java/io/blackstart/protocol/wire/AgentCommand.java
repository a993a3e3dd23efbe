package io.blackstart.protocol.wire;

import org.apache.pekko.actor.typed.ActorRef;

/**
 * Messages a coordinator sends to a node agent. Agents register under the receptionist key
 * {@link #SERVICE_KEY_ID}; every agent command is idempotent per (instance id, assignment).
 */
public sealed interface AgentCommand extends CborSerializable
        permits AgentCommand.StartInstance, AgentCommand.StopInstance, AgentCommand.SetRecoveryMode,
        AgentCommand.RequestReport, AgentCommand.DiagnoseHost, AgentCommand.Grant, AgentCommand.Sealed,
        AgentCommand.Rehello {

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

    /**
     * The recovery manager's answer to an {@link AgentEvent.Hello}: a new session of this agent with the current
     * manager incarnation. {@code wrappedKey} is the session's HMAC key encrypted for the agent's certificate key;
     * {@code signature} is by a coordinator certificate ({@code chain}) over the other fields and the Hello's
     * nonce, so only an answer to this agent process's latest Hello is taken.
     *
     * @param replyTo where the agent sends its sealed start and stop outcomes (the manager's reply address)
     */
    record Grant(String nodeId, long session, byte[] wrappedKey, byte[] nonce, long issuedAtMillis,
                 java.util.List<byte[]> chain, byte[] signature, ActorRef<AgentEvent> replyTo) implements AgentCommand {
    }

    /**
     * A command of the current session, sealed: {@code payload} is the serialized command (serializer id and
     * manifest as Pekko gives them), {@code mac} HMAC-SHA256 with the session key over session, seq and payload.
     * With TLS on, an agent executes {@link StartInstance}, {@link StopInstance}, {@link SetRecoveryMode} and
     * {@link RequestReport} only sealed.
     */
    record Sealed(long session, long seq, int serializerId, String manifest, byte[] payload, byte[] mac)
            implements AgentCommand {
    }

    /**
     * Asks the agent for a new {@link AgentEvent.Hello} (a new manager incarnation, or one that could not open
     * the agent's sealed events). Unauthenticated and harmless: the agent answers at most once per
     * {@code hello-min-interval}.
     */
    record Rehello(String reason) implements AgentCommand {
    }
}
