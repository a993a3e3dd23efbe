package io.blackstart.e2e;

import io.blackstart.bench.AgentFleet;
import io.blackstart.coordinator.CoordinatorNode;
import io.blackstart.coordinator.store.DesiredStateStore;
import io.blackstart.coordinator.store.InMemoryDesiredStateStore;
import io.blackstart.testsupport.Await;
import io.blackstart.testsupport.SseClient;

import com.typesafe.config.ConfigFactory;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Join;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The dashboard at fleet scale, in a real headless Chromium: a real coordinator node (on an in-memory store) with
 * the bench's 2,000 simulated agents. The page shows every host as a heat-map cell within 3 s of loading, shows
 * the hosts etcd's assignment records named that never came back, and shows hosts that go away as lost — while
 * the event stream sends host changes only.
 */
@Tag("e2e")
@Tag("browser")
@Timeout(300)
class DashboardFleetBrowserE2ETest {
    private static final int HOSTS = 2_000;
    private static final int NEVER_RETURNED = 5;
    private static ActorSystem<Void> system;
    private static ActorRef<AgentFleet.Command> fleet;
    private static String api;
    private static Browser browser;

    @BeforeAll
    static void up() throws Exception {
        InMemoryDesiredStateStore store = new InMemoryDesiredStateStore();
        for (int i = 1; i <= NEVER_RETURNED; i++) { // instances ran on hosts that will not come back
            store.recordAssignment("old-app-" + i, new DesiredStateStore.AssignmentValue("gone-" + i, 1, "before",
                    System.currentTimeMillis() - 3_600_000), 0).toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
        system = CoordinatorNode.start(ConfigFactory.parseString("""
                pekko.actor.provider = cluster
                pekko.remote.artery.canonical.hostname = "127.0.0.1"
                pekko.remote.artery.canonical.port = 0
                pekko.cluster.seed-nodes = []
                pekko.cluster.jmx.multi-mbeans-in-same-jvm = on
                pekko.coordinated-shutdown.exit-jvm = off
                pekko.loglevel = WARNING
                blackstart.coordinator.api.port = 0
                blackstart.coordinator.management.port = 0
                blackstart.coordinator.recovery.settle-time = 1s
                """).withFallback(ConfigFactory.load()), store, true);
        Cluster.get(system).manager().tell(Join.create(Cluster.get(system).selfMember().address()));
        Await.until("coordinator up", Duration.ofSeconds(30),
                () -> Cluster.get(system).selfMember().status() == MemberStatus.up());
        InetSocketAddress http = CoordinatorNode.httpAddress(system).toCompletableFuture().get(30, TimeUnit.SECONDS);
        api = "http://127.0.0.1:" + http.getPort();
        fleet = system.systemActorOf(AgentFleet.create("host", HOSTS, 4, Duration.ofMillis(50)), "fleet",
                Props.empty());
        Await.until(HOSTS + " hosts reporting", Duration.ofSeconds(120), () -> CoordinatorNode.statusBoard(system)
                .latest().map(s -> s.hosts().size() == HOSTS).orElse(false));
        browser = new Browser();
    }

    @AfterAll
    static void down() throws Exception {
        try {
            if (browser != null) {
                browser.close();
            }
        } finally {
            if (system != null) {
                system.terminate();
                system.getWhenTerminated().toCompletableFuture().get(60, TimeUnit.SECONDS);
            }
        }
    }

    private static int cells(WebDriver d, String css) {
        return d.findElements(By.cssSelector(css)).size();
    }

    @Test
    void twoThousandHostsRenderWithinThreeSecondsAndLostOnesShow() throws Exception {
        WebDriver d = browser.driver;
        d.get(api + "/");
        browser.until(Duration.ofSeconds(30), x -> cells(x, "#heat .cell") == HOSTS + NEVER_RETURNED);
        double renderedMs = ((Number) ((JavascriptExecutor) d)
                .executeScript("return window.blackstartHostsRenderedAt")).doubleValue();
        System.out.printf("dashboard: %d host cells rendered %.0f ms after navigation start%n",
                HOSTS + NEVER_RETURNED, renderedMs);
        assertTrue(renderedMs <= 3_000, "rendered after " + renderedMs + " ms");
        assertEquals(NEVER_RETURNED, cells(d, "#heat .cell.never-returned"));
        assertTrue(d.findElement(By.id("missing")).getText().contains("gone-1"));
        assertTrue(d.findElement(By.id("hosts-caption")).getText().toLowerCase().contains(HOSTS + " reporting"),
                d.findElement(By.id("hosts-caption")).getText());

        try (SseClient sse = new SseClient(api + "/api/v1/events")) {
            Await.until("the whole picture", Duration.ofSeconds(20), () -> sse.has("hosts", "\"full\":true"));
            // three hosts go away: the page shows them lost; the stream tells only what changed
            for (int i = 1; i <= 3; i++) {
                fleet.tell(new AgentFleet.StopAgent("host-" + i));
            }
            browser.until(Duration.ofSeconds(60), x -> cells(x, "#heat .cell.lost") == 3);
            assertTrue(d.findElement(By.id("hosts-caption")).getText().toLowerCase().contains("3 lost"),
                    d.findElement(By.id("hosts-caption")).getText());
            assertTrue(d.findElement(By.id("missing")).getText().contains("host-1"));
            Await.until("the losses on the stream", Duration.ofSeconds(20),
                    () -> sse.events().stream().anyMatch(e -> e.type().equals("hosts") && e.data().contains("\"lost\":3")));
            // the API lists them too, by node id
            String nodes = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(api + "/api/v1/nodes"))
                    .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString()).body();
            JsonNode missing = new ObjectMapper().readTree(nodes).path("missing");
            assertEquals(NEVER_RETURNED + 3, missing.size(), nodes.length() > 2000 ? missing.toString() : nodes);
            assertEquals("gone-1", missing.get(0).path("nodeId").asText());
            assertEquals("never-returned", missing.get(0).path("state").asText());
            assertEquals("lost", missing.get(NEVER_RETURNED).path("state").asText());
            int fullEvents = 0;
            int largestChange = 0;
            for (SseClient.Event e : sse.events()) {
                if (e.type().equals("hosts")) {
                    if (e.data().contains("\"full\":true")) {
                        fullEvents++;
                    } else {
                        largestChange = Math.max(largestChange, e.data().split("\"nodeId\"").length - 1);
                    }
                }
            }
            System.out.printf("dashboard: host changes after the whole picture: at most %d hosts in one event%n",
                    largestChange);
            assertEquals(1, fullEvents, "one whole picture, then changes");
            assertTrue(largestChange < HOSTS / 10, "changes only: " + largestChange + " hosts in one event");
        }
        browser.screenshot(Path.of("target").resolve("dashboard-2000-hosts.png"));
    }
}
