package io.blackstart.cli;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Loads the configuration of a coordinator or agent node: system properties, then the operator's file, then
 * the node defaults shipped with the CLI ({@code blackstart-node.conf}: cluster provider, Artery on 127.0.0.1,
 * logging), then every module's {@code reference.conf}. Resolved once, as Pekko needs.
 */
final class NodeConfig {
    private NodeConfig() {
    }

    static Config load(Path file) {
        Config user = ConfigFactory.empty();
        if (file != null) {
            if (!Files.isReadable(file)) {
                throw new OperatorException("config file " + file + " does not exist or is not readable", 2);
            }
            try {
                user = ConfigFactory.parseFile(file.toFile(), ConfigParseOptions.defaults().setAllowMissing(false));
            } catch (ConfigException e) {
                throw new OperatorException("config file " + file + ": " + e.getMessage(), 2);
            }
        }
        Config defaults = ConfigFactory.parseResources(NodeConfig.class, "blackstart-node.conf");
        try {
            return ConfigFactory.load(ConfigFactory.systemProperties().withFallback(user).withFallback(defaults));
        } catch (ConfigException e) {
            throw new OperatorException("configuration: " + e.getMessage(), 2);
        }
    }
}
