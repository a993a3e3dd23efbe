package io.blackstart.doctor;

import io.blackstart.common.Failures;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.channels.UnresolvedAddressException;
import java.time.Duration;
import java.util.Optional;

/**
 * Plain HTTP GETs with explicit connect and request timeouts, never following redirects, returning a
 * classified {@link CallOutcome} instead of throwing. Used for the etcd peer port, the clocks, HTTP probes
 * and the coordinator.
 */
public final class HttpFetch {

    private final HttpClient client;
    private final Duration requestTimeout;

    /** A fetcher with these timeouts. */
    public HttpFetch(Duration connectTimeout, Duration requestTimeout) {
        this(connectTimeout, requestTimeout, Optional.empty());
    }

    /** A fetcher with these timeouts whose https calls use {@code tls} (e.g. the etcd CA and client key pair). */
    public HttpFetch(Duration connectTimeout, Duration requestTimeout, Optional<javax.net.ssl.SSLContext> tls) {
        HttpClient.Builder b = HttpClient.newBuilder();
        tls.ifPresent(b::sslContext);
        this.client = b
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(connectTimeout)
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
        this.requestTimeout = requestTimeout;
    }

    /**
     * The answer to one GET.
     *
     * @param outcome     how the call ended
     * @param status      HTTP status, 0 when there was no answer
     * @param headers     response headers (empty when there was no answer)
     * @param body        response body, empty when there was no answer
     * @param sentMillis  wall clock (epoch ms) just before sending
     * @param answeredMillis wall clock (epoch ms) when the answer or the error came
     */
    public record Answer(CallOutcome outcome, int status, HttpHeaders headers, String body, long sentMillis,
                         long answeredMillis) {

        /** A header value. */
        public Optional<String> header(String name) {
            return headers.firstValue(name);
        }
    }

    /** GETs {@code url}. */
    public Answer get(String url) {
        long sent = System.currentTimeMillis();
        long t0 = System.nanoTime();
        try {
            HttpRequest req = HttpRequest.newBuilder(URI.create(url)).timeout(requestTimeout).GET().build();
            HttpResponse<String> r = client.send(req, HttpResponse.BodyHandlers.ofString());
            return new Answer(CallOutcome.ok(millisSince(t0)), r.statusCode(), r.headers(), r.body(), sent,
                    System.currentTimeMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return failed(CallOutcome.Kind.TIMEOUT, "interrupted", t0, sent);
        } catch (HttpConnectTimeoutException e) {
            return failed(CallOutcome.Kind.REFUSED, "connect timed out after " + ms(requestTimeout), t0, sent);
        } catch (HttpTimeoutException e) {
            return failed(CallOutcome.Kind.TIMEOUT, "no answer within " + ms(requestTimeout), t0, sent);
        } catch (ConnectException e) {
            return failed(CallOutcome.Kind.REFUSED, "connection refused", t0, sent);
        } catch (javax.net.ssl.SSLException e) {
            return failed(CallOutcome.Kind.TLS, "TLS: " + describe(e), t0, sent);
        } catch (IOException | IllegalArgumentException e) {
            Throwable root = e;
            while (root.getCause() != null && root.getCause() != root) {
                root = root.getCause();
            }
            if (root instanceof ConnectException || root instanceof UnresolvedAddressException) {
                return failed(CallOutcome.Kind.REFUSED, describe(root), t0, sent);
            }
            return failed(CallOutcome.Kind.ERROR, describe(e), t0, sent);
        }
    }

    private static Answer failed(CallOutcome.Kind kind, String detail, long t0, long sent) {
        return new Answer(new CallOutcome(kind, detail, millisSince(t0)), 0,
                HttpHeaders.of(java.util.Map.of(), (a, b) -> true), "", sent, System.currentTimeMillis());
    }

    static String describe(Throwable t) {
        if (Failures.unwrap(t) instanceof UnresolvedAddressException) {
            return "cannot resolve host";
        }
        return Failures.describe(t);
    }

    static long millisSince(long nanoStart) {
        return (System.nanoTime() - nanoStart) / 1_000_000;
    }

    static String ms(Duration d) {
        return d.toMillis() + " ms";
    }
}
