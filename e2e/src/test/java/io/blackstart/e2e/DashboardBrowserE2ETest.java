package io.blackstart.e2e;

import io.blackstart.testsupport.Await;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The dashboard in a real headless Chromium against a real local cluster: the page shows what the API says
 * (overall and per-tier counts, hosts, the customer sentence), changes when an instance starts (a new app is put
 * into etcd), and follows a small blackout live (screenshots of the recovery under {@code e2e/target/}).
 */
@Tag("e2e")
@Tag("browser")
@Timeout(300)
class DashboardBrowserE2ETest {
    private static final String RUN = UUID.randomUUID().toString().substring(0, 5);
    private static final String CORE = "db-core-" + RUN;
    private static final String SHOP = "db-shop-" + RUN;
    private static final String LATE = "db-late-" + RUN;
    private static final List<String> APPS = List.of(CORE, SHOP, LATE);
    private static final Path SHOTS = Path.of("target");
    private static LocalCluster cluster;
    private static Browser browser;

    @BeforeAll
    static void up() throws Exception {
        cluster = new LocalCluster(2).up();
        cluster.etcdPut("/apps/" + CORE, spec(CORE, "platform", 1));
        cluster.etcdPut("/apps/" + SHOP, spec(SHOP, "app", 12));
        Await.until("13 running", Duration.ofSeconds(90), cluster::status, s -> s.path("running").asInt() == 13);
        browser = new Browser();
    }

    @AfterAll
    static void down() throws Exception {
        try {
            if (browser != null) {
                browser.close();
            }
        } finally {
            try {
                if (cluster != null) {
                    cluster.close();
                }
            } finally {
                APPS.forEach(LocalCluster::removeContainers);
            }
        }
    }

    private static String spec(String id, String tier, int instances) {
        return "{\"id\":\"" + id + "\",\"image\":\"blackstart/testapp:1\",\"instances\":" + instances
                + ",\"tier\":\"" + tier + "\",\"memoryMb\":16,\"cpus\":0.1,"
                + "\"command\":[\"/bin/sleep\",\"100000\"],\"startTimeoutSeconds\":30}";
    }

    /** The element's text; the page re-renders parts of itself on every event, so a found element may go stale. */
    private static String text(WebDriver d, String id) {
        for (int attempt = 1; ; attempt++) {
            try {
                return d.findElement(By.id(id)).getText().strip();
            } catch (org.openqa.selenium.StaleElementReferenceException e) {
                if (attempt == 10) {
                    throw e;
                }
            }
        }
    }

    private static int number(WebDriver d, String id) {
        return Integer.parseInt(text(d, id));
    }

    @Test
    void thePageShowsWhatTheApiSaysAndFollowsStartsLive() throws Exception {
        WebDriver d = browser.driver;
        d.get(cluster.api() + "/");
        assertEquals("Blackstart recovery", d.getTitle());
        JsonNode s = cluster.status();
        browser.until(Duration.ofSeconds(20), x -> number(x, "desired-count") == s.path("desired").asInt()
                && number(x, "running-count") == s.path("running").asInt());
        for (String tier : List.of("platform", "database", "app")) {
            String row = text(d, "tier-" + tier);
            JsonNode c = s.path("tiers").path(tier);
            assertTrue(row.contains(c.path("running").asInt() + " / " + c.path("desired").asInt() + " running"),
                    tier + ": " + row);
        }
        assertEquals(s.path("summary").asText(), text(d, "summary"));
        assertTrue(text(d, "mode").toLowerCase().startsWith(s.path("mode").asText()), text(d, "mode")); // shown upper-case
        browser.until(Duration.ofSeconds(10), x -> x.findElements(By.cssSelector("#heat .cell")).size() == 2);
        String title = d.findElement(By.id("host-local-1")).getAttribute("title");
        assertTrue(title.contains("granted"), title);
        d.findElement(By.id("host-local-1")).click();
        assertTrue(text(d, "host-detail").startsWith("local-1: "), text(d, "host-detail"));
        assertEquals("live", text(d, "conn"));

        // an instance starts: the page follows without a reload
        cluster.etcdPut("/apps/" + LATE, spec(LATE, "app", 1));
        browser.until(Duration.ofSeconds(30), x -> number(x, "desired-count") == 14);
        browser.until(Duration.ofSeconds(60), x -> number(x, "running-count") == 14);
        browser.until(Duration.ofSeconds(10), x -> text(x, "events").contains(LATE + "-0: ")
                && text(x, "events").contains("→ running"));
        assertEquals(14, cluster.status().path("running").asInt());

        // a small blackout: every container of the shop dies; the page shows the recovery as it happens
        List<String> kill = new ArrayList<>(List.of("docker", "kill"));
        String ids = Shell.run("docker", "ps", "-q", "--filter", "label=io.blackstart.app=" + SHOP)
                .orFail("docker ps").stdout().strip();
        kill.addAll(List.of(ids.split("\\s+")));
        Shell.run(Duration.ofSeconds(60), Map.of(), kill).orFail("docker kill");
        browser.until(Duration.ofSeconds(20), x -> number(x, "running-count") < 14);
        browser.screenshot(SHOTS.resolve("dashboard-recovery.png"));
        browser.until(Duration.ofSeconds(90), x -> number(x, "running-count") == 14);
        browser.until(Duration.ofSeconds(10), x -> "All applications are running.".equals(text(x, "summary")));
        browser.until(Duration.ofSeconds(10), // the running curve has points
                x -> x.findElement(By.cssSelector("#curve path")).getAttribute("d").split("L").length > 3);
        browser.screenshot(SHOTS.resolve("dashboard-recovered.png"));
    }
}
