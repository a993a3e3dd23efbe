package io.blackstart.agent;

import io.blackstart.testsupport.DockerEngine;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Join;

import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * A test coordinator node (an actor system with role {@code coordinator}, in this JVM on port 0) and one real
 * {@link AgentNode} that lists it as its seed, on the real Docker engine. {@link #close()} stops both and removes
 * the agent's containers (they carry its random node id).
 */
final class CoordinatorAndAgent implements AutoCloseable {

    final String nodeId;
    final ActorTestKit coordinator;
    ActorSystem<Void> agent;

    /** Starts the coordinator node; it is not a cluster member until {@link #coordinatorFoundsTheCluster()}. */
    CoordinatorAndAgent(String nodeIdPrefix) {
        this.nodeId = nodeIdPrefix + "-" + UUID.randomUUID().toString().substring(0, 8);
        this.coordinator = ActorTestKit.create("blackstart", clusterNode("pekko.cluster.roles = [coordinator]")
                .withFallback(ConfigFactory.load()));
    }

    /** A cluster node's config on 127.0.0.1, port 0, with {@code extra} on top. */
    static Config clusterNode(String extra) {
        return ConfigFactory.parseString("""
                pekko.actor.provider = cluster
                pekko.remote.artery.canonical.hostname = 127.0.0.1
                pekko.remote.artery.canonical.port = 0
                pekko.cluster.jmx.multi-mbeans-in-same-jvm = on
                pekko.coordinated-shutdown.exit-jvm = off
                """ + extra);
    }

    Cluster coordinatorCluster() {
        return Cluster.get(coordinator.system());
    }

    /** The coordinator joins itself: the agent's seed is then a member. */
    void coordinatorFoundsTheCluster() {
        coordinatorCluster().manager().tell(Join.create(coordinatorCluster().selfMember().address()));
    }

    /** Starts the agent node, seeded by the coordinator, with image GC off (the engine is shared) and {@code extra}. */
    ActorSystem<Void> startAgent(String extra) {
        String seed = coordinatorCluster().selfMember().address().toString();
        agent = AgentNode.start(clusterNode("pekko.cluster.seed-nodes = [\"" + seed + "\"]\n"
                + "blackstart.agent.node-id = " + nodeId + "\n"
                + "blackstart.agent.image-gc.threshold-percent = 100\n" + extra));
        return agent;
    }

    @Override
    public void close() throws Exception {
        try {
            if (agent != null) {
                agent.terminate();
                agent.getWhenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
            }
        } finally {
            coordinator.shutdownTestKit();
            DockerEngine.removeContainers("io.blackstart.node", nodeId);
        }
    }
}
