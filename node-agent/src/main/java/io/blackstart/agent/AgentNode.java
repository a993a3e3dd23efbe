package io.blackstart.agent;

import com.typesafe.config.Config;
import io.blackstart.protocol.health.NodeManagement;
import io.blackstart.protocol.health.NodeReadiness;
import io.blackstart.protocol.trust.NodeIdentity;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValueFactory;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.actor.typed.SupervisorStrategy;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.slf4j.LoggerFactory;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;

/**
 * Starts a node agent process: the ActorSystem {@code blackstart} with cluster role {@code agent}, the Docker
 * runtime and the {@link NodeAgent}. The caller's config supplies the cluster settings ({@code pekko.actor.provider
 * = cluster}, Artery host and port, seed nodes) and {@code blackstart.agent.node-id}; everything else has defaults in
 * this module's {@code reference.conf}.
 */
public final class AgentNode {

    /** The cluster role of agent nodes. */
    public static final String ROLE = "agent";
    /** The readiness condition the {@link ContainerWatcher} owns: the Docker engine answered its last call. */
    public static final String DOCKER_CONDITION = "docker";

    private static final String MANAGEMENT = "blackstart.agent.management";

    private AgentNode() {
    }

    /**
     * Validates the settings, then creates the ActorSystem and spawns the agent. Terminating the returned system
     * stops the agent and closes the Docker connections; containers are left as they are.
     *
     * @throws IllegalArgumentException if a {@code blackstart.agent} setting is missing or invalid (the message names
     *                                  the key)
     */
    public static ActorSystem<Void> start(Config config) {
        Config full = full(config);
        AgentSettings settings = AgentSettings.fromConfig(full);
        // with TLS: this node's certificate must be an agent's, for this node id (else IllegalArgumentException)
        Optional<NodeIdentity> identity = NodeIdentity.forNode(full, ROLE, settings.nodeId());
        // initialise logging on this thread, so no early log line from a dispatcher thread is replayed (P6)
        LoggerFactory.getILoggerFactory();
        ActorSystem<Void> system = ActorSystem.create(guardian(settings, identity), "blackstart", full);
        NodeReadiness.get(system).require(DOCKER_CONDITION, "the engine has not answered yet");
        NodeManagement.start(system, MANAGEMENT);
        return system;
    }

    /** The address of this node's management endpoint ({@code /alive}, {@code /ready}, {@code /cluster/members}). */
    public static CompletionStage<URI> managementUri(ActorSystem<?> system) {
        return NodeReadiness.get(system).managementUri();
    }

    /**
     * The node id {@link #start} will run with ({@code blackstart.agent.node-id}), e.g. for the process's log lines.
     *
     * @throws IllegalArgumentException as {@link #start} if it is missing or invalid
     */
    public static String nodeId(Config config) {
        return AgentSettings.fromConfig(full(config)).nodeId();
    }

    private static Config full(Config config) {
        List<String> roles = new ArrayList<>(config.hasPath("pekko.cluster.roles")
                ? config.getStringList("pekko.cluster.roles") : List.of());
        if (!roles.contains(ROLE)) {
            roles.add(ROLE);
        }
        return NodeManagement.configure(config.withValue("pekko.cluster.roles", ConfigValueFactory.fromIterable(roles))
                .withFallback(ConfigFactory.defaultReference())
                .resolve(), MANAGEMENT);
    }

    private static Behavior<Void> guardian(AgentSettings settings, Optional<NodeIdentity> identity) {
        return Behaviors.setup(context -> {
            Executor docker = context.getSystem().dispatchers()
                    .lookup(DispatcherSelector.fromConfig(AgentSettings.DOCKER_DISPATCHER));
            DockerJavaRuntime runtime = new DockerJavaRuntime(settings, docker);
            // closing sockets is I/O: done once the system is gone, not on an actor thread
            context.getSystem().getWhenTerminated().thenRun(runtime::close);
            Behavior<NodeAgent.Command> agent = NodeAgent.create(settings, runtime,
                    new ProcfsHostProbe(settings.procRoot()), new FileStoreDiskProbe(settings.dockerDataRoot()),
                    identity);
            context.spawn(Behaviors.supervise(agent).onFailure(SupervisorStrategy.restartWithBackoff(
                    Duration.ofMillis(500), Duration.ofSeconds(30), 0.2)), "agent");
            return Behaviors.empty();
        });
    }
}
