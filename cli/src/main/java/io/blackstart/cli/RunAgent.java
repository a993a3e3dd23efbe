package io.blackstart.cli;

import io.blackstart.agent.AgentNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;

/** {@code blackstart agent}: runs the node agent of this Docker host until it is stopped. */
@Command(name = "agent", mixinStandardHelpOptions = true,
        description = "Run the node agent of this Docker host (Pekko Cluster role 'agent').")
final class RunAgent implements java.util.concurrent.Callable<Integer> {
    @Option(names = "--config", paramLabel = "FILE", description = "HOCON configuration file.")
    Path config;

    @Override
    public Integer call() throws Exception {
        return NodeRunner.run(config, AgentNode::nodeId, AgentNode::start);
    }
}
