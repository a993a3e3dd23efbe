package io.blackstart.coordinator.api;

import io.blackstart.coordinator.status.StatusBoard;
import io.blackstart.coordinator.status.StatusSnapshot;
import io.blackstart.coordinator.tracker.TrackerSettings;

import io.blackstart.coordinator.tracker.DowntimeReport;
import org.apache.pekko.http.javadsl.marshalling.sse.EventStreamMarshalling;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpMethod;
import org.apache.pekko.http.javadsl.model.HttpMethods;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.model.headers.RawHeader;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Optional;
import java.util.function.BiFunction;
import java.util.function.Supplier;

/**
 * The recovery tracker's part of the HTTP API: {@code GET /api/v1/events} (Server-Sent Events),
 * {@code GET /api/v1/report[?format=json|csv][&sla=SECONDS]}, {@code GET /metrics} (Prometheus text) and
 * {@code GET /} (the dashboard, one self-contained page). Everything reads this node's {@link StatusBoard}.
 */
public final class TrackerRoutes extends AllDirectives {

    private final StatusBoard board;
    private final EventStream events;
    private final Metrics metrics;
    private final TrackerSettings settings;
    private final String dashboard;

    public TrackerRoutes(StatusBoard board, EventStream events, Metrics metrics, TrackerSettings settings) {
        this.board = board;
        this.events = events;
        this.metrics = metrics;
        this.settings = settings;
        this.dashboard = resource("dashboard.html");
    }

    /** Routes under {@code /api/v1/}. */
    Route apiRoutes(BiFunction<HttpMethod, Supplier<Route>, Route> only) {
        return concat(
                path("events", () -> only.apply(HttpMethods.GET, () -> events.open()
                        .<Route>map(stream -> completeOK(stream, EventStreamMarshalling.toEventStream()))
                        .orElseGet(this::tooManyStreams))),
                path("report", () -> only.apply(HttpMethods.GET, () -> parameterOptional("format", format ->
                        parameterOptional("sla", sla -> report(format, sla))))));
    }

    private Route tooManyStreams() {
        long retry = Math.max(1, settings.sseRetryAfter().toSeconds());
        return complete(HttpResponse.create().withStatus(StatusCodes.SERVICE_UNAVAILABLE)
                .addHeader(RawHeader.create("Retry-After", Long.toString(retry)))
                .withEntity(ContentTypes.APPLICATION_JSON, ProgressJson.JSON.createObjectNode()
                        .put("error", "too many event streams: " + events.maxClients() + " are open on this node "
                                + "(blackstart.coordinator.tracker.max-sse-clients); retry in " + retry + " s")
                        .toString()));
    }

    /** Routes at the root: the dashboard and the metrics. */
    Route rootRoutes(BiFunction<HttpMethod, Supplier<Route>, Route> only) {
        return concat(
                pathEndOrSingleSlash(() -> only.apply(HttpMethods.GET, () -> complete(HttpResponse.create()
                        .withEntity(ContentTypes.TEXT_HTML_UTF8, dashboard)
                        .addHeader(RawHeader.create("Cache-Control", "no-cache"))))),
                path("metrics", () -> only.apply(HttpMethods.GET, () -> complete(HttpResponse.create()
                        .withEntity(ContentTypes.TEXT_PLAIN_UTF8, metrics.scrape())))));
    }

    private Route report(Optional<String> format, Optional<String> sla) {
        String f = format.map(x -> x.trim().toLowerCase(Locale.ROOT)).orElse("json");
        if (!f.equals("json") && !f.equals("csv")) {
            return complete(HttpApi.response(StatusCodes.BAD_REQUEST,
                    HttpApi.error("unknown format '" + format.get() + "' (json or csv)")));
        }
        long slaSeconds = settings.sla().toSeconds();
        if (sla.isPresent()) {
            try {
                slaSeconds = Long.parseLong(sla.get().trim());
            } catch (NumberFormatException e) {
                slaSeconds = -1;
            }
            if (slaSeconds < 0) {
                return complete(HttpApi.response(StatusCodes.BAD_REQUEST,
                        HttpApi.error("'sla' must be a whole number of seconds >= 0, got '" + sla.get() + "'")));
            }
        }
        Optional<StatusSnapshot> s = board.latest();
        if (s.isEmpty()) {
            return HttpApi.notYet(this);
        }
        DowntimeReport r = DowntimeReport.of(s.get().tracking(), slaSeconds, s.get().generatedAt());
        if (f.equals("csv")) {
            return complete(HttpResponse.create().withEntity(ContentTypes.TEXT_CSV_UTF8, r.csv()));
        }
        return complete(HttpApi.response(StatusCodes.OK, ProgressJson.report(r, s.get()).toString()));
    }

    private static String resource(String name) {
        try (InputStream in = TrackerRoutes.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
