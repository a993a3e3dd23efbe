package io.blackstart.doctor;

import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A stub coordinator on a free loopback port: fixed {@code /api/v1/status}, settable {@code /api/v1/cluster} and
 * {@code /api/v1/hosts/diagnosis} (until set: every agent of {@code agentsPresent} answers with a healthy engine and
 * a synchronised clock, as a coordinator with those agents would).
 */
final class StubCoordinator implements AutoCloseable {

    private final HttpServer http;
    private final AtomicReference<String> cluster = new AtomicReference<>();
    private volatile int clusterStatus = 200;
    private final AtomicReference<String> hosts = new AtomicReference<>();
    private volatile int hostsStatus = 200;
    /** How far this stub's clock is ahead of the machine's, as its diagnosis reports it ({@code $NOW}). */
    private volatile long clockAheadMillis;

    private StubCoordinator(HttpServer http) {
        this.http = http;
    }

    static StubCoordinator start(String status) {
        try {
            HttpServer http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
            StubCoordinator stub = new StubCoordinator(http);
            http.createContext("/api/v1/status", ex -> reply(ex, 200, status));
            http.createContext("/api/v1/cluster", ex -> reply(ex, stub.clusterStatus, stub.cluster.get()));
            http.createContext("/api/v1/hosts/diagnosis", ex -> reply(ex, stub.hostsStatus, (stub.hosts.get() != null
                    ? stub.hosts.get() : healthyHosts(stub.cluster.get()))
                    .replace("$NOW", String.valueOf(System.currentTimeMillis() + stub.clockAheadMillis))));
            http.start();
            return stub;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void reply(com.sun.net.httpserver.HttpExchange ex, int status, String body) throws IOException {
        byte[] bytes = (body == null ? "{\"error\":\"not set\"}" : body).getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().add("Content-Type", "application/json");
        ex.sendResponseHeaders(status, bytes.length);
        ex.getResponseBody().write(bytes);
        ex.close();
    }

    /** What {@code GET /api/v1/cluster} answers from now on. */
    StubCoordinator cluster(int status, String body) {
        clusterStatus = status;
        cluster.set(body);
        return this;
    }

    /** A diagnosis in which every agent of {@code agentsPresent} answers: Docker healthy, clock in sync. */
    static String healthyHosts(String clusterJson) {
        com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
        StringBuilder hosts = new StringBuilder();
        try {
            for (com.fasterxml.jackson.databind.JsonNode a : json.readTree(clusterJson == null ? "{}" : clusterJson)
                    .path("agentsPresent")) {
                if (hosts.length() > 0) {
                    hosts.append(',');
                }
                hosts.append(host(a.path("nodeId").asText(), 40L << 30, 100L << 30, 0));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return diagnosis(hosts.toString());
    }

    /** A diagnosis JSON with these host objects. */
    static String diagnosis(String hostObjects) {
        return "{\"deadlineMillis\":5000,\"durationMillis\":3,\"hosts\":[" + hostObjects + "]}";
    }

    /** A diagnosis with the coordinator's start time ({@code $NOW}: its clock when it answers). */
    static String timedDiagnosis(String hostObjects) {
        return "{\"receivedMillis\":$NOW,\"answeredMillis\":$NOW,\"deadlineMillis\":5000,\"durationMillis\":0,"
                + "\"hosts\":[" + hostObjects + "]}";
    }

    /** From now on this stub's clock reads {@code millis} ahead of the machine's. */
    StubCoordinator clockAhead(long millis) {
        clockAheadMillis = millis;
        return this;
    }

    /** An answering host: Docker 20.10.24 on overlay2 with this disk, the clock this far off (± 1 ms). */
    static String host(String nodeId, long freeBytes, long totalBytes, long skewMillis) {
        long provable = Math.max(0, Math.abs(skewMillis) - 1) * Long.signum(skewMillis);
        return "{\"nodeId\":\"" + nodeId + "\",\"address\":\"pekko://blackstart@10.0.0.9:25520\",\"answered\":true,"
                + "\"detail\":\"\",\"clock\":{\"skewMillis\":" + skewMillis + ",\"uncertaintyMillis\":1,"
                + "\"provableSkewMillis\":" + provable + ",\"roundTripMillis\":2},\"docker\":{\"reachable\":true,"
                + "\"version\":\"20.10.24\",\"apiVersion\":\"1.41\",\"storageDriver\":\"overlay2\","
                + "\"dataRoot\":\"/var/lib/docker\",\"freeBytes\":" + freeBytes + ",\"totalBytes\":" + totalBytes
                + ",\"error\":\"\",\"millis\":4}}";
    }

    /** The HTTP status of {@code GET /api/v1/hosts/diagnosis} from now on (404: a coordinator without it). */
    StubCoordinator hostsStatus(int status) {
        hostsStatus = status;
        return this;
    }

    /** What {@code GET /api/v1/hosts/diagnosis} answers from now on. */
    StubCoordinator hosts(String body) {
        hosts.set(body);
        return this;
    }

    String url() {
        return "http://127.0.0.1:" + http.getAddress().getPort();
    }

    @Override
    public void close() {
        http.stop(0);
    }
}
