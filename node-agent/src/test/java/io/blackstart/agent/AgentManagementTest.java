package io.blackstart.agent;

import io.blackstart.testsupport.Await;

import org.apache.pekko.cluster.typed.Cluster;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The agent's management endpoint on a real agent node with the local Docker engine: {@code /ready} is 503 until
 * the agent is an Up member, then 200 while Docker answers; 503 naming Docker when the engine does not answer.
 */
@Tag("docker")
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class AgentManagementTest {

    private static final Duration WAIT = Duration.ofSeconds(20);

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private CoordinatorAndAgent nodes;

    @AfterEach
    void tearDown() throws Exception {
        if (nodes != null) {
            nodes.close();
        }
    }

    private HttpResponse<String> get(URI base, String path) {
        try {
            return http.send(HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(5)).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private URI startAgent(String extra) throws Exception {
        nodes = new CoordinatorAndAgent("mgmt");
        return AgentNode.managementUri(nodes.startAgent("blackstart.agent.management.port = 0\n" + extra))
                .toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @Test
    void notReadyUntilJoinedThenReadyWithDockerAnswering() throws Exception {
        URI base = startAgent("");
        assertEquals("127.0.0.1", base.getHost());
        assertEquals(200, get(base, "/alive").statusCode());
        // its only seed is not a member yet: the agent cannot join (/ready names one unmet condition at a time,
        // and Docker's first answer may still be on its way: wait for it to be the cluster's)
        HttpResponse<String> notJoined = Await.until("not ready, for the cluster", WAIT, () -> get(base, "/ready"),
                r -> !r.body().contains("docker:"));
        assertEquals(503, notJoined.statusCode(), notJoined.body());
        assertTrue(notJoined.body().contains("cluster: not a cluster member"), notJoined.body());

        nodes.coordinatorFoundsTheCluster();
        Await.until("agent ready", WAIT, () -> get(base, "/ready"), r -> r.statusCode() == 200);
        HttpResponse<String> members = get(base, "/cluster/members");
        assertEquals(200, members.statusCode(), members.body());
        assertTrue(members.body().contains("\"" + AgentNode.ROLE + "\""), members.body());
        assertTrue(members.body().contains("\"node\":\"" + nodes.agent.address() + "\""), members.body());
    }

    @Test
    void aJoinedAgentWhoseEngineDoesNotAnswerIsNotReady() throws Exception {
        URI base = startAgent("blackstart.agent.docker-host = \"unix:///nonexistent/docker.sock\"\n"
                + "blackstart.agent.docker-connect-timeout = 1s\n");
        nodes.coordinatorFoundsTheCluster();
        Await.until("agent up", WAIT, () -> Cluster.get(nodes.agent).selfMember().status() == org.apache.pekko.cluster.MemberStatus.up());
        HttpResponse<String> r = Await.until("not ready because of Docker", WAIT, () -> get(base, "/ready"),
                x -> x.body().contains("docker:"));
        assertEquals(503, r.statusCode(), r.body());
        assertTrue(r.body().contains("docker: container engine not answering"), r.body());
        assertEquals(200, get(base, "/alive").statusCode());
    }
}
