package io.blackstart.cli;

import io.blackstart.coordinator.CoordinatorNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;

/** {@code blackstart coordinator}: runs a coordinator node until it is stopped (SIGTERM leaves the cluster). */
@Command(name = "coordinator", mixinStandardHelpOptions = true,
        description = "Run a coordinator node (Pekko Cluster role 'coordinator', HTTP API).")
final class RunCoordinator implements java.util.concurrent.Callable<Integer> {
    @Option(names = "--config", paramLabel = "FILE", description = "HOCON configuration file.")
    Path config;

    @Override
    public Integer call() throws Exception {
        return NodeRunner.run(config, CoordinatorNode::nodeId,
                c -> CoordinatorNode.start(c, java.util.Optional.of(new CoordinatorDoctor())));
    }
}
