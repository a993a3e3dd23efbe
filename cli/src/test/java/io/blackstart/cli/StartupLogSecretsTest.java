package io.blackstart.cli;

import io.blackstart.testsupport.FreePorts;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.util.ContextInitializer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.typesafe.config.Config;
import io.blackstart.cli.logging.LogFields;
import io.blackstart.cli.logging.ShippedLogback;
import io.blackstart.coordinator.CoordinatorNode;
import io.blackstart.coordinator.store.InMemoryDesiredStateStore;
import org.apache.pekko.actor.typed.ActorSystem;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A coordinator's startup logs its configuration ("coordinator node starting: etcd ..., api Api[... token=<set>
 * ...]"): in the text and the JSON format, with the shipped logback.xml, the API token and the etcd password never
 * appear, and every line carries the node id.
 */
@Timeout(120)
class StartupLogSecretsTest {
    private static final String TOKEN = "tok-" + UUID.randomUUID();
    private static final String ETCD_PASSWORD = "pw-" + UUID.randomUUID();

    private final LoggerContext global = (LoggerContext) LoggerFactory.getILoggerFactory();

    @TempDir
    Path dir;

    @AfterEach
    void restoreLogging() throws Exception {
        global.reset();
        new ContextInitializer(global).autoConfig();
    }

    /** Starts a coordinator as {@code blackstart coordinator} does, stops it, and returns what it logged. */
    private List<String> startupLines(String format) throws Exception {
        int port = FreePorts.one();
        Path file = dir.resolve(format + ".conf");
        Files.writeString(file, """
                pekko.remote.artery.canonical.port = %d
                pekko.cluster.seed-nodes = ["pekko://blackstart@127.0.0.1:%d"]
                # a test must not end its own JVM
                pekko.coordinated-shutdown.exit-jvm = off
                blackstart.coordinator {
                  api.port = 0
                  api.token = "%s"
                  etcd.user = "blackstart"
                  etcd.password = "%s"
                  tracker.jmx = off
                }
                """.formatted(port, port, TOKEN, ETCD_PASSWORD));
        Config config = NodeConfig.load(file);
        ShippedLogback logback = ShippedLogback.load(global, Map.of("blackstart.log.format", format));
        Logging.nodeId(CoordinatorNode.nodeId(config));
        ActorSystem<?> system = CoordinatorNode.start(config, new InMemoryDesiredStateStore(), true);
        try {
            // logged before the address is handed out
            CoordinatorNode.httpAddress(system).toCompletableFuture().get(30, TimeUnit.SECONDS);
        } finally {
            system.terminate();
            system.getWhenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
        }
        global.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).getAppender("STDERR").stop(); // nothing after this
        return new ArrayList<>(logback.lines());
    }

    private static void assertNoSecret(List<String> lines) {
        for (String line : lines) {
            assertFalse(line.contains(TOKEN), "the API token is logged: " + line);
            assertFalse(line.contains(ETCD_PASSWORD), "the etcd password is logged: " + line);
        }
    }

    @Test
    void textStartupLinesHoldNoSecret() throws Exception {
        List<String> lines = startupLines("text");
        assertTrue(lines.stream().anyMatch(l -> l.contains("coordinator node starting") && l.contains("token=<set>")
                && l.contains(" node=127.0.0.1:")), "the configuration line is there: " + lines);
        assertTrue(lines.stream().anyMatch(l -> l.contains("HTTP API on http://127.0.0.1:")), lines.toString());
        assertNoSecret(lines);
    }

    @Test
    void jsonStartupLinesHoldNoSecretAndAllCarryTheNodeId() throws Exception {
        List<String> lines = startupLines("json");
        ObjectMapper json = new ObjectMapper();
        boolean configuration = false;
        for (String line : lines) {
            JsonNode n = json.readTree(line);
            assertTrue(n.get(LogFields.NODE_ID).asText().startsWith("127.0.0.1:"), line);
            configuration |= n.get("message").asText().startsWith("coordinator node starting")
                    && n.get("message").asText().contains("token=<set>");
        }
        assertTrue(configuration, "the configuration line is there: " + lines);
        assertNoSecret(lines);
        assertEquals(lines.size(), lines.stream().filter(l -> l.startsWith("{")).count());
    }
}
