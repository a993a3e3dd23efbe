package io.blackstart.doctor;

import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.NoRouteToHostException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.List;

/**
 * Probes one dependency (message queue, cache, any TCP or HTTP service) with explicit connect and read
 * timeouts: TCP connect, HTTP(S) GET with an expected status, or a protocol handshake (NATS, AMQP 0-9-1,
 * Redis) judged by {@link Handshakes}.
 */
public final class ProbeCheck implements CheckTask {

    /** The check group. */
    public static final String GROUP = "probes";

    private final ProbeTarget target;
    private final Duration connectTimeout;
    private final Duration readTimeout;

    /** A probe of {@code target} with these timeouts. */
    public ProbeCheck(ProbeTarget target, Duration connectTimeout, Duration readTimeout) {
        this.target = target;
        this.connectTimeout = connectTimeout;
        this.readTimeout = readTimeout;
    }

    /** The name of the check for this probe URL. */
    public static String checkName(String url) {
        return "probe " + url.strip();
    }

    @Override
    public String group() {
        return GROUP;
    }

    @Override
    public List<String> names() {
        return List.of(checkName(target.url()));
    }

    @Override
    public List<Check> run() {
        long t0 = System.nanoTime();
        String name = checkName(target.url());
        if (target.scheme() == ProbeTarget.Scheme.HTTP || target.scheme() == ProbeTarget.Scheme.HTTPS) {
            return List.of(http(name, t0));
        }
        String where = target.host() + ":" + target.port();
        try (Socket socket = new Socket()) {
            try {
                socket.connect(new InetSocketAddress(target.host(), target.port()), (int) connectTimeout.toMillis());
            } catch (SocketTimeoutException e) {
                return List.of(Check.fail(GROUP, name, "cannot connect to " + where + ": connect timed out after "
                                + connectTimeout.toMillis() + " ms",
                        "the host is unreachable or a firewall drops the packets", HttpFetch.millisSince(t0)));
            }
            long connectMs = HttpFetch.millisSince(t0);
            socket.setSoTimeout((int) readTimeout.toMillis());
            Handshakes.Verdict v = switch (target.scheme()) {
                case TCP -> new Handshakes.Verdict(Status.OK, "connected to " + where + " in " + connectMs + " ms");
                case NATS -> Handshakes.nats(Handshakes.readLine(socket.getInputStream()));
                case AMQP -> {
                    socket.getOutputStream().write(Handshakes.AMQP_HEADER);
                    socket.getOutputStream().flush();
                    yield Handshakes.amqp(Handshakes.readAtLeast(socket.getInputStream(), 11, 64));
                }
                case REDIS -> {
                    socket.getOutputStream().write(Handshakes.REDIS_PING);
                    socket.getOutputStream().flush();
                    InputStream in = socket.getInputStream();
                    yield Handshakes.redis(Handshakes.readLine(in));
                }
                case HTTP, HTTPS -> throw new IllegalStateException("handled above");
            };
            long ms = HttpFetch.millisSince(t0);
            String finding = v.status() == Status.OK && target.scheme() != ProbeTarget.Scheme.TCP
                    ? v.finding() + " (" + where + ", " + ms + " ms)" : v.finding();
            String hint = switch (v.status()) {
                case OK -> "";
                case WARN -> "reachable; check the credentials the apps use";
                case FAIL -> "something else listens on " + where + ": check the port in the configuration";
            };
            return List.of(Check.of(v.status(), GROUP, name, finding, hint, ms));
        } catch (SocketTimeoutException e) {
            return List.of(Check.fail(GROUP, name, "connected to " + where + " but no answer within "
                            + readTimeout.toMillis() + " ms",
                    "the service accepts connections but does not speak: overloaded or hung?",
                    HttpFetch.millisSince(t0)));
        } catch (UnknownHostException e) {
            return List.of(Check.fail(GROUP, name, "cannot resolve " + target.host(),
                    "check the name (see the dns checks)", HttpFetch.millisSince(t0)));
        } catch (ConnectException | NoRouteToHostException e) {
            String message = String.valueOf(e.getMessage()).toLowerCase(java.util.Locale.ROOT);
            String why = message.contains("timed out") ? "connect timed out after " + connectTimeout.toMillis() + " ms"
                    : message.contains("refused") ? "connection refused" : HttpFetch.describe(e);
            return List.of(Check.fail(GROUP, name, "cannot connect to " + where + ": " + why,
                    "start the service on that host or fix host/port in the configuration",
                    HttpFetch.millisSince(t0)));
        } catch (IOException e) {
            return List.of(Check.fail(GROUP, name, "probe of " + where + " failed: " + HttpFetch.describe(e),
                    "check that the service runs and the address is right", HttpFetch.millisSince(t0)));
        }
    }

    private Check http(String name, long t0) {
        HttpFetch.Answer a = new HttpFetch(connectTimeout, readTimeout).get(target.httpUrl());
        long ms = HttpFetch.millisSince(t0);
        if (!a.outcome().isOk()) {
            return Check.fail(GROUP, name, "GET " + target.httpUrl() + " failed: " + a.outcome().detail(),
                    "start the service or fix the URL", ms);
        }
        boolean good = target.expectedStatus().isPresent()
                ? a.status() == target.expectedStatus().getAsInt()
                : a.status() >= 200 && a.status() < 400;
        String expected = target.expectedStatus().isPresent() ? String.valueOf(target.expectedStatus().getAsInt())
                : "2xx/3xx";
        if (good) {
            return Check.ok(GROUP, name, "HTTP " + a.status() + " in " + ms + " ms", ms);
        }
        return Check.fail(GROUP, name, "HTTP " + a.status() + ", expected " + expected,
                "the service answers but is not healthy: check its logs", ms);
    }
}
