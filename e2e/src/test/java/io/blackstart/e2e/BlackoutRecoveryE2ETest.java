package io.blackstart.e2e;

import io.blackstart.testsupport.Await;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The power cut, on the real engine: a catalog across the three tiers with dependencies runs; then every
 * coordinator and agent stops and every Blackstart container is killed; the cluster comes back, enters recovery
 * mode by itself, restarts every instance in place (same container), platform first and dependencies before
 * dependants, never two containers for one instance, and leaves recovery mode by itself.
 */
@Tag("e2e")
@Timeout(400)
class BlackoutRecoveryE2ETest {
    private static final String RUN = UUID.randomUUID().toString().substring(0, 5);
    private static final String PLATFORM = "bo-api-" + RUN;
    private static final String DB = "bo-db-" + RUN;
    private static final String WEB = "bo-web-" + RUN;
    private static final String WORKER = "bo-worker-" + RUN;
    private static final List<String> APPS = List.of(PLATFORM, DB, WEB, WORKER);
    private static LocalCluster cluster;

    @AfterAll
    static void cleanUp() {
        LocalCluster.closeAndRemove(cluster, APPS);
    }

    /** instanceId → container id, for every container of our apps; fails on a second container per instance. */
    private static Map<String, String> containerIds() {
        return LocalCluster.containerIds(APPS);
    }

    private static long running() {
        long n = 0;
        for (String app : APPS) {
            n += LocalCluster.containers(app).stream().filter(c -> c.endsWith(" running")).count();
        }
        return n;
    }

    private static Instant startedAt(String containerId) {
        return Instant.parse(Shell.run("docker", "inspect", "--format", "{{.State.StartedAt}}", containerId)
                .orFail("docker inspect").stdout().strip());
    }

    @Test
    void aBlackoutIsRecoveredInOrderInPlaceAndOnlyOnce() throws Exception {
        cluster = new LocalCluster(2).up();
        cluster.etcdPut("/apps/" + PLATFORM, LocalCluster.sleeperSpec(PLATFORM, "platform", 2));
        cluster.etcdPut("/apps/" + DB, LocalCluster.sleeperSpec(DB, "database", 2));
        cluster.etcdPut("/apps/" + WEB, LocalCluster.sleeperSpec(WEB, "app", 3, DB));
        cluster.etcdPut("/apps/" + WORKER, LocalCluster.sleeperSpec(WORKER, "app", 2, WEB));
        int desired = 9;
        Await.until(desired + " running containers", Duration.ofSeconds(120), BlackoutRecoveryE2ETest::running,
                n -> n == desired);
        Map<String, String> before = containerIds();
        assertEquals(desired, before.size(), before.toString());

        // The power cut: every Blackstart process and every container dies at once.
        cluster.down();
        List<String> kill = new ArrayList<>(List.of("docker", "kill"));
        kill.addAll(before.values());
        Shell.run(Duration.ofSeconds(60), Map.of(), kill).orFail("docker kill");
        assertEquals(0, running());
        Instant powerBack = Instant.now();

        long upAt = System.nanoTime();
        cluster.up();
        Await.until("all " + desired + " running again", Duration.ofSeconds(180), BlackoutRecoveryE2ETest::running,
                n -> n == desired);
        long recoveryMillis = Duration.ofNanos(System.nanoTime() - upAt).toMillis();

        // Backpressure: no agent ever had more starts outstanding or in flight than it may grant.
        JsonNode nodes = new ObjectMapper().readTree(
                cluster.blackstart("nodes", "--json").orFail("blackstart nodes --json").stdout()).path("nodes");
        assertEquals(2, nodes.size(), nodes.toString());
        for (JsonNode n : nodes) {
            int max = n.path("maxCredits").asInt();
            assertTrue(max > 0, n.toString());
            assertTrue(n.path("peakOutstanding").asInt() <= max, "outstanding over credits: " + n);
            assertTrue(n.path("peakStartsInFlight").asInt() <= max, "in flight over credits: " + n);
            System.out.printf("blackout e2e: %s peak outstanding %d, peak starts in flight %d, max credits %d%n",
                    n.path("nodeId").asText(), n.path("peakOutstanding").asInt(), n.path("peakStartsInFlight").asInt(), max);
        }
        System.out.printf("blackout e2e: %d instances recovered in %d ms from 'cluster.sh up' (JVM starts included)%n",
                desired, recoveryMillis);
        Map<String, String> after = containerIds();
        assertEquals(before, after, "every instance restarted in place, in the same container, and only one each");

        Map<String, Instant> started = new HashMap<>();
        after.forEach((instance, id) -> started.put(instance, startedAt(id)));
        started.values().forEach(t -> assertTrue(t.isAfter(powerBack), "restarted after the power came back: " + t));
        Instant lastPlatform = latest(started, PLATFORM);
        for (String app : List.of(DB, WEB, WORKER)) {
            assertTrue(earliest(started, app).isAfter(lastPlatform),
                    app + " started before the platform tier was up: " + started);
        }
        assertTrue(earliest(started, WEB).isAfter(earliest(started, DB)), "web before its database: " + started);
        assertTrue(earliest(started, WORKER).isAfter(earliest(started, WEB)), "worker before web: " + started);

        // Recovery mode: entered by the coordinator itself, and left once everything ran.
        List<String> modes = modeHistory();
        assertTrue(modes.stream().anyMatch(m -> m.contains("\"recovery\"") && m.contains("auto")), modes.toString());
        Await.until("recovery mode left", Duration.ofSeconds(60),
                () -> cluster.status().path("mode").asText(), "normal"::equals);
        assertFalse(modeHistory().isEmpty());
    }

    private static Instant latest(Map<String, Instant> started, String app) {
        return started.entrySet().stream().filter(e -> e.getKey().startsWith(app + "-")).map(Map.Entry::getValue)
                .max(Instant::compareTo).orElseThrow();
    }

    private static Instant earliest(Map<String, Instant> started, String app) {
        return started.entrySet().stream().filter(e -> e.getKey().startsWith(app + "-")).map(Map.Entry::getValue)
                .min(Instant::compareTo).orElseThrow();
    }

    /** Every value the mode key ever had (etcd keeps the history; nothing compacts it in tests). */
    private static List<String> modeHistory() {
        Shell.Result r = Shell.run(Duration.ofSeconds(20), Map.of(), List.of("timeout", "3", "etcdctl",
                "--endpoints=" + LocalCluster.ETCD, "watch", "--rev=1", cluster.prefix + "/mode"));
        List<String> values = new ArrayList<>();
        for (String line : r.stdout().split("\n")) {
            if (line.startsWith("{")) {
                values.add(line);
            }
        }
        return values;
    }
}
