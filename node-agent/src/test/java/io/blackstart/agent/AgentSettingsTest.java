package io.blackstart.agent;

import com.typesafe.config.ConfigFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(value = 10, unit = TimeUnit.SECONDS)
class AgentSettingsTest {

    @Test
    void defaultsFromReferenceConf() {
        AgentSettings s = AgentSettings.fromConfig(ConfigFactory.parseString("blackstart.agent.node-id = host-1")
                .withFallback(ConfigFactory.defaultReference()).resolve());
        assertEquals("host-1", s.nodeId());
        assertEquals("unix:///var/run/docker.sock", s.dockerHost().toString());
        assertEquals(4, s.maxConcurrentStarts());
        assertEquals(4, s.maxCredits());
        assertEquals(Duration.ofMillis(200), s.reportMinInterval());
        assertEquals(Duration.ofSeconds(5), s.heartbeatInterval());
        assertEquals(Duration.ofSeconds(1), s.sampleInterval());
        assertEquals(Duration.ofSeconds(1), s.stopTimeout());
        assertEquals(90, s.imageGcThresholdPercent());
        assertEquals(Duration.ofSeconds(60), s.imageGcInterval());
    }

    @Test
    void missingNodeIdNamesTheKey() {
        var e = assertThrows(IllegalArgumentException.class,
                () -> AgentSettings.fromConfig(ConfigFactory.defaultReference().resolve()));
        assertTrue(e.getMessage().contains("blackstart.agent.node-id"), e.getMessage());
    }

    @Test
    void invalidValuesNameTheKey() {
        var e = assertThrows(IllegalArgumentException.class, () -> AgentSettings.fromConfig(ConfigFactory.parseString(
                "blackstart.agent { node-id = h, max-concurrent-starts = 0 }")
                .withFallback(ConfigFactory.defaultReference()).resolve()));
        assertTrue(e.getMessage().contains("blackstart.agent.max-concurrent-starts"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> AgentSettings.fromConfig(ConfigFactory.parseString(
                "blackstart.agent { node-id = h, image-gc.threshold-percent = 101 }")
                .withFallback(ConfigFactory.defaultReference()).resolve()));
        assertTrue(e.getMessage().contains("blackstart.agent.image-gc.threshold-percent"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> AgentSettings.fromConfig(ConfigFactory.parseString(
                "blackstart.agent { node-id = h, max-credits = 8, max-concurrent-starts = 4 }")
                .withFallback(ConfigFactory.defaultReference()).resolve()));
        assertTrue(e.getMessage().contains("blackstart.agent.max-credits"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> AgentSettings.fromConfig(ConfigFactory.parseString(
                "blackstart.agent { node-id = \"bad id\" }").withFallback(ConfigFactory.defaultReference()).resolve()));
        assertTrue(e.getMessage().contains("blackstart.agent.node-id"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> AgentSettings.fromConfig(ConfigFactory.parseString(
                "blackstart.agent { node-id = h, heartbeat-interval = soon }")
                .withFallback(ConfigFactory.defaultReference()).resolve()));
        assertTrue(e.getMessage().contains("blackstart.agent.heartbeat-interval"), e.getMessage());
    }
}
