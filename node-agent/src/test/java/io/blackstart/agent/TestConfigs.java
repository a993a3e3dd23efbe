package io.blackstart.agent;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.blackstart.protocol.wire.ContainerSpec;

import java.util.List;
import java.util.Map;

/** Shared test configuration and helpers. */
final class TestConfigs {

    private TestConfigs() {
    }

    /** An ActorTestKit config without remoting. */
    static Config local() {
        return ConfigFactory.parseString("pekko.actor.provider = local\npekko.loglevel = INFO")
                .withFallback(ConfigFactory.load());
    }

    /** Agent settings with fast test intervals, plus the given overrides (HOCON under blackstart.agent). */
    static AgentSettings settings(String nodeId, String overrides) {
        Config config = ConfigFactory.parseString(overrides).atPath("blackstart.agent")
                .withFallback(ConfigFactory.parseString("""
                        report-min-interval = 50ms
                        heartbeat-interval = 30s
                        sample-interval = 100ms
                        resync-interval = 30s
                        events-retry-interval = 200ms
                        image-gc.interval = 100ms
                        """).atPath("blackstart.agent"))
                .withValue("blackstart.agent.node-id", com.typesafe.config.ConfigValueFactory.fromAnyRef(nodeId))
                .withFallback(ConfigFactory.defaultReference())
                .resolve();
        return AgentSettings.fromConfig(config);
    }

    static ContainerSpec spec(int timeoutSeconds) {
        return new ContainerSpec("blackstart/testapp:1", List.of("/bin/sleep", "100000"), Map.of("A", "1"), 64, 0.2,
                timeoutSeconds);
    }
}
