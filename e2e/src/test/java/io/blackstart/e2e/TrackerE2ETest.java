package io.blackstart.e2e;

import io.blackstart.testsupport.Await;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

import javax.management.MBeanServerConnection;
import javax.management.ObjectName;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXServiceURL;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The recovery tracker against a real local cluster and the real Docker engine: the API's counts match the
 * containers; the CLI's status, nodes, apps and report commands (table and JSON); the metrics; and, after a small
 * blackout (every container of the test's apps killed, recovered by the cluster), a report listing every app with
 * a plausible downtime.
 */
@Tag("e2e")
@Timeout(300)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class TrackerE2ETest {
    private static final String RUN = UUID.randomUUID().toString().substring(0, 5);
    private static final String API = "tr-api-" + RUN;
    private static final String DB = "tr-db-" + RUN;
    private static final String WEB = "tr-web-" + RUN;
    private static final List<String> APPS = List.of(API, DB, WEB);
    private static final int DESIRED = 6;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private static LocalCluster cluster;
    private static long testStart;

    @BeforeAll
    static void up() throws Exception {
        testStart = System.currentTimeMillis();
        cluster = new LocalCluster(2).up();
        cluster.etcdPut("/apps/" + API, LocalCluster.sleeperSpec(API, "platform", 1));
        cluster.etcdPut("/apps/" + DB, LocalCluster.sleeperSpec(DB, "database", 2));
        cluster.etcdPut("/apps/" + WEB, LocalCluster.sleeperSpec(WEB, "app", 3, DB));
        Await.until(DESIRED + " running containers", Duration.ofSeconds(90), TrackerE2ETest::runningContainers,
                n -> n == DESIRED);
        Await.until("status to show " + DESIRED + " running", Duration.ofSeconds(30), cluster::status,
                s -> s.path("running").asInt() == DESIRED);
    }

    @AfterAll
    static void down() {
        LocalCluster.closeAndRemove(cluster, APPS);
    }

    private static long runningContainers() {
        return APPS.stream().mapToLong(a -> LocalCluster.containers(a).stream().filter(c -> c.endsWith(" running"))
                .count()).sum();
    }

    private static List<String> containerIds() {
        List<String> ids = new ArrayList<>();
        for (String app : APPS) {
            String out = Shell.run("docker", "ps", "-q", "--filter", "label=io.blackstart.app=" + app)
                    .orFail("docker ps").stdout().strip();
            if (!out.isEmpty()) {
                ids.addAll(List.of(out.split("\\s+")));
            }
        }
        return ids;
    }

    private static JsonNode json(Shell.Result r) {
        try {
            return JSON.readTree(r.stdout());
        } catch (Exception e) {
            throw new AssertionError("not JSON: " + r.stdout(), e);
        }
    }

    private static HttpResponse<String> get(String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(cluster.api() + path)).timeout(Duration.ofSeconds(5))
                .GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    @Order(1)
    void apiCountsMatchTheContainers() throws Exception {
        JsonNode apps = JSON.readTree(get("/api/v1/apps?state=running").body());
        Set<String> apiRunning = new HashSet<>();
        Map<String, String> apiNode = new java.util.HashMap<>();
        for (JsonNode i : apps.path("instances")) {
            if (APPS.contains(i.path("appId").asText())) {
                apiRunning.add(i.path("instanceId").asText());
                apiNode.put(i.path("instanceId").asText(), i.path("nodeId").asText());
            }
        }
        Set<String> dockerRunning = new HashSet<>();
        for (String app : APPS) {
            for (String c : LocalCluster.containers(app)) {
                String[] f = c.split(" "); // name instance node state
                if (f[3].equals("running")) {
                    dockerRunning.add(f[1]);
                    assertEquals(f[2], apiNode.get(f[1]), "the API places " + f[1] + " where its container runs");
                }
            }
        }
        assertEquals(dockerRunning, apiRunning);
        JsonNode s = cluster.status();
        assertEquals(DESIRED, s.path("desired").asInt());
        assertEquals(dockerRunning.size(), s.path("running").asInt());
        assertEquals(1, s.path("tiers").path("platform").path("running").asInt());
        assertEquals(2, s.path("tiers").path("database").path("running").asInt());
        assertEquals(3, s.path("tiers").path("app").path("running").asInt());
        assertEquals(0, s.path("etaSeconds").asInt(), s.toString());
        assertTrue(s.has("throughputPerSecond") && s.has("since"), s.toString());

        // each host's containers as the agents report them
        JsonNode nodes = JSON.readTree(get("/api/v1/nodes").body()).path("nodes");
        assertEquals(2, nodes.size());
        int reportedRunning = 0;
        for (JsonNode n : nodes) {
            reportedRunning += n.path("runningContainers").asInt();
        }
        assertTrue(reportedRunning >= DESIRED, nodes.toString());
    }

    @Test
    @Order(2)
    void cliStatusNodesAppsInTableAndJson() {
        String table = cluster.blackstart("status").orFail("status").stdout();
        assertTrue(table.contains("TIER") && table.contains("DESIRED"), table);
        assertTrue(table.lines().anyMatch(l -> l.matches("total\\s+6\\s+6\\s+0\\s+0\\s+0")), table);
        assertTrue(table.contains("ETA: done"), table);
        assertTrue(table.contains("All applications are running."), table);

        JsonNode s = json(cluster.blackstart("status", "--json").orFail("status --json"));
        assertEquals(DESIRED, s.path("running").asInt());

        String summary = cluster.blackstart("status", "--summary").orFail("status --summary").stdout().strip();
        assertEquals("All applications are running.", summary);

        String watch = cluster.blackstart("status", "--watch", "--frames", "2", "--interval", "0.2")
                .orFail("status --watch").stdout();
        assertEquals(2, watch.lines().filter(l -> l.startsWith("total ")).count(), watch);
        assertTrue(watch.contains("platform  [########################################] 100%  1/1 running"), watch);
        assertEquals(2, cluster.blackstart("status", "--watch", "--json").exitCode(), "bad combination: usage, exit 2");

        String nodes = cluster.blackstart("nodes").orFail("nodes").stdout();
        assertTrue(nodes.contains("NODE") && nodes.contains("local-1") && nodes.contains("local-2"), nodes);
        JsonNode nj = json(cluster.blackstart("nodes", "--json").orFail("nodes --json"));
        assertEquals(2, nj.path("nodes").size());

        String apps = cluster.blackstart("apps", "--state", "running").orFail("apps").stdout();
        for (String app : APPS) {
            assertTrue(apps.contains(app + "-0"), apps);
        }
        JsonNode aj = json(cluster.blackstart("apps", "--json").orFail("apps --json"));
        assertTrue(aj.path("instances").size() >= DESIRED);
    }

    @Test
    @Order(3)
    void metricsArePrometheusText() throws Exception {
        HttpResponse<String> m = get("/metrics");
        assertEquals(200, m.statusCode());
        for (String line : m.body().split("\n")) {
            if (line.isEmpty()) {
                continue;
            }
            // the recovery's figures (this one coordinator hosts the singleton), and the node's JVM and process
            assertTrue(line.matches("# (HELP|TYPE) (blackstart|jvm|process|system)_\\w+ .*")
                    || line.matches("(blackstart|jvm|process|system)_\\w+(\\{[^}]*\\})? (NaN|[-+]?[0-9.]+(E[-+]?[0-9]+)?)"),
                    line);
        }
        assertTrue(m.body().contains("blackstart_instances{state=\"running\",tier=\"platform\"}"), m.body());
        assertTrue(m.body().contains("blackstart_host_credits{node=\"local-1\"}"), m.body());
        double started = m.body().lines().filter(l -> l.startsWith("blackstart_starts_total{outcome=\"started\"} "))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.indexOf(' ') + 1))).findFirst().orElse(-1);
        assertTrue(started >= DESIRED, "every instance's start counted from the event log: " + started);
        assertTrue(m.body().contains("blackstart_singleton_here 1.0"), m.body());
    }

    @Test
    @Order(4)
    void mbeansAreRegisteredAndReadableInTheCoordinatorProcess() throws Exception {
        String pid = Files.readString(cluster.runDir.resolve("coordinator-1.pid")).strip();
        // the JDK's attach API starts the coordinator's local JMX agent: no port, no flag needed at launch
        com.sun.tools.attach.VirtualMachine vm = com.sun.tools.attach.VirtualMachine.attach(pid);
        String address;
        try {
            address = vm.startLocalManagementAgent();
        } finally {
            vm.detach();
        }
        try (JMXConnector c = JMXConnectorFactory.connect(new JMXServiceURL(address))) {
            MBeanServerConnection jmx = c.getMBeanServerConnection();
            Set<ObjectName> recovery = jmx.queryNames(new ObjectName("io.blackstart:type=Recovery,*"), null);
            assertEquals(1, recovery.size(), recovery.toString());
            ObjectName r = recovery.iterator().next();
            JsonNode s = cluster.status();
            assertEquals(s.path("mode").asText(), jmx.getAttribute(r, "Mode"));
            assertEquals(s.path("desired").asInt(), jmx.getAttribute(r, "Desired"));
            assertEquals(s.path("running").asInt(), jmx.getAttribute(r, "Running"));
            assertEquals(s.path("summary").asText(), jmx.getAttribute(r, "Summary"));
            Set<ObjectName> hosts = jmx.queryNames(new ObjectName("io.blackstart:type=Host,*"), null);
            assertEquals(Set.of("\"local-1\"", "\"local-2\""),
                    hosts.stream().map(n -> n.getKeyProperty("name")).collect(java.util.stream.Collectors.toSet()));
            for (ObjectName h : hosts) {
                assertTrue((int) jmx.getAttribute(h, "MaxCredits") > 0, h.toString());
                assertTrue((boolean) jmx.getAttribute(h, "Reporting"), h.toString());
            }
            // the operation sends the same command as POST /api/v1/recovery
            String answer = (String) jmx.invoke(r, "startRecovery", new Object[0], new String[0]);
            assertTrue(answer.startsWith("mode recovery (operator"), answer);
            Await.until("recovery mode by the operator", Duration.ofSeconds(10), cluster::status,
                    st -> st.path("mode").asText().equals("recovery") && st.path("modeBy").asText().equals("operator"));
            answer = (String) jmx.invoke(r, "stopRecovery", new Object[0], new String[0]);
            assertTrue(answer.startsWith("mode normal (operator"), answer);
        }
    }

    @Test
    @Order(5)
    void afterASmallBlackoutTheReportListsEveryAppWithAPlausibleDowntime() throws Exception {
        List<String> ids = containerIds();
        assertEquals(DESIRED, ids.size());
        JsonNode before = json(cluster.blackstart("report", "--json").orFail("report --json"));
        assertEquals(0, count(before, a -> a.path("periods").asInt() > 0 || a.path("downtimeSeconds").asDouble() > 0),
                "a first deployment is not downtime: " + before);
        List<String> kill = new ArrayList<>(List.of("docker", "kill"));
        kill.addAll(ids);
        long killedAt = System.currentTimeMillis();
        Shell.run(Duration.ofSeconds(60), Map.of(), kill).orFail("docker kill");
        Await.until("every app down in the report", Duration.ofSeconds(30), () -> json(cluster.blackstart("report",
                "--json").orFail("report --json")), r -> count(r, a -> a.path("periods").asInt() >= 1) == APPS.size());
        Await.until("all " + DESIRED + " running again", Duration.ofSeconds(120), TrackerE2ETest::runningContainers,
                n -> n == DESIRED);
        JsonNode r = Await.until("the report to show every app up again", Duration.ofSeconds(30),
                () -> json(cluster.blackstart("report", "--json", "--sla", "3600").orFail("report --json")),
                x -> count(x, a -> !a.path("downNow").asBoolean() && a.path("periods").asInt() >= 1) == APPS.size());
        double testSeconds = (System.currentTimeMillis() - testStart) / 1000.0;
        for (JsonNode a : r.path("apps")) {
            if (!APPS.contains(a.path("appId").asText())) {
                continue;
            }
            double d = a.path("downtimeSeconds").asDouble();
            assertTrue(d > 0 && d < testSeconds, a + " (test ran " + testSeconds + " s)");
            long since = java.time.Instant.parse(a.path("downSince").asText()).toEpochMilli();
            assertTrue(since >= killedAt - 2000, "down since the kill, not before: " + a);
        }
        assertEquals(0, r.path("slaBreaches").size(), r.toString());
        List<String> kinds = new ArrayList<>();
        r.path("timeline").forEach(e -> kinds.add(e.path("kind").asText()));
        assertTrue(kinds.contains("mode") && kinds.contains("host-joined") && kinds.contains("tier-first-start"),
                kinds.toString());

        // a strict SLA: every one of our apps breaks it, and the text report says so
        JsonNode strict = json(cluster.blackstart("report", "--json", "--sla", "0").orFail("report --sla 0"));
        Set<String> breaches = new HashSet<>();
        strict.path("slaBreaches").forEach(b -> breaches.add(b.asText()));
        assertTrue(breaches.containsAll(APPS), breaches.toString());
        String text = cluster.blackstart("report", "--sla", "0").orFail("report").stdout();
        assertTrue(text.contains("Timeline (UTC):") && text.contains("Downtime per app"), text);
        for (String app : APPS) {
            assertTrue(text.lines().anyMatch(l -> l.startsWith(app) && l.contains("BREACHED")), text);
        }
        String csv = cluster.blackstart("report", "--csv").orFail("report --csv").stdout();
        assertTrue(csv.startsWith("app,tier,instances,down_since,up_again,downtime_seconds,down_now,periods,sla_breached\n"), csv);
        for (String app : APPS) {
            assertTrue(csv.lines().anyMatch(l -> l.startsWith(app + ",")), csv);
        }
        Path file = Files.createTempFile("bs-report", ".json");
        try {
            cluster.blackstart("report", "--json", "--out", file.toString()).orFail("report --out");
            assertEquals(APPS.size(), count(JSON.readTree(Files.readString(file)), a -> true));
        } finally {
            Files.deleteIfExists(file);
        }
        assertEquals(2, cluster.blackstart("report", "--json", "--csv").exitCode(), "--json and --csv exclude each other");
    }

    private static long count(JsonNode report, java.util.function.Predicate<JsonNode> p) {
        long n = 0;
        for (JsonNode a : report.path("apps")) {
            if (APPS.contains(a.path("appId").asText()) && p.test(a)) {
                n++;
            }
        }
        return n;
    }
}
