package io.blackstart.e2e;

import io.blackstart.testsupport.Await;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A blackout after which the first seed never returns, with real processes: 3 coordinators and 2 agents run an
 * imported catalog; every Blackstart process stops and every container is killed; the cluster comes back without
 * coordinator-1 (the first entry of every node's seed list, the only node Pekko itself lets found a cluster).
 * Coordinators 2 and 3 form the cluster, both agents join through them, and every instance runs again, in its own
 * container, started once.
 */
@Tag("e2e")
@Timeout(500)
class ColdStartWithoutFirstSeedE2ETest {
    private static final String RUN = UUID.randomUUID().toString().substring(0, 5);
    private static final String DB = "cs-db-" + RUN;
    private static final String WEB = "cs-web-" + RUN;
    private static final List<String> APPS = List.of(DB, WEB);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern MEMBER = Pattern.compile(
            "cluster formation: (\\S+) is a member of the coordinator cluster, (\\d+) ms after the formation started");
    private static LocalCluster cluster;

    @AfterAll
    static void cleanUp() {
        LocalCluster.closeAndRemove(cluster, APPS);
    }

    private static long running() {
        return APPS.stream().mapToLong(app -> LocalCluster.containers(app).stream()
                .filter(c -> c.endsWith(" running")).count()).sum();
    }

    /** instanceId → container id, for every container of our apps; fails on a second container per instance. */
    private static Map<String, String> containerIds() {
        return LocalCluster.containerIds(APPS);
    }

    private static JsonNode get(String url) {
        Shell.Result r = Shell.run(Duration.ofSeconds(20), Map.of(), List.of("curl", "-fsS", "--max-time", "5", url));
        if (r.exitCode() != 0) {
            return null;
        }
        try {
            return JSON.readTree(r.stdout());
        } catch (IOException e) {
            return null;
        }
    }

    private static List<String> upCoordinators(JsonNode cluster) {
        List<String> up = new ArrayList<>();
        if (cluster != null) {
            for (JsonNode m : cluster.path("members")) {
                if (m.path("status").asText().equals("Up") && m.path("roles").toString().contains("coordinator")) {
                    up.add(m.path("address").asText());
                }
            }
        }
        return up;
    }

    @Test
    void coordinatorsTwoAndThreeFormTheClusterAndRecoverEverything() throws Exception {
        cluster = new LocalCluster(2).up(List.of("--coordinators", "3"));
        Path catalog = Files.createTempFile("cs-catalog", ".json");
        Files.writeString(catalog, "[" + LocalCluster.sleeperSpec(DB, "database", 2) + ","
                + LocalCluster.sleeperSpec(WEB, "app", 3, DB) + "]");
        cluster.blackstart("catalog", "import", catalog.toString(), "--etcd", LocalCluster.ETCD,
                "--prefix", cluster.prefix).orFail("blackstart catalog import");
        int desired = 5;
        Await.until(desired + " running containers", Duration.ofSeconds(150),
                ColdStartWithoutFirstSeedE2ETest::running, n -> n == desired);
        Map<String, String> before = containerIds();
        assertEquals(desired, before.size(), before.toString());

        // the blackout: every Blackstart process stops, every container dies
        cluster.down();
        List<String> kill = new ArrayList<>(List.of("docker", "kill"));
        kill.addAll(before.values());
        Shell.run(Duration.ofSeconds(60), Map.of(), kill).orFail("docker kill");
        assertEquals(0, running());
        for (int i = 1; i <= 3; i++) {
            Files.deleteIfExists(cluster.runDir.resolve("coordinator-" + i + ".log"));
        }

        // power back, coordinator-1 never returns
        long upAt = System.nanoTime();
        cluster.up(List.of("--coordinators", "3", "--skip-coordinators", "1"));
        assertFalse(Files.exists(cluster.runDir.resolve("coordinator-1.log")), "coordinator-1 was started");
        Await.until("all " + desired + " running again", Duration.ofSeconds(200),
                ColdStartWithoutFirstSeedE2ETest::running, n -> n == desired);
        long recoveryMillis = Duration.ofNanos(System.nanoTime() - upAt).toMillis();
        assertEquals(before, containerIds(), "every instance restarted in its own container, once");

        // coordinators 2 and 3 are the cluster; both agents are in it
        String api2 = "http://127.0.0.1:" + (cluster.apiPort + 1);
        String first = "pekko://blackstart@127.0.0.1:" + cluster.basePort;
        JsonNode view = Await.until("2 Up coordinators at " + api2, Duration.ofSeconds(60),
                () -> get(api2 + "/api/v1/cluster"), c -> upCoordinators(c).size() == 2);
        assertFalse(upCoordinators(view).contains(first), view.toString());
        assertEquals(2, view.path("agentsPresent").size(), view.toString());
        JsonNode status = Await.until("status of coordinator-2 shows " + desired + " running", Duration.ofSeconds(60),
                () -> get(api2 + "/api/v1/status"), st -> st != null && st.path("running").asInt() == desired);
        assertEquals(desired, status.path("desired").asInt(), status.toString());

        for (int i = 2; i <= 3; i++) {
            String log = Files.readString(cluster.runDir.resolve("coordinator-" + i + ".log"));
            Matcher m = MEMBER.matcher(log);
            assertTrue(m.find(), "coordinator-" + i + " never logged joining the cluster");
            System.out.printf("cold start e2e: coordinator-%d (%s) Up %s ms after its formation started%n", i,
                    m.group(1), m.group(2));
        }
        System.out.printf("cold start e2e: %d instances running again %d ms after 'cluster.sh up' without "
                + "coordinator-1 (JVM starts included)%n", desired, recoveryMillis);
    }
}
