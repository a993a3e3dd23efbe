package io.blackstart.e2e;

import io.blackstart.testsupport.Await;
import io.blackstart.testsupport.EtcdCluster;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The incident's situation, on the real engine and a real 3-member etcd: a catalog runs; the power goes out for
 * every Blackstart process and container, and when it comes back two of the three etcd members stay down (no
 * quorum). Nothing starts until an operator runs {@code recovery start --allow-stale-catalog}; then the recovery
 * manager recovers every instance from the cached catalog, journaling its assignments. When the members return,
 * every assignment is written back to etcd, naming the host its container runs on, with one container per instance.
 */
@Tag("e2e")
@Timeout(420)
class EtcdDownRecoveryE2ETest {
    private static final String RUN = UUID.randomUUID().toString().substring(0, 5);
    private static final String PLATFORM = "ed-api-" + RUN;
    private static final String DB = "ed-db-" + RUN;
    private static final String WEB = "ed-web-" + RUN;
    private static final List<String> APPS = List.of(PLATFORM, DB, WEB);
    private static EtcdCluster etcd;
    private static LocalCluster cluster;

    @AfterAll
    static void cleanUp() {
        try {
            if (cluster != null) {
                cluster.close();
            }
        } finally {
            APPS.forEach(LocalCluster::removeContainers);
            if (etcd != null) {
                etcd.close();
            }
        }
    }

    /** instance → "containerId node" for every container of our apps; fails on a second container of an instance. */
    private static Map<String, String> containers() {
        Map<String, String> out = new HashMap<>();
        for (String app : APPS) {
            String lines = Shell.run("docker", "ps", "-a", "--filter", "label=io.blackstart.app=" + app, "--format",
                    "{{.Label \"io.blackstart.instance\"}} {{.ID}} {{.Label \"io.blackstart.node\"}}")
                    .orFail("docker ps").stdout().strip();
            for (String line : lines.isEmpty() ? new String[0] : lines.split("\n")) {
                String[] f = line.split(" ");
                String before = out.put(f[0], f[1] + " " + f[2]);
                assertEquals(null, before, "instance " + f[0] + " has two containers: " + before + " and " + line);
            }
        }
        return out;
    }

    private static long running() {
        return APPS.stream().mapToLong(a -> LocalCluster.containers(a).stream().filter(c -> c.endsWith(" running"))
                .count()).sum();
    }

    /** instance → node of every assignment record in etcd under the cluster's prefix. */
    private static Map<String, String> assignmentRecords() {
        String out = Shell.run(Duration.ofSeconds(20), Map.of(), List.of("etcdctl", "--endpoints=" + etcd.endpoints(),
                "--command-timeout=5s", "get", "--prefix", cluster.prefix + "/assignments/")).orFail("etcdctl get").stdout();
        Map<String, String> records = new HashMap<>();
        String[] lines = out.isBlank() ? new String[0] : out.strip().split("\n");
        for (int i = 0; i + 1 < lines.length; i += 2) {
            String id = lines[i].substring(lines[i].lastIndexOf('/') + 1);
            String node = lines[i + 1].replaceAll(".*\"node\":\"([^\"]*)\".*", "$1");
            records.put(id, node);
        }
        return records;
    }

    @Test
    void withEtcdQuorumLostAnOperatorRecoversFromTheCachedCatalogAndEtcdIsCaughtUpAfter() throws Exception {
        etcd = EtcdCluster.start(3);
        cluster = new LocalCluster(2, etcd.endpoints()).up();
        cluster.etcdPut("/apps/" + PLATFORM, LocalCluster.sleeperSpec(PLATFORM, "platform", 1));
        cluster.etcdPut("/apps/" + DB, LocalCluster.sleeperSpec(DB, "database", 2));
        cluster.etcdPut("/apps/" + WEB, LocalCluster.sleeperSpec(WEB, "app", 3, DB));
        int desired = 6;
        Await.until(desired + " running containers", Duration.ofSeconds(120), EtcdDownRecoveryE2ETest::running,
                n -> n == desired);
        Await.until("the catalog cached", Duration.ofSeconds(30), () -> {
            try {
                return Files.readString(cluster.runDir.resolve("coordinator-1-catalog.json"));
            } catch (java.io.IOException e) {
                return "";
            }
        }, c -> APPS.stream().allMatch(c::contains));
        Map<String, String> before = containers();
        assertEquals(desired, before.size(), before.toString());
        // etcd's records must come from the write-back, not from before the outage: one is gone, one names a host
        // where the instance has no container
        cluster.etcdDelete("/assignments/" + WEB + "-0");
        cluster.etcdPut("/assignments/" + DB + "-0",
                "{\"node\":\"local-9\",\"attempt\":1,\"coordinator\":\"elsewhere\",\"at\":1}");

        // The power cut; two of the three etcd members do not come back.
        cluster.down();
        List<String> kill = new ArrayList<>(List.of("docker", "kill"));
        before.values().forEach(v -> kill.add(v.split(" ")[0]));
        Shell.run(Duration.ofSeconds(60), Map.of(), kill).orFail("docker kill");
        etcd.kill(1);
        etcd.kill(2);
        Await.until("etcd without quorum", Duration.ofSeconds(20), etcd::serving, ok -> !ok);

        long upAt = System.nanoTime();
        cluster.up();
        // a window in which nothing may happen, not a wait for something
        Await.throughout("the first 3 s after the cluster came up", Duration.ofSeconds(3), Duration.ofMillis(100),
                () -> assertEquals(0, running(), "nothing starts before an operator allows the stale catalog"));
        // the first answer may still be "rebuilding" (etcd's first failed call takes its call timeout)
        String reply = Await.until("recovery start --allow-stale-catalog taken in degraded mode", Duration.ofSeconds(60),
                () -> cluster.blackstart("recovery", "start", "--allow-stale-catalog").stdout(),
                out -> out.contains("degraded: etcd down"));
        long operatorAt = System.nanoTime();
        assertTrue(reply.contains("recovering from catalog cached at"), reply);
        Await.until("all " + desired + " running again with etcd down", Duration.ofSeconds(180),
                EtcdDownRecoveryE2ETest::running, n -> n == desired);
        long recoveredAt = System.nanoTime();
        JsonNode degraded = cluster.status().path("degraded");
        assertEquals("journaling", degraded.path("state").asText(), degraded.toString());
        assertEquals(desired, degraded.path("journaled").asInt(), degraded.toString());
        assertTrue(cluster.blackstart("status").stdout().contains("degraded: etcd down, recovering from catalog cached at"));
        assertEquals(before, containers(), "every instance restarted in place, one container each");
        assertTrue(Files.size(cluster.runDir.resolve("coordinator-1-assignments.journal")) > 0);

        // etcd's members return: the journal goes back to etcd
        etcd.restart(1);
        etcd.restart(2);
        long etcdBackAt = System.nanoTime();
        Await.until("degraded recovery over", Duration.ofSeconds(120), () -> cluster.status(),
                s -> !s.has("degraded"));
        long writtenBackAt = System.nanoTime();
        Map<String, String> records = assignmentRecords();
        before.forEach((instance, container) -> assertEquals(container.split(" ")[1], records.get(instance),
                "the record of " + instance + " in etcd names the host its container runs on: " + records));
        Await.until("the journal emptied", Duration.ofSeconds(30),
                () -> Files.exists(cluster.runDir.resolve("coordinator-1-assignments.journal")), exists -> !exists);
        assertEquals(before, containers(), "0 duplicates: still one container per instance, the same ones");
        assertEquals(desired, running());
        System.out.printf("etcd-down e2e: %d instances running %d ms after the operator's command (%d ms after"
                        + " 'cluster.sh up'); %d assignments written back %d ms after the etcd members restarted%n",
                desired, (recoveredAt - operatorAt) / 1_000_000, (recoveredAt - upAt) / 1_000_000, records.size(),
                (writtenBackAt - etcdBackAt) / 1_000_000);
    }
}
