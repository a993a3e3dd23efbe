package io.blackstart.e2e;

import io.blackstart.testsupport.Await;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The management endpoints of a cluster started as an operator starts it ({@code cluster.sh}: the real launcher,
 * one coordinator and two agents): every node answers {@code /alive} and {@code /ready} 200 once up, and
 * {@code /cluster/members} lists all three members as Up.
 */
@Tag("e2e")
@Timeout(300)
class ManagementE2ETest {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private static LocalCluster cluster;

    @BeforeAll
    static void up() throws Exception {
        cluster = new LocalCluster(2).up();
    }

    @AfterAll
    static void down() {
        if (cluster != null) {
            cluster.close();
        }
    }

    private static HttpResponse<String> get(int port, String path) {
        try {
            return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                    .timeout(Duration.ofSeconds(5)).GET().build(), HttpResponse.BodyHandlers.ofString());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void everyNodeIsAliveAndReadyAndTheCoordinatorListsTheMembers() {
        // cluster.sh: coordinator-1 on API port + 8, agents local-1 and local-2 on API port + 12 and + 13
        int coordinator = cluster.apiPort + 8;
        int[] nodes = {coordinator, cluster.apiPort + 12, cluster.apiPort + 13};
        for (int port : nodes) {
            assertEquals(200, get(port, "/alive").statusCode(), "alive on " + port);
            HttpResponse<String> ready = Await.until("ready on " + port, Duration.ofSeconds(30),
                    () -> get(port, "/ready"), r -> r.statusCode() == 200);
            assertEquals("OK", ready.body().strip());
        }
        HttpResponse<String> members = Await.until("three members up", Duration.ofSeconds(30),
                () -> get(coordinator, "/cluster/members"),
                r -> r.statusCode() == 200 && r.body().split("\"status\":\"Up\"", -1).length - 1 == 3);
        assertTrue(members.body().contains("\"coordinator\""), members.body());
        assertTrue(members.body().contains("\"agent\""), members.body());
    }
}
