package io.blackstart.doctor;

/**
 * A coordinator seed node as the doctor probes it: the text as configured and the host and Artery port in it.
 *
 * @param text the address as given ({@code pekko://blackstart@10.0.0.11:25520} or {@code 10.0.0.11:25520})
 * @param host the host name or IP address (IPv6 without brackets)
 * @param port the Artery port, 1-65535
 */
public record SeedAddress(String text, String host, int port) {

    /** Parses {@code pekko://system@host:port} or {@code host:port}; a clear error names what is wrong. */
    public static SeedAddress parse(String text) {
        String t = text.strip();
        String hostPort = t;
        if (t.contains("://")) {
            int at = t.indexOf('@');
            if (at < 0) {
                throw new IllegalArgumentException("seed '" + text + "': expected pekko://system@host:port");
            }
            hostPort = t.substring(at + 1);
        }
        int slash = hostPort.indexOf('/');
        if (slash >= 0) {
            hostPort = hostPort.substring(0, slash);
        }
        int colon = hostPort.lastIndexOf(':');
        if (colon <= 0 || colon == hostPort.length() - 1) {
            throw new IllegalArgumentException("seed '" + text + "': no host:port");
        }
        String host = hostPort.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        int port;
        try {
            port = Integer.parseInt(hostPort.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("seed '" + text + "': port is not a number");
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("seed '" + text + "': port " + port + " is out of range");
        }
        return new SeedAddress(t, host, port);
    }
}
