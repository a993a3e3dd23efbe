package io.blackstart.drill;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The standalone command line, the JSON contract and the HTML report. */
@Timeout(60)
class DrillMainTest {

    record Run(int status, String out, String err) {
    }

    static Run run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = DrillMain.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @ParameterizedTest
    @ValueSource(strings = {"--hosts", "--hosts x", "--hosts 0", "--policy best", "--bogus", "--lost-hosts 1",
            "--return-window soon", "--apps -3"})
    void badFlagsGiveUsageAndStatus2(String args) {
        Run r = run(args.split(" "));
        assertEquals(2, r.status(), r.err());
        assertTrue(r.err().contains("Usage: drill"), r.err());
    }

    @Test
    void jsonHasExactlyTheDesignFields() throws Exception {
        Run r = run("--hosts", "10", "--apps", "40", "--seed", "3", "--json", "--return-window", "1m");
        assertEquals(0, r.status(), r.err());
        JsonNode root = new ObjectMapper().readTree(r.out());
        assertEquals(Set.of("seed", "hosts", "instances", "lowerBoundSeconds", "lowerBoundUngatedSeconds", "policies", "rejectedApps", "rejected"),
                names(root));
        assertEquals(3, root.get("seed").asLong());
        assertEquals(10, root.get("hosts").asInt());
        assertEquals(Set.copyOf(Drill.POLICIES), names(root.get("policies")));
        for (JsonNode p : root.get("policies")) {
            assertEquals(Set.of("makespanSeconds", "timeouts", "retries", "duplicates", "peakInflightPerCredit",
                    "meanDowntimeSeconds", "p95DowntimeSeconds", "platformUpSeconds", "complete", "instancesUp",
                    "instances"), names(p));
            assertTrue(p.get("complete").asBoolean(), p.toString());
            assertEquals(root.get("instances").asInt(), p.get("instancesUp").asInt());
        }
        assertEquals(0, root.get("rejectedApps").asInt());
    }

    @Test
    void anIncompleteRunHasNoMakespanAndRejectedAppsAreListed(@TempDir Path dir) throws Exception {
        // start timeouts (1 s) far shorter than the boot times (databases in slow-boot: 25-150 s), even grown to
        // the ledger's cap of 8x: Blackstart gives up on them
        Path catalog = dir.resolve("slow.json");
        Files.writeString(catalog, "[{\"id\":\"slow\",\"image\":\"x/y:1\",\"instances\":20,\"memoryMb\":64,"
                + "\"cpus\":0.1,\"tier\":\"database\",\"startTimeoutSeconds\":1},{\"id\":\"bad\",\"image\":\"NOT A REF\"},"
                + "{\"id\":\"dep\",\"image\":\"x/y:1\",\"dependsOn\":[\"nope\"]}]");
        Run r = run("--scenario", "slow-boot", "--hosts", "5", "--catalog", catalog.toString(), "--return-window",
                "1m", "--policy", "blackstart", "--json");
        assertEquals(0, r.status(), r.err());
        JsonNode root = new ObjectMapper().readTree(r.out());
        JsonNode b = root.get("policies").get("blackstart");
        assertFalse(b.get("complete").asBoolean(), b.toString());
        assertTrue(b.get("makespanSeconds").isNull(), "the give-up time is no makespan: " + b);
        assertTrue(b.get("instancesUp").asInt() < 20, b.toString());
        assertEquals(20, b.get("instances").asInt());
        assertEquals(2, root.get("rejectedApps").asInt());
        assertEquals("slow.json[1]", root.get("rejected").get(0).get("key").asText());
        assertEquals("depends on unknown app 'nope'", root.get("rejected").get(1).get("message").asText());
        Run table = run("--scenario", "slow-boot", "--hosts", "5", "--catalog", catalog.toString(),
                "--return-window", "1m", "--policy", "blackstart");
        assertTrue(table.out().contains("/20*"), table.out());
        assertFalse(table.out().contains("24h00m*"), "no give-up time as a makespan: " + table.out());
        assertTrue(table.out().contains("Rejected from the catalog: 2 app(s), not drilled"), table.out());
        assertTrue(table.out().contains("slow.json[2] dependsOn: depends on unknown app 'nope'"), table.out());
    }

    @Test
    void tableAndReport(@TempDir Path dir) throws Exception {
        Path report = dir.resolve("drill.html");
        Run r = run("--hosts", "8", "--apps", "30", "--policy", "blackstart", "--report", report.toString());
        assertEquals(0, r.status(), r.err());
        assertTrue(r.out().contains("Lower bound"), r.out());
        assertTrue(r.out().contains("blackstart"), r.out());
        String html = Files.readString(report);
        assertTrue(html.contains("<svg") && html.contains("<polyline"), "inline SVG curves");
        assertFalse(html.contains("<script") || html.contains("<link") || html.contains("src="),
                "self-contained: nothing fetched");
        assertTrue(html.contains("Tier platform") && html.contains("Tier app"));
    }

    @Test
    void reportShowsReadinessAndTheOutageWhenModelled(@TempDir Path dir) throws Exception {
        Path plain = dir.resolve("plain.html");
        assertEquals(0, run("--hosts", "8", "--apps", "30", "--policy", "blackstart", "--report", plain.toString())
                .status());
        String html = Files.readString(plain);
        assertFalse(html.contains("crash restarts") || html.contains("starts in outage")
                || html.contains("class=\"outage\""), "no readiness or outage figures when neither is modelled");
        assertTrue(html.contains("Running instances over time"));

        Path both = dir.resolve("both.html");
        Run r = run("--hosts", "8", "--apps", "30", "--readiness", "--etcd-outage", "10,120", "--report",
                both.toString());
        assertEquals(0, r.status(), r.err());
        html = Files.readString(both);
        assertTrue(html.contains("Ready instances over time"), "curves count ready instances");
        assertTrue(html.contains("<th>crash restarts</th>") && html.contains("<th>starts in outage</th>"));
        assertTrue(html.contains("no writes from 10.0s to 2m00s"), html.substring(0, 2000));
        assertTrue(html.contains("class=\"outage\""), "the outage window is shaded");
        assertTrue(html.contains("blackstart-no-journal"), "the no-journal baseline is in the report");
    }

    @Test
    void catalogFileIsValidatedWithTheProtocol(@TempDir Path dir) throws Exception {
        Path cat = dir.resolve("apps.json");
        Files.writeString(cat, "[{\"id\":\"api\",\"image\":\"registry.local/api:1\",\"instances\":2,\"tier\":\"platform\"},"
                + "{\"id\":\"web\",\"image\":\"registry.local/web:1\",\"instances\":3,\"dependsOn\":[\"api\"]},"
                + "{\"id\":\"Bad_Id\",\"image\":\"x\"}]");
        Run r = run("--hosts", "4", "--catalog", cat.toString(), "--json", "--policy", "blackstart");
        assertEquals(0, r.status(), r.err());
        assertEquals(5, new ObjectMapper().readTree(r.out()).get("instances").asInt(), "the invalid app is dropped");
        Files.writeString(cat, "{\"not\":\"an array\"}");
        assertEquals(1, run("--catalog", cat.toString()).status());
    }

    @ParameterizedTest
    @CsvSource({"900,900", "900s,900", "15m,900", "1h,3600", "1.5m,90", "250ms,0.25"})
    void durations(String text, double seconds) {
        assertEquals(seconds, DrillMain.parseDuration(text), 1e-9);
    }

    @Test
    void progressReachesOneForEveryPolicy() {
        List<String> done = new ArrayList<>();
        Drill.run(DrillOptions.defaults().withHosts(6).withApps(20), (policy, i, n, f) -> {
            if (f >= 1) {
                done.add(policy);
            }
        });
        assertTrue(done.containsAll(Drill.POLICIES), done.toString());
    }

    private static Set<String> names(JsonNode n) {
        Set<String> s = new java.util.HashSet<>();
        n.fieldNames().forEachRemaining(s::add);
        return s;
    }
}
