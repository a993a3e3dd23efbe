package io.blackstart.doctor;

import java.net.URI;
import java.util.Locale;
import java.util.OptionalInt;

/**
 * A parsed {@code --probe} URL.
 *
 * <ul>
 *   <li>{@code tcp://host:port} — TCP connect (port required)</li>
 *   <li>{@code http(s)://host[:port]/path[#status=NNN]} — GET; 2xx/3xx, or exactly NNN</li>
 *   <li>{@code nats://host[:4222]} — the server's {@code INFO} line</li>
 *   <li>{@code amqp://host[:5672]} — AMQP 0-9-1 protocol header, expects Connection.Start</li>
 *   <li>{@code redis://host[:6379]} — {@code PING}, expects {@code +PONG}</li>
 * </ul>
 *
 * @param url            the URL as given
 * @param scheme         the protocol
 * @param host           host name or address
 * @param port           port (the protocol's default when absent)
 * @param expectedStatus for HTTP, the exact status expected ({@code #status=NNN}); empty = any 2xx/3xx
 */
public record ProbeTarget(String url, Scheme scheme, String host, int port, OptionalInt expectedStatus) {

    /** The supported protocols, with their default ports. */
    public enum Scheme {
        /** TCP connect. */
        TCP(-1),
        /** HTTP GET. */
        HTTP(80),
        /** HTTPS GET. */
        HTTPS(443),
        /** NATS INFO line. */
        NATS(4222),
        /** AMQP 0-9-1 handshake. */
        AMQP(5672),
        /** Redis PING. */
        REDIS(6379);

        private final int defaultPort;

        Scheme(int defaultPort) {
            this.defaultPort = defaultPort;
        }
    }

    /**
     * Parses a probe URL.
     *
     * @throws IllegalArgumentException for an unknown scheme, a missing host, or a TCP URL without a port
     */
    public static ProbeTarget parse(String url) {
        URI u;
        try {
            u = URI.create(url.strip());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("bad probe URL " + url + ": " + e.getMessage(), e);
        }
        if (u.getScheme() == null || u.getHost() == null) {
            throw new IllegalArgumentException("bad probe URL " + url + ": expected scheme://host[:port]");
        }
        Scheme scheme;
        try {
            scheme = Scheme.valueOf(u.getScheme().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("bad probe URL " + url + ": unknown scheme " + u.getScheme()
                    + " (tcp, http, https, nats, amqp, redis)", e);
        }
        int port = u.getPort() >= 0 ? u.getPort() : scheme.defaultPort;
        if (port < 0) {
            throw new IllegalArgumentException("bad probe URL " + url + ": a port is required");
        }
        OptionalInt expected = OptionalInt.empty();
        String fragment = u.getFragment();
        if (fragment != null && fragment.startsWith("status=")) {
            if (scheme != Scheme.HTTP && scheme != Scheme.HTTPS) {
                throw new IllegalArgumentException("bad probe URL " + url + ": #status= is for http(s) only");
            }
            try {
                expected = OptionalInt.of(Integer.parseInt(fragment.substring(7)));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("bad probe URL " + url + ": #status=NNN expects a number", e);
            }
        }
        return new ProbeTarget(url.strip(), scheme, u.getHost(), port, expected);
    }

    /** The URL to GET for HTTP probes: the given one without its fragment. */
    public String httpUrl() {
        int hash = url.indexOf('#');
        return hash < 0 ? url : url.substring(0, hash);
    }
}
