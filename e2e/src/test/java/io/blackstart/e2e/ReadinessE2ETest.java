package io.blackstart.e2e;

import io.blackstart.testsupport.Await;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Readiness on the real engine: a database whose exec check passes only 10 s after it started, an app that depends
 * on it, an app whose tcp check never passes, and a plain app. The dependant starts only once the database is
 * ready (not when its container runs); the broken app ends {@code needs-attention} with its probe's output, is not
 * restarted, and the others converge; status, {@code apps --state needs-attention} and the report say so.
 */
@Tag("e2e")
@Timeout(300)
class ReadinessE2ETest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String RUN = UUID.randomUUID().toString().substring(0, 6);
    private static final String DB = "e2e-rdb-" + RUN;
    private static final String WEB = "e2e-rweb-" + RUN;
    private static final String BROKEN = "e2e-rbad-" + RUN;
    private static final String PLAIN = "e2e-rplain-" + RUN;
    private static LocalCluster cluster;

    @BeforeAll
    static void up() throws Exception {
        cluster = new LocalCluster(1).up();
    }

    @AfterAll
    static void down() {
        try {
            if (cluster != null) {
                cluster.close();
            }
        } finally {
            for (String app : new String[]{DB, WEB, BROKEN, PLAIN}) {
                LocalCluster.removeContainers(app);
            }
        }
    }

    private static String app(String id, String tier, String command, String health, String... dependsOn) {
        return "{\"id\":\"" + id + "\",\"image\":\"blackstart/testapp:1\",\"tier\":\"" + tier + "\",\"memoryMb\":16,"
                + "\"cpus\":0.1,\"command\":[\"/bin/sh\",\"-c\",\"" + command + "\"]"
                + (dependsOn.length == 0 ? "" : ",\"dependsOn\":[\"" + String.join("\",\"", dependsOn) + "\"]")
                + (health == null ? "" : ",\"health\":" + health) + "}";
    }

    private static Instant startedAt(String app) {
        String out = Shell.run("docker", "inspect", "--format", "{{.State.StartedAt}}", "bs-" + app + "-0")
                .orFail("docker inspect bs-" + app + "-0").stdout().strip();
        return Instant.parse(out);
    }

    private static JsonNode json(Shell.Result r) {
        try {
            return JSON.readTree(r.stdout());
        } catch (IOException e) {
            throw new AssertionError(r.stdout(), e);
        }
    }

    @Test
    void dependantsWaitForReadyAndACheckThatNeverPassesNeedsAttention() throws IOException {
        Path catalog = Files.createTempFile("e2e-readiness", ".json");
        Files.writeString(catalog, "[" + String.join(",",
                app(DB, "database", "sleep 10; touch /tmp/ready; exec sleep 100000",
                        "{\"exec\":[\"test\",\"-f\",\"/tmp/ready\"],\"intervalSeconds\":1,\"timeoutSeconds\":1,"
                                + "\"retries\":3,\"startPeriodSeconds\":30}"),
                app(WEB, "app", "exec sleep 100000", null, DB),
                app(BROKEN, "app", "exec sleep 100000",
                        "{\"tcp\":5432,\"intervalSeconds\":1,\"timeoutSeconds\":1,\"retries\":2,\"startPeriodSeconds\":0}"),
                app(PLAIN, "app", "exec sleep 100000", null)) + "]");
        cluster.blackstart("catalog", "import", catalog.toString(), "--etcd", LocalCluster.ETCD, "--prefix",
                cluster.prefix).orFail("blackstart catalog import");
        Files.delete(catalog);

        JsonNode unready = Await.until(DB + " running but not ready", Duration.ofSeconds(60), cluster::status,
                s -> s.path("tiers").path("database").path("unready").asInt() == 1);
        assertEquals(0, unready.path("tiers").path("database").path("running").asInt(), unready.toString());

        JsonNode settled = Await.until("3 up and 1 needing attention", Duration.ofSeconds(90), cluster::status,
                s -> s.path("running").asInt() == 3 && s.path("needsAttention").asInt() == 1);
        assertEquals(4, settled.path("desired").asInt(), settled.toString());
        assertEquals(0, settled.path("unready").asInt(), settled.toString());

        // the dependant started once the database was ready, 10 s after the database's container ran
        Duration gap = Duration.between(startedAt(DB), startedAt(WEB));
        assertTrue(gap.compareTo(Duration.ofSeconds(10)) >= 0, WEB + " started " + gap + " after " + DB);

        JsonNode attention = json(cluster.blackstart("apps", "--state", "needs-attention", "--json")
                .orFail("apps --state needs-attention"));
        assertEquals(1, attention.path("instances").size(), attention.toString());
        JsonNode broken = attention.path("instances").get(0);
        assertEquals(BROKEN + "-0", broken.path("instanceId").asText());
        String failure = broken.path("failure").asText();
        assertTrue(failure.startsWith("health check failing: tcp ") && failure.contains(":5432: "), failure);
        Shell.Result table = cluster.blackstart("apps", "--state", "needs-attention").orFail("apps (text)");
        assertTrue(table.stdout().contains(BROKEN + "-0") && table.stdout().contains("needs-attention"),
                table.stdout());

        // not restarted: the same container keeps running
        String before = Shell.run("docker", "inspect", "--format", "{{.Id}} {{.RestartCount}} {{.State.Status}}",
                "bs-" + BROKEN + "-0").orFail("inspect").stdout().strip();
        Instant mark = Instant.now();
        JsonNode later = Await.until("a status 5 s later (5 more failed probes)", Duration.ofSeconds(40),
                cluster::status, s -> Instant.parse(s.path("generatedAt").asText()).isAfter(mark.plusSeconds(5)));
        assertEquals(1, later.path("needsAttention").asInt());
        assertEquals(before, Shell.run("docker", "inspect", "--format", "{{.Id}} {{.RestartCount}} {{.State.Status}}",
                "bs-" + BROKEN + "-0").orFail("inspect").stdout().strip());
        assertTrue(before.endsWith(" running"), before);

        JsonNode report = json(cluster.blackstart("report", "--json").orFail("report --json"));
        JsonNode db = null;
        JsonNode bad = null;
        for (JsonNode u : report.path("unready")) {
            if (u.path("appId").asText().equals(DB)) {
                db = u;
            } else if (u.path("appId").asText().equals(BROKEN)) {
                bad = u;
            }
        }
        assertTrue(db != null && db.path("unreadySeconds").asDouble() >= 8, report.path("unready").toString());
        assertEquals(0, db.path("unreadyNow").asInt(), db.toString());
        assertTrue(bad != null && bad.path("needsAttention").asInt() == 1
                && bad.path("lastProbeOutput").asText().contains(":5432"), report.path("unready").toString());
        Shell.Result text = cluster.blackstart("report").orFail("report");
        assertTrue(text.stdout().contains("Running but not ready") && text.stdout().contains("1 NEED ATTENTION"),
                text.stdout());
    }
}
