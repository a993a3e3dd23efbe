package io.blackstart.coordinator.api;

import io.blackstart.coordinator.store.CasTimings;
import io.blackstart.coordinator.status.EventBatch;
import io.blackstart.coordinator.status.StatusBoard;
import io.blackstart.coordinator.status.StatusSnapshot;
import io.blackstart.protocol.Tier;
import io.blackstart.scheduler.InstanceState;
import io.blackstart.scheduler.event.InstanceTransition;
import io.blackstart.testsupport.Promtool;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.blackstart.testsupport.RepoRoot;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.concurrent.atomic.AtomicBoolean;

import static io.blackstart.scheduler.InstanceState.ASSIGNED;
import static io.blackstart.scheduler.InstanceState.FAILED;
import static io.blackstart.scheduler.InstanceState.PENDING;
import static io.blackstart.scheduler.InstanceState.RUNNING;
import static io.blackstart.scheduler.InstanceState.STARTING;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code /metrics} of one node: what the event log counts, base units, and the cluster's part only where it belongs. */
@Timeout(60)
public class MetricsTest {

    private final List<InstanceTransition> log = new ArrayList<>();

    private void move(String id, InstanceState from, InstanceState to, long at) {
        log.add(new InstanceTransition(id, "web", Tier.APP, from, to, "h1", "test", at));
    }

    @Test
    void theEventLogIsCountedAndTheClusterPartIsExportedOnlyByTheSingletonsHost() {
        StatusBoard board = new StatusBoard();
        AtomicBoolean here = new AtomicBoolean(true);
        Metrics metrics = new Metrics(board, here::get);
        // web-0: assigned at 0, up at 4 s; web-1: a start that failed, then one up 40 s after its second assignment
        move("web-0", null, PENDING, 0);
        move("web-1", null, PENDING, 0);
        move("web-0", PENDING, ASSIGNED, 0);
        move("web-0", ASSIGNED, STARTING, 100);
        move("web-0", STARTING, RUNNING, 4_000);
        move("web-1", PENDING, ASSIGNED, 0);
        move("web-1", ASSIGNED, STARTING, 100);
        move("web-1", STARTING, PENDING, 10_000);
        move("web-1", PENDING, ASSIGNED, 20_000);
        move("web-1", ASSIGNED, STARTING, 20_100);
        move("web-1", STARTING, RUNNING, 60_000);
        move("web-1", RUNNING, FAILED, 70_000);
        board.events(new EventBatch("i1", 1, List.copyOf(log)));
        // the node's store: one assignment CAS of 3 ms that succeeded, one agent CAS of 40 ms that conflicted
        metrics.observe(CasTimings.ASSIGNMENT, CasTimings.SUCCEEDED, 3_000_000L);
        metrics.observe(CasTimings.AGENT, CasTimings.CONFLICT, 40_000_000L);

        String text = metrics.scrape();
        assertTrue(text.contains("blackstart_instance_transitions_total{to=\"running\"} 2.0"), text);
        assertTrue(text.contains("blackstart_instance_transitions_total{to=\"pending\"} 3.0"), text);
        assertTrue(text.contains("blackstart_starts_total{outcome=\"started\"} 2.0"), text);
        assertTrue(text.contains("blackstart_starts_total{outcome=\"failed\"} 1.0"), text);
        assertTrue(text.contains("blackstart_start_latency_seconds_count 2"), text);
        assertTrue(text.contains("blackstart_start_latency_seconds_sum 44.0"), "4 s + 40 s: " + text);
        assertTrue(text.contains("blackstart_start_latency_seconds_bucket{le=\"5.0\"} 1"), text);
        assertTrue(text.contains("blackstart_start_latency_seconds_bucket{le=\"60.0\"} 2"), text);
        assertTrue(text.contains("jvm_memory_used_bytes"), "the node's JVM: " + text);
        assertTrue(text.contains("process_uptime_seconds"), text);
        assertTrue(text.contains("blackstart_singleton_here 1.0"), text);
        assertTrue(text.contains("# TYPE blackstart_etcd_cas_latency_seconds histogram"), text);
        assertTrue(text.contains(
                "blackstart_etcd_cas_latency_seconds_bucket{op=\"assignment\",outcome=\"succeeded\",le=\"0.005\"} 1"),
                text);
        assertTrue(text.contains(
                "blackstart_etcd_cas_latency_seconds_bucket{op=\"assignment\",outcome=\"succeeded\",le=\"0.001\"} 0"),
                text);
        assertTrue(text.contains(
                "blackstart_etcd_cas_latency_seconds_bucket{op=\"agent\",outcome=\"conflict\",le=\"0.05\"} 1"), text);
        assertTrue(text.contains(
                "blackstart_etcd_cas_latency_seconds_bucket{op=\"agent\",outcome=\"conflict\",le=\"0.025\"} 0"), text);
        for (String op : List.of("assignment", "agent")) {
            for (String outcome : List.of("succeeded", "conflict", "failed")) {
                assertTrue(text.contains("blackstart_etcd_cas_latency_seconds_count{op=\"" + op + "\",outcome=\""
                        + outcome + "\"}"), "every series exists before its first CAS: " + op + "/" + outcome);
            }
        }
        Promtool.checkMetrics(text, "blackstart_");

        here.set(false);
        String elsewhere = metrics.scrape();
        assertTrue(elsewhere.contains("blackstart_singleton_here 0.0"), elsewhere);
        assertFalse(elsewhere.contains("blackstart_instance_transitions_total"), "sum() over nodes counts once");
        assertFalse(elsewhere.contains("blackstart_instances_desired"), elsewhere);
        assertTrue(elsewhere.contains("jvm_memory_used_bytes"), elsewhere);
        assertTrue(elsewhere.contains("blackstart_etcd_cas_latency_seconds_bucket{op=\"agent\""),
                "a node metric, exported by every coordinator: " + elsewhere);
        Promtool.checkMetrics(elsewhere, "blackstart_");
    }

    @Test
    void theShippedAlertRulesAndDashboardAreValidAndUseOnlyExportedMetrics(@org.junit.jupiter.api.io.TempDir Path tmp)
            throws IOException {
        Path deploy = RepoRoot.find().resolve("deploy");
        Path rules = deploy.resolve("prometheus/blackstart-alerts.yml");
        Promtool.checkRules(rules);
        Promtool.testRules(deploy.resolve("prometheus/blackstart-alerts.test.yml"));

        // every panel's query is PromQL that Prometheus accepts (checked as recording rules)
        JsonNode dashboard = new ObjectMapper().readTree(deploy.resolve("grafana/blackstart-dashboard.json").toFile());
        StringBuilder recording = new StringBuilder("groups:\n  - name: dashboard\n    rules:\n");
        List<String> exprs = new ArrayList<>();
        for (JsonNode panel : dashboard.path("panels")) {
            for (JsonNode target : panel.path("targets")) {
                String expr = target.path("expr").asText();
                assertFalse(expr.isBlank(), "panel " + panel.path("title").asText() + " has a query");
                exprs.add(expr);
                recording.append("      - record: dashboard_panel_").append(exprs.size()).append("\n        expr: '")
                        .append(expr.replace("'", "''")).append("'\n");
            }
        }
        assertTrue(exprs.size() >= 10, "the dashboard has its panels: " + exprs.size());
        Path asRules = tmp.resolve("dashboard-rules.yml");
        Files.writeString(asRules, recording);
        Promtool.checkRules(asRules);

        // and names only what /metrics exports
        Set<String> exported = new TreeSet<>();
        StatusBoard board = new StatusBoard();
        board.set(new StatusSnapshot("running", "recovery", 1_000, "auto", 2_000, new StatusSnapshot.Counts(1, 1, 0, 0, 0),
                Map.of("app", new StatusSnapshot.Counts(1, 1, 0, 0, 0)), List.of(), true, "", "etcd",
                List.of(new StatusSnapshot.HostStatus("h1", 3, 1, 4, 4, 1, 2048, 0.1, 3, 2, true, 1, 0, 4, 3)),
                List.of(new StatusSnapshot.InstanceStatus("web-0", "web", "app", "running", "h1", 1, null)), 0.5, 0));
        Matcher type = Pattern.compile("(?m)^# TYPE (\\S+) (\\S+)$").matcher(new Metrics(board).scrape());
        while (type.find()) {
            String family = type.group(1);
            exported.add(family);
            if (type.group(2).equals("histogram")) {
                List.of("_bucket", "_count", "_sum").forEach(x -> exported.add(family + x));
            }
        }
        Matcher used = Pattern.compile("\\b((?:blackstart|jvm)_[a-z_]+)").matcher(Files.readString(rules)
                + String.join("\n", exprs));
        while (used.find()) {
            assertTrue(exported.contains(used.group(1)), used.group(1) + " is not exported; /metrics has " + exported);
        }
    }
}
