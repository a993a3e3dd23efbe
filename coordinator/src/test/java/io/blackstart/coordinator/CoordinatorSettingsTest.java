package io.blackstart.coordinator;

import com.typesafe.config.ConfigFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** reference.conf defaults and the keys the CLI and cluster.sh set. */
@Timeout(10)
public class CoordinatorSettingsTest {

    @Test
    void defaultsFromReferenceConf() {
        CoordinatorSettings s = CoordinatorSettings.fromConfig(ConfigFactory.load());
        assertEquals(List.of("http://127.0.0.1:2379"), s.etcd().endpoints());
        assertEquals("/blackstart", s.etcd().prefix());
        assertEquals(Duration.ofSeconds(3), s.etcd().callTimeout());
        assertEquals("127.0.0.1", s.api().host());
        assertEquals(7070, s.api().port());
        assertEquals(0.30, s.recovery().autoThreshold());
        assertEquals(5, s.recovery().ledger().maxAttempts());
        assertEquals(8, s.recovery().ledger().maxStartTimeoutFactor());
        assertNull(s.catalog().cacheFile());
    }

    @Test
    void clusterShKeysAreRead() {
        CoordinatorSettings s = CoordinatorSettings.fromConfig(ConfigFactory.parseString("""
                blackstart.coordinator {
                  etcd.endpoints = ["http://127.0.0.1:23790"]
                  etcd.prefix = "/cell-7/"
                  api.port = 7071
                  api.token = "very-secret"
                  catalog-cache-file = "/tmp/run/coordinator-1-catalog.json"
                }
                """).withFallback(ConfigFactory.load()));
        assertEquals("/cell-7", s.etcd().prefix());
        assertEquals(Path.of("/tmp/run/coordinator-1-catalog.json"), s.catalog().cacheFile());
        assertEquals("very-secret", s.api().token());
        assertFalse(s.api().toString().contains("very-secret"), "the token is never printed");
        assertFalse(s.toString().contains("very-secret"));
    }

    @Test
    void badValuesAreRefusedAtStart() {
        assertThrows(IllegalArgumentException.class, () -> CoordinatorSettings.fromConfig(ConfigFactory.parseString(
                "blackstart.coordinator.etcd.prefix = \"/\"").withFallback(ConfigFactory.load())));
        assertThrows(IllegalArgumentException.class, () -> CoordinatorSettings.fromConfig(ConfigFactory.parseString(
                "blackstart.coordinator.recovery.auto-threshold = 1.5").withFallback(ConfigFactory.load())));
    }

    @Test
    void specLimitsComeFromConfigAndABadOneNamesItsKey() {
        CoordinatorSettings s = CoordinatorSettings.fromConfig(ConfigFactory.parseString("""
                blackstart.coordinator.spec-limits.document-bytes = 16KiB
                blackstart.coordinator.spec-limits.total-instances = 5000
                blackstart.coordinator.catalog.status-rejected = 7
                """).withFallback(ConfigFactory.load()));
        assertEquals(16 * 1024, s.catalog().specLimits().documentBytes());
        assertEquals(5000, s.catalog().specLimits().totalInstances());
        assertEquals(io.blackstart.protocol.SpecLimits.DEFAULT.envBytes(), s.catalog().specLimits().envBytes());
        assertEquals(7, s.catalog().statusRejected());
        IllegalArgumentException zero = assertThrows(IllegalArgumentException.class, () -> CoordinatorSettings
                .fromConfig(ConfigFactory.parseString("blackstart.coordinator.spec-limits.env-entries = 0")
                        .withFallback(ConfigFactory.load())));
        assertEquals("blackstart.coordinator.spec-limits.env-entries must be 1..2147483647, got 0", zero.getMessage());
        IllegalArgumentException big = assertThrows(IllegalArgumentException.class, () -> CoordinatorSettings
                .fromConfig(ConfigFactory.parseString("blackstart.coordinator.spec-limits.document-bytes = 1MiB")
                        .withFallback(ConfigFactory.load())));
        assertEquals(true, big.getMessage().contains("above 131072 (a start must fit one cluster message frame)"),
                big.getMessage());
    }
}
