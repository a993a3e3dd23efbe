package io.blackstart.testsupport;

import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * One open server-sent-events stream: its events, as they arrive, collected on a daemon thread. A test reads
 * {@link #events()} and awaits what it expects with {@link Await}.
 */
public final class SseClient implements AutoCloseable {

    /** One event: its {@code event:} type ({@code message} when none) and its {@code data:} lines joined. */
    public record Event(String type, String data) {
    }

    private final List<Event> events = new CopyOnWriteArrayList<>();
    private final HttpResponse<Stream<String>> response;

    /** Opens {@code url}, waiting at most 10 s for the response headers. */
    public SseClient(String url) throws Exception {
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        response = client.sendAsync(HttpRequest.newBuilder(URI.create(url)).GET().build(),
                HttpResponse.BodyHandlers.ofLines()).get(10, TimeUnit.SECONDS);
        Thread t = new Thread(this::read, "sse-client");
        t.setDaemon(true);
        t.start();
    }

    private void read() {
        String type = "message";
        StringBuilder data = new StringBuilder();
        try (Stream<String> lines = response.body()) {
            for (String line : (Iterable<String>) lines::iterator) {
                if (line.startsWith("event:")) {
                    type = line.substring(6).trim();
                } else if (line.startsWith("data:")) {
                    data.append(line.substring(5).trim());
                } else if (line.isEmpty() && !data.isEmpty()) {
                    events.add(new Event(type, data.toString()));
                    data.setLength(0);
                    type = "message";
                }
            }
        } catch (UncheckedIOException closed) {
            // the test closed the stream
        }
    }

    /** The response (status, headers). */
    public HttpResponse<Stream<String>> response() {
        return response;
    }

    /** The events so far, in stream order. */
    public List<Event> events() {
        return List.copyOf(events);
    }

    /** The number of events of {@code type} so far. */
    public long count(String type) {
        return events.stream().filter(e -> e.type().equals(type)).count();
    }

    /** True when an event of {@code type} whose data contains every one of {@code parts} has arrived. */
    public boolean has(String type, String... parts) {
        return events.stream().anyMatch(e -> e.type().equals(type) && Stream.of(parts).allMatch(e.data()::contains));
    }

    @Override
    public void close() {
        response.body().close();
    }
}
