package io.blackstart.doctor;

import java.time.Duration;
import java.util.Objects;

/**
 * A DNS server to ask directly ({@code --dns-server HOST[:PORT]}), with the timeout of its first attempt and the
 * number of attempts; each further attempt waits twice as long as the one before (the JDK's DNS client), so one
 * query takes at most {@code timeout × (2^attempts − 1)}.
 *
 * @param host     name or IP address ({@code 10.0.0.53}, {@code ::1}, {@code ns1.example.net})
 * @param port     UDP/TCP port, 1–65535
 * @param timeout  timeout of the first attempt
 * @param attempts attempts, 1–10
 */
public record DnsServer(String host, int port, Duration timeout, int attempts) {

    /** Validates. */
    public DnsServer {
        Objects.requireNonNull(host, "host");
        if (host.isBlank()) {
            throw new IllegalArgumentException("DNS server: empty host");
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("DNS server " + host + ": port must be 1-65535, got " + port);
        }
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("dns-server-timeout must be positive, got " + timeout);
        }
        if (attempts < 1 || attempts > 10) {
            throw new IllegalArgumentException("dns-server-attempts must be 1-10, got " + attempts);
        }
    }

    /**
     * Parses {@code HOST[:PORT]}: {@code 10.0.0.53}, {@code 10.0.0.53:5353}, {@code ns1.example.net:53},
     * {@code [::1]:5353}, or a bare IPv6 address ({@code ::1}, port 53).
     *
     * @throws IllegalArgumentException naming what is wrong
     */
    public static DnsServer parse(String spec, Duration timeout, int attempts) {
        String s = Objects.requireNonNull(spec, "spec").strip();
        if (s.isEmpty()) {
            throw new IllegalArgumentException("DNS server: empty, expected HOST[:PORT]");
        }
        String host;
        String port = null;
        if (s.startsWith("[")) {
            int close = s.indexOf(']');
            if (close < 0) {
                throw new IllegalArgumentException("DNS server '" + spec + "': missing ']' after the IPv6 address");
            }
            host = s.substring(1, close);
            String rest = s.substring(close + 1);
            if (!rest.isEmpty()) {
                if (!rest.startsWith(":")) {
                    throw new IllegalArgumentException("DNS server '" + spec + "': expected ':PORT' after ']'");
                }
                port = rest.substring(1);
            }
        } else if (s.indexOf(':') >= 0 && s.indexOf(':') == s.lastIndexOf(':')) {
            host = s.substring(0, s.indexOf(':'));
            port = s.substring(s.indexOf(':') + 1);
        } else {
            host = s; // a name, an IPv4 address, or a bare IPv6 address
        }
        if (host.isEmpty() || host.chars().anyMatch(c -> Character.isWhitespace(c) || c == '/')) {
            throw new IllegalArgumentException("DNS server '" + spec + "': expected HOST[:PORT]");
        }
        int p = 53;
        if (port != null) {
            try {
                p = Integer.parseInt(port);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("DNS server '" + spec + "': port '" + port + "' is not a number");
            }
        }
        return new DnsServer(host, p, timeout, attempts);
    }

    /** {@code host:port}, IPv6 in brackets. */
    public String display() {
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
    }

    /** The JNDI provider URL ({@code dns://host:port}). */
    String providerUrl() {
        return "dns://" + display();
    }

    /** The longest one query can take: {@code timeout × (2^attempts − 1)}. */
    public Duration queryBound() {
        return timeout.multipliedBy((1L << attempts) - 1);
    }
}
