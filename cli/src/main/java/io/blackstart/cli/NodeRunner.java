package io.blackstart.cli;

import com.typesafe.config.Config;
import org.apache.pekko.actor.typed.ActorSystem;

import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.util.List;
import java.util.function.Function;

/**
 * Runs a coordinator or agent node in this JVM until its actor system terminates (SIGTERM leaves the cluster), after
 * the {@link TransportGuard} has checked its cluster transport.
 */
final class NodeRunner {
    private NodeRunner() {
    }

    /**
     * @param nodeId the node's id in its config, on every log line of the process
     */
    static int run(Path configFile, Function<Config, String> nodeId, Function<Config, ActorSystem<?>> start)
            throws Exception {
        Config c = NodeConfig.load(configFile);
        List<String> warnings = TransportGuard.check(c);
        Logging.init();
        ActorSystem<?> system;
        try {
            Logging.nodeId(nodeId.apply(c));
            warnings.forEach(w -> LoggerFactory.getLogger(NodeRunner.class).warn(w));
            system = start.apply(c);
        } catch (IllegalArgumentException e) {
            throw new OperatorException("configuration: " + e.getMessage(), 2);
        }
        system.getWhenTerminated().toCompletableFuture().get();
        return 0;
    }
}
