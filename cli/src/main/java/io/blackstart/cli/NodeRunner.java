package io.blackstart.cli;

import com.typesafe.config.Config;
import org.apache.pekko.actor.typed.ActorSystem;

import java.nio.file.Path;
import java.util.function.Function;

/** Runs a coordinator or agent node in this JVM until its actor system terminates (SIGTERM leaves the cluster). */
final class NodeRunner {
    private NodeRunner() {
    }

    static int run(Path configFile, Function<Config, ActorSystem<?>> start) throws Exception {
        Config c = NodeConfig.load(configFile);
        Logging.init();
        ActorSystem<?> system;
        try {
            system = start.apply(c);
        } catch (IllegalArgumentException e) {
            throw new OperatorException("configuration: " + e.getMessage(), 2);
        }
        system.getWhenTerminated().toCompletableFuture().get();
        return 0;
    }
}
