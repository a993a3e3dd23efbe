package io.blackstart.coordinator;

import io.blackstart.coordinator.recovery.RecoveryManager;

import io.blackstart.protocol.wire.AgentCommand;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.typed.receptionist.Receptionist;

import java.util.ArrayList;
import java.util.List;

/** Probe agents registered with the receptionist under the recovery manager's agent key; cleared after each test. */
public final class RegisteredAgents {
    private final ActorTestKit kit;
    private final List<AgentProbe> agents = new ArrayList<>();

    public RegisteredAgents(ActorTestKit kit) {
        this.kit = kit;
    }

    public AgentProbe add(String node) {
        AgentProbe a = new AgentProbe(node, kit.createTestProbe(AgentCommand.class));
        kit.system().receptionist().tell(Receptionist.register(RecoveryManager.AGENT_KEY, a.ref()));
        agents.add(a);
        return a;
    }

    public void clear() {
        for (AgentProbe a : agents) {
            kit.system().receptionist().tell(Receptionist.deregister(RecoveryManager.AGENT_KEY, a.ref()));
        }
        agents.clear();
    }
}
