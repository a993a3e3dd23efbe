package io.blackstart.coordinator.api;

import io.blackstart.testsupport.Await;
import io.blackstart.testsupport.Promtool;
import io.blackstart.testsupport.SseClient;
import io.blackstart.testsupport.TestKitExtension;
import io.blackstart.coordinator.AgentProbe;
import io.blackstart.coordinator.CoordinatorSettings;
import io.blackstart.coordinator.TestFixtures;
import io.blackstart.coordinator.catalog.CatalogKeeper;
import io.blackstart.coordinator.jmx.BlackstartMBeans;
import io.blackstart.coordinator.recovery.RecoveryManager;
import io.blackstart.coordinator.status.StatusBoard;
import io.blackstart.coordinator.store.InMemoryDesiredStateStore;
import io.blackstart.coordinator.tracker.TrackerSettings;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.blackstart.protocol.wire.AgentCommand;
import io.blackstart.protocol.wire.AgentEvent;
import io.blackstart.protocol.wire.ContainerInfo;
import io.blackstart.protocol.wire.ContainerState;
import io.blackstart.protocol.wire.StartResult;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.receptionist.Receptionist;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.http.javadsl.ServerBinding;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import javax.management.MBeanServer;
import javax.management.ObjectName;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.blackstart.coordinator.TestFixtures.catalog;
import static io.blackstart.coordinator.TestFixtures.report;
import static io.blackstart.coordinator.TestFixtures.spec;
import static io.blackstart.coordinator.TestFixtures.update;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The tracker's surfaces on one coordinator node, driven by a real recovery manager (in-memory store, a probe as
 * the agent): the event stream, the metrics, the report, the dashboard page and the MBeans.
 */
@Timeout(60)
public class TrackerApiTest {

    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String TOKEN = "tracker-test-token";
    @RegisterExtension
    static final TestKitExtension kit = new TestKitExtension(TestFixtures.localConfig());
    private static StatusBoard board;
    private static ActorRef<RecoveryManager.Command> manager;
    private static AgentProbe agent;
    private static String base;
    private static BlackstartMBeans mbeans;
    private static final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    @BeforeAll
    static void start() throws Exception {
        board = new StatusBoard();
        kit.get().spawn(StatusBoard.replica(board), "status-replica");
        agent = new AgentProbe("host-a", kit.get().createTestProbe(AgentCommand.class));
        kit.get().system().receptionist().tell(Receptionist.register(RecoveryManager.AGENT_KEY, agent.ref()));
        TestProbe<CatalogKeeper.Command> keeper = kit.get().createTestProbe(CatalogKeeper.Command.class);
        manager = kit.get().spawn(RecoveryManager.create(new InMemoryDesiredStateStore(), keeper.ref(),
                TestFixtures.recovery()));
        keeper.expectMessageClass(CatalogKeeper.Subscribe.class, WAIT).subscriber()
                .tell(update(catalog(spec("web", 2, "app"))));
        CoordinatorSettings.Api api = new CoordinatorSettings.Api(true, "127.0.0.1", 0, TOKEN, Duration.ofSeconds(3));
        HttpApi routes = new HttpApi(board, manager, api, kit.get().system(), new TrackerRoutes(board,
                new EventStream(board, kit.get().system()), new Metrics(board), new TrackerSettings(Duration.ofSeconds(3600), true)));
        ServerBinding b = Http.get(kit.get().system()).newServerAt("127.0.0.1", 0).bind(routes.route())
                .toCompletableFuture().get(10, TimeUnit.SECONDS);
        base = "http://127.0.0.1:" + b.localAddress().getPort();
        mbeans = BlackstartMBeans.register(board, manager, Duration.ofSeconds(3), kit.get().system());
        agent.expectReportRequest(WAIT);
    }

    @AfterAll
    static void stop() {
        mbeans.close();
    }

    private static void send(AgentEvent e) {
        manager.tell(new RecoveryManager.AgentEventReceived(e));
    }

    private static void started(AgentCommand.StartInstance s) {
        send(new AgentEvent.StartOutcome("host-a", s.instanceId(), s.assignment(), s.attempt(), StartResult.STARTED,
                "c-" + s.instanceId(), null, 5));
    }

    private static ContainerInfo stoppedAtUnknownTime(String instanceId) {
        return new ContainerInfo(instanceId, "web", "c-" + instanceId, "busybox:1", ContainerState.STOPPED, 0);
    }

    private static HttpResponse<String> get(String path) throws Exception {
        return client.send(HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(5)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static void await(String what, BooleanSupplier done) {
        Await.until(what, WAIT, done);
    }

    @Test
    void aStartReachesTheEventStreamMetricsReportAndMBeans() throws Exception {
        SseClient sse = new SseClient(base + "/api/v1/events");
        assertEquals("text/event-stream", sse.response().headers().firstValue("Content-Type").orElse(""));
        // after a blackout: the agent (restarted too) finds both containers stopped since a time it does not know
        send(report("host-a", agent.ref(), 1, 2, 0, false, stoppedAtUnknownTime("web-0"), stoppedAtUnknownTime("web-1")));
        AgentCommand.StartInstance s1 = agent.expectStart(WAIT);
        AgentCommand.StartInstance s2 = agent.expectStart(WAIT);
        await("a progress event showing 2 desired", () -> sse.has("progress", "\"desired\":2"));

        started(s1);
        await("a state event: " + s1.instanceId() + " running",
                () -> sse.has("state", "\"instanceId\":\"" + s1.instanceId() + "\"", "\"from\":\"starting\"",
                        "\"to\":\"running\"", "\"seq\":"));
        started(s2);
        await("both running on the board", () -> board.latest().map(s -> s.total().running() == 2).orElse(false));

        // metrics: Prometheus text, every family named blackstart_*
        HttpResponse<String> m = get("/metrics");
        assertEquals(200, m.statusCode());
        assertTrue(m.headers().firstValue("Content-Type").orElse("").startsWith("text/plain"));
        Set<String> families = PrometheusText.families(m.body());
        assertFalse(families.isEmpty());
        // the recovery's figures are blackstart_*; the node's own are Micrometer's JVM and process binders
        families.forEach(f -> assertTrue(f.matches("(blackstart|jvm|process|system)_.+"), f));
        Promtool.checkMetrics(m.body(), "blackstart_");
        assertTrue(m.body().contains("blackstart_instances{state=\"running\",tier=\"app\"} 2.0"), m.body());
        assertTrue(m.body().contains("blackstart_host_credits{node=\"host-a\"}"), m.body());
        assertTrue(families.contains("blackstart_eta_seconds"));
        // counted from the event log: both instances entered running once, two starts ended started
        assertTrue(m.body().contains("blackstart_instance_transitions_total{to=\"running\"} 2.0"), m.body());
        assertTrue(m.body().contains("# TYPE blackstart_instance_transitions_total counter"), m.body());
        assertTrue(m.body().contains("blackstart_starts_total{outcome=\"started\"} 2.0"), m.body());
        assertTrue(m.body().contains("blackstart_start_latency_seconds_count 2"), m.body());
        assertTrue(m.body().contains("blackstart_host_memory_available_bytes{node=\"host-a\"} 8.589934592E9"), m.body());

        // report: web was down (its containers stopped) and is up again
        JsonNode r = JSON.readTree(get("/api/v1/report").body());
        JsonNode web = r.get("apps").get(0);
        assertEquals("web", web.get("appId").asText());
        // a period from the report to the confirmed start: tens of ms here, so its seconds may round to 0.0
        assertEquals(1, web.get("periods").asInt(), web.toString());
        assertTrue(web.get("downtimeSeconds").asDouble() >= 0 && web.hasNonNull("upAgain"), web.toString());
        assertFalse(web.get("downNow").asBoolean());
        assertEquals(0, r.get("slaBreaches").size());
        assertTrue(r.get("timeline").toString().contains("tier-first-start"), r.toString());
        JsonNode strict = JSON.readTree(get("/api/v1/report?sla=0").body());
        assertEquals("web", strict.get("slaBreaches").get(0).asText());
        HttpResponse<String> csv = get("/api/v1/report?format=csv");
        assertTrue(csv.body().startsWith("app,tier,instances,down_since,up_again,downtime_seconds"), csv.body());
        assertTrue(csv.body().contains("\nweb,app,2,"), csv.body());
        assertEquals(400, get("/api/v1/report?format=xml").statusCode());
        assertEquals(400, get("/api/v1/report?sla=soon").statusCode());

        // status: the tracker's throughput and ETA (0: nothing remains), the customer sentence
        JsonNode st = JSON.readTree(get("/api/v1/status").body());
        assertEquals(0, st.get("etaSeconds").asInt());
        assertTrue(st.get("throughputPerSecond").asDouble() > 0, st.toString());
        assertEquals("All applications are running.", st.get("summary").asText());

        // MBeans: registered, readable from the platform server, and the operation switches the mode
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        ObjectName recovery = mbeans.recoveryName();
        assertEquals("io.blackstart", recovery.getDomain());
        assertTrue(server.isRegistered(recovery));
        assertEquals(2, server.getAttribute(recovery, "Running"));
        assertEquals(2, server.getAttribute(recovery, "Desired"));
        assertEquals(100.0, (double) server.getAttribute(recovery, "PercentRunning"), 1e-9);
        ObjectName host = mbeans.hostName("host-a");
        assertTrue(server.isRegistered(host));
        assertEquals(2, server.getAttribute(host, "Credits"));
        assertEquals(1, server.queryNames(new ObjectName("io.blackstart:type=Host,*"), null).stream()
                .filter(n -> n.equals(host)).count());
        String answer = (String) server.invoke(recovery, "stopRecovery", new Object[0], new String[0]);
        assertTrue(answer.startsWith("mode normal (operator"), answer);
        await("mode normal in the MBean", () -> {
            try {
                return "normal".equals(server.getAttribute(recovery, "Mode"));
            } catch (Exception e) {
                return false;
            }
        });
        await("a mode event in " + sse.events().stream().filter(e -> e.type().equals("mode")).map(SseClient.Event::data).toList(), () -> sse.has("mode", "\"mode\":\"normal\"", "\"by\":\"operator\""));
        assertEquals(0, sse.count("resync"), "one quiet client misses nothing: " + sse.events());
        await("the host in a hosts event", () -> sse.has("hosts", "\"nodeId\":\"host-a\"", "\"state\":\"reporting\""));
        assertTrue(sse.events().stream().filter(e -> e.type().equals("hosts")).findFirst().orElseThrow().data()
                .contains("\"full\":true"), "a client's first hosts event is the whole picture");
        List<Long> seqs = sse.events().stream().filter(e -> !e.type().equals("progress") && !e.type().equals("hosts"))
                .map(e -> Long.parseLong(e.data().replaceAll(".*\"seq\":(\\d+).*", "$1"))).toList();
        for (int i = 1; i < seqs.size(); i++) {
            assertEquals(seqs.get(i - 1) + 1, seqs.get(i), "consecutive numbers: " + seqs);
        }
        sse.close();
    }

    @Test
    void dashboardIsOneSelfContainedPage() throws Exception {
        HttpResponse<String> r = get("/");
        assertEquals(200, r.statusCode());
        assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("text/html"));
        assertTrue(r.body().contains("new EventSource(\"api/v1/events\")"));
        // no external resources: nothing is loaded from another origin
        assertFalse(Pattern.compile("(src|href)=\"(https?:)?//").matcher(r.body()).find());
    }

    @Test
    void mutatingCallsNeedTheTokenAndBadRequestsAreJson4xx() throws Exception {
        HttpResponse<String> none = client.send(HttpRequest.newBuilder(URI.create(base + "/api/v1/recovery"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"action\":\"start\"}")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(401, none.statusCode());
        assertTrue(JSON.readTree(none.body()).has("error"));
        for (String path : List.of("/api/v1/events?x=1", "/metrics")) {
            HttpResponse<String> post = client.send(HttpRequest.newBuilder(URI.create(base + path))
                    .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(405, post.statusCode(), path);
            assertTrue(JSON.readTree(post.body()).has("error"));
        }
    }

    /** A checker of the Prometheus text exposition format (version 0.0.4), line by line. */
    static final class PrometheusText {
        private static final Pattern NAME = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
        private static final Pattern SAMPLE = Pattern.compile(
                "(" + NAME + ")(\\{(" + NAME + ")=\"(?:[^\"\\\\\\n]|\\\\.)*\"(,(" + NAME
                        + ")=\"(?:[^\"\\\\\\n]|\\\\.)*\")*,?\\})? (NaN|[+-]Inf|[-+]?[0-9.]+(?:[eE][-+]?[0-9]+)?)( -?[0-9]+)?");
        private static final Pattern HELP = Pattern.compile("# HELP (" + NAME + ") .*");
        private static final Pattern TYPE = Pattern.compile("# TYPE (" + NAME + ") (counter|gauge|histogram|summary|untyped)");

        /** The metric families of {@code text}; fails on any line that is not valid exposition format. */
        static Set<String> families(String text) {
            Set<String> typed = new HashSet<>();
            List<String> samples = new ArrayList<>();
            for (String line : text.split("\n")) {
                Matcher t = TYPE.matcher(line);
                if (line.isEmpty()) {
                    continue;
                } else if (t.matches()) {
                    assertTrue(typed.add(t.group(1)), "TYPE twice for " + t.group(1));
                } else if (line.startsWith("#")) {
                    assertTrue(HELP.matcher(line).matches() || !line.startsWith("# HELP"), "bad HELP line: " + line);
                } else {
                    Matcher s = SAMPLE.matcher(line);
                    assertTrue(s.matches(), "not a Prometheus sample line: '" + line + "'");
                    samples.add(s.group(1));
                }
            }
            for (String s : samples) {
                assertTrue(typed.stream().anyMatch(f -> s.equals(f) || s.startsWith(f + "_")), "sample without TYPE: " + s);
            }
            return typed;
        }
    }
}
