package io.blackstart.doctor;

import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicReference;

/** A stub coordinator on a free loopback port: fixed {@code /api/v1/status}, settable {@code /api/v1/cluster}. */
final class StubCoordinator implements AutoCloseable {

    private final HttpServer http;
    private final AtomicReference<String> cluster = new AtomicReference<>();
    private volatile int clusterStatus = 200;

    private StubCoordinator(HttpServer http) {
        this.http = http;
    }

    static StubCoordinator start(String status) {
        try {
            HttpServer http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
            StubCoordinator stub = new StubCoordinator(http);
            http.createContext("/api/v1/status", ex -> reply(ex, 200, status));
            http.createContext("/api/v1/cluster", ex -> reply(ex, stub.clusterStatus, stub.cluster.get()));
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

    String url() {
        return "http://127.0.0.1:" + http.getAddress().getPort();
    }

    @Override
    public void close() {
        http.stop(0);
    }
}
