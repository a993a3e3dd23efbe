package io.blackstart.coordinator.agents;

import io.blackstart.coordinator.recovery.RecoveryManager;

import io.blackstart.protocol.wire.AgentEvent;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.receptionist.Receptionist;
import org.apache.pekko.actor.typed.receptionist.ServiceKey;

/**
 * The agents' entry point on every coordinator node: registered with the receptionist under
 * {@link AgentEvent#SERVICE_KEY_ID}, it forwards every {@link AgentEvent} to the recovery manager singleton
 * (through the local singleton proxy, which buffers while the singleton moves), and tells this node's
 * {@link AgentRoster} who reported (node id and command ref of every {@link AgentEvent.AgentReport}). Stateless: it
 * never drops or reorders events, and never answers agents itself.
 */
public final class AgentGateway {

    /** Receptionist key of the gateways (what agents send their events to). */
    public static final ServiceKey<AgentEvent> SERVICE_KEY =
            ServiceKey.create(AgentEvent.class, AgentEvent.SERVICE_KEY_ID);

    private AgentGateway() {
    }

    public static Behavior<AgentEvent> create(ActorRef<RecoveryManager.Command> recoveryManager,
                                              ActorRef<AgentRoster.Command> roster) {
        return Behaviors.setup(ctx -> {
            ctx.getSystem().receptionist().tell(Receptionist.register(SERVICE_KEY, ctx.getSelf()));
            return Behaviors.receiveMessage(event -> {
                recoveryManager.tell(new RecoveryManager.AgentEventReceived(event));
                if (event instanceof AgentEvent.AgentReport r) {
                    roster.tell(new AgentRoster.Reported(r.nodeId(), r.agent()));
                }
                return Behaviors.same();
            });
        });
    }
}
