package io.blackstart.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import io.blackstart.testsupport.Await;
import io.blackstart.testsupport.SseClient;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A container killed and restarted in place faster than a status snapshot still shows on {@code GET
 * /api/v1/events}: one instance, its container killed 20 times (each time awaited running again, same container
 * id), and a client reading the stream meanwhile sees 20 transitions out of {@code running} and 20 into it,
 * alternating, and no {@code resync}.
 */
@Tag("e2e")
@Timeout(300)
class InPlaceRestartEventsE2ETest {
    private static final String RUN = UUID.randomUUID().toString().substring(0, 5);
    private static final String APP = "ip-web-" + RUN;
    private static final String INSTANCE = APP + "-0";
    private static final int KILLS = 20;
    private static final Duration BACK_UP = Duration.ofSeconds(30);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static LocalCluster cluster;

    @BeforeAll
    static void up() throws Exception {
        cluster = new LocalCluster(1).up();
        cluster.etcdPut("/apps/" + APP, LocalCluster.sleeperSpec(APP, "app", 1));
        Await.until(INSTANCE + " running", Duration.ofSeconds(90), InPlaceRestartEventsE2ETest::runningContainer,
                id -> !id.isEmpty());
        Await.until("status to show it running", Duration.ofSeconds(30), cluster::status,
                s -> s.path("running").asInt() == 1);
    }

    @AfterAll
    static void down() {
        LocalCluster.closeAndRemove(cluster, List.of(APP));
    }

    /** The id of the app's running container, empty if none runs. */
    private static String runningContainer() {
        return Shell.run("docker", "ps", "-q", "--no-trunc", "--filter", "label=io.blackstart.app=" + APP,
                "--filter", "status=running").orFail("docker ps").stdout().strip();
    }

    /** The instance's state events on {@code sse} that leave or enter {@code running}, in stream order. */
    private static List<JsonNode> runningEdges(SseClient sse) {
        List<JsonNode> out = new ArrayList<>();
        for (SseClient.Event e : sse.events()) {
            if (!e.type().equals("state")) {
                continue;
            }
            JsonNode n = read(e.data());
            if (n.path("instanceId").asText().equals(INSTANCE)
                    && (n.path("from").asText().equals("running") || n.path("to").asText().equals("running"))) {
                out.add(n);
            }
        }
        return out;
    }

    private static JsonNode read(String s) {
        try {
            return JSON.readTree(s);
        } catch (Exception e) {
            throw new AssertionError("not JSON: " + s, e);
        }
    }

    @Test
    void everyInPlaceRestartIsTwoTransitionsOnTheStream() throws Exception {
        long t0 = System.nanoTime();
        try (SseClient sse = new SseClient(cluster.api() + "/api/v1/events")) {
            assertEquals("text/event-stream", sse.response().headers().firstValue("Content-Type").orElse(""));
            Await.until("a first progress event", Duration.ofSeconds(10), () -> sse.count("progress"), n -> n > 0);
            for (int k = 1; k <= KILLS; k++) {
                String id = runningContainer();
                assertTrue(!id.isEmpty() && !id.contains("\n"), "one running container: " + id);
                Shell.run("docker", "kill", id).orFail("docker kill");
                int ups = k;
                Await.until("kill " + k + ": the same container running again", BACK_UP,
                        InPlaceRestartEventsE2ETest::runningContainer, id::equals);
                Await.until("kill " + k + ": " + ups + " transitions into running on the stream", BACK_UP,
                        () -> runningEdges(sse).stream().filter(n -> n.path("to").asText().equals("running"))
                                .count(), n -> n >= ups);
            }
            List<JsonNode> edges = runningEdges(sse);
            for (JsonNode n : edges) {
                System.out.printf("seq %d at %d: %s -> %s (%s)%n", n.path("seq").asLong(), n.path("at").asLong(),
                        n.path("from").asText(), n.path("to").asText(), n.path("reason").asText());
            }
            assertEquals(2 * KILLS, edges.size(), "20 down, 20 up: " + edges);
            for (int i = 0; i < edges.size(); i++) {
                boolean down = i % 2 == 0;
                assertEquals(down ? "running" : "", down ? edges.get(i).path("from").asText() : "",
                        "edge " + i + " leaves running: " + edges.get(i));
                if (!down) {
                    assertEquals("running", edges.get(i).path("to").asText(), "edge " + i + " enters running");
                }
            }
            assertEquals(0, sse.count("resync"), "no resync for one client keeping up");
            System.out.printf("%d kills, %d transitions out of and into running seen in %d s%n", KILLS, edges.size(),
                    TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - t0));
        }
    }
}
