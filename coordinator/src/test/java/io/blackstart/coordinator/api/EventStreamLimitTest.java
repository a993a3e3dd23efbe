package io.blackstart.coordinator.api;

import io.blackstart.testsupport.Await;
import io.blackstart.testsupport.TestKitExtension;
import io.blackstart.coordinator.CoordinatorSettings;
import io.blackstart.coordinator.TestFixtures;
import io.blackstart.coordinator.recovery.RecoveryManager;
import io.blackstart.coordinator.status.StatusBoard;
import io.blackstart.coordinator.status.StatusSnapshot;
import io.blackstart.coordinator.tracker.TrackerSettings;

import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.http.javadsl.ServerBinding;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * 2,000 clients open {@code GET /api/v1/events} on one coordinator's real HTTP server (raw sockets that send the
 * request and then read nothing, as idle or dead browsers do): the first {@code max-sse-clients} (256, the default)
 * get event streams, every other one a 503 with Retry-After, and {@code GET /api/v1/status} answers throughout.
 * Once the clients go away, their slots come back.
 */
@Timeout(180)
public class EventStreamLimitTest {
    private static final int CLIENTS = 2_000;
    @RegisterExtension
    static final TestKitExtension kit = new TestKitExtension(TestFixtures.localConfig());
    private static StatusBoard board;
    private static EventStream events;
    private static int port;

    @BeforeAll
    static void start() throws Exception {
        TestProbe<RecoveryManager.Command> manager = kit.get().createTestProbe(RecoveryManager.Command.class);
        board = new StatusBoard();
        board.set(snapshot());
        events = new EventStream(board, kit.get().system(), TrackerSettings.DEFAULT.maxSseClients());
        HttpApi routes = new HttpApi(board, manager.ref(), new CoordinatorSettings.Api(true, "127.0.0.1", 0, "t",
                Duration.ofSeconds(2)), kit.get().system(), new TrackerRoutes(board, events, new Metrics(board),
                TrackerSettings.DEFAULT));
        ServerBinding b = Http.get(kit.get().system()).newServerAt("127.0.0.1", 0).bind(routes.route())
                .toCompletableFuture().get(10, TimeUnit.SECONDS);
        port = b.localAddress().getPort();
    }

    private static StatusSnapshot snapshot() {
        StatusSnapshot.Counts one = new StatusSnapshot.Counts(1, 1, 0, 0, 0);
        return new StatusSnapshot("running", "normal", 1_700_000_000_000L, "auto", 1_700_000_001_000L, one,
                java.util.Map.of("app", one), List.of(), true, "", "etcd",
                List.of(new StatusSnapshot.HostStatus("local-1", 3, 1, 4, 4, 1, 2048, 0.1, 3, 2, true, 1, 0, 4, 3)),
                List.of(new StatusSnapshot.InstanceStatus("web-0", "web", "app", "running", "local-1", 1, null)),
                0.5, 0);
    }

    private static Socket openEvents() throws IOException {
        Socket s = new Socket(InetAddress.getLoopbackAddress(), port);
        s.getOutputStream().write(("GET /api/v1/events HTTP/1.1\r\nHost: 127.0.0.1:" + port
                + "\r\nAccept: text/event-stream\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        s.getOutputStream().flush();
        return s;
    }

    /** The response head (status line and headers) of a socket, read with a deadline. */
    private static String head(Socket s) throws IOException {
        s.setSoTimeout(10_000);
        InputStream in = s.getInputStream();
        StringBuilder b = new StringBuilder();
        try {
            while (b.indexOf("\r\n\r\n") < 0 && b.length() < 8192) {
                int c = in.read();
                if (c < 0) {
                    break;
                }
                b.append((char) c);
            }
        } catch (SocketTimeoutException e) {
            throw new AssertionError("no response head within 10 s: " + b, e);
        }
        return b.toString();
    }

    private static long statusMillis(HttpClient client) throws Exception {
        long t0 = System.nanoTime();
        HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                + "/api/v1/status")).timeout(Duration.ofSeconds(10)).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), r.body());
        return Duration.ofNanos(System.nanoTime() - t0).toMillis();
    }

    @Test
    void twoThousandIdleEventClientsLeaveStatusAnsweringAndGetTheirSlotsBack() throws Exception {
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        List<Socket> sockets = new ArrayList<>();
        try {
            int streams = 0;
            int refused = 0;
            long worstStatus = 0;
            for (int i = 0; i < CLIENTS; i++) {
                Socket s = openEvents();
                sockets.add(s);
                String head = head(s);
                if (head.startsWith("HTTP/1.1 200")) {
                    assertTrue(head.toLowerCase().contains("content-type: text/event-stream"), head);
                    streams++;
                } else {
                    assertTrue(head.startsWith("HTTP/1.1 503"), "client " + i + ": " + head);
                    assertTrue(head.contains("Retry-After: 10"), head);
                    refused++;
                }
                if (i % 250 == 249) {
                    worstStatus = Math.max(worstStatus, statusMillis(client));
                }
            }
            assertEquals(TrackerSettings.DEFAULT.maxSseClients(), streams);
            assertEquals(CLIENTS - streams, refused);
            assertEquals(streams, events.clients());
            long withAllOpen = statusMillis(client);
            System.out.printf("event stream cap: %d streams, %d refused (503), %d connections open; GET /api/v1/status "
                    + "took at most %d ms while they opened, %d ms with all open%n", streams, refused, sockets.size(),
                    worstStatus, withAllOpen);
        } finally {
            for (Socket s : sockets) {
                s.close();
            }
        }
        Await.until("every slot free after the clients left", Duration.ofSeconds(60), events::clients, n -> n == 0);
        try (Socket again = openEvents()) {
            assertTrue(head(again).startsWith("HTTP/1.1 200"), "a new client gets a stream after the others left");
        }
    }
}
