package io.blackstart.doctor;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * The protocol greetings the probes send and how their answers are judged. Pure functions over bytes, so
 * they are tested without servers.
 */
public final class Handshakes {

    /** AMQP 0-9-1 protocol header: {@code "AMQP" 0 0 9 1}. */
    public static final byte[] AMQP_HEADER = {'A', 'M', 'Q', 'P', 0, 0, 9, 1};
    /** Redis inline PING. */
    public static final byte[] REDIS_PING = "PING\r\n".getBytes(StandardCharsets.US_ASCII);

    /** How a greeting was judged. */
    public record Verdict(Status status, String finding) {
    }

    private Handshakes() {
    }

    /** Judges the first line a NATS server sends: {@code INFO {...}}. */
    public static Verdict nats(String firstLine) {
        if (firstLine != null && firstLine.startsWith("INFO ")) {
            String json = firstLine.substring(5);
            String version = field(json, "version");
            String id = field(json, "server_id");
            return new Verdict(Status.OK, "NATS server" + (version.isEmpty() ? "" : " " + version)
                    + (id.isEmpty() ? "" : " (" + id + ")") + " sent INFO");
        }
        return new Verdict(Status.FAIL, "not a NATS server: expected an INFO line, got " + quote(firstLine));
    }

    /**
     * Judges the first bytes an AMQP 0-9-1 broker sends after the protocol header: a method frame (type 1)
     * on channel 0 carrying Connection.Start (class 10, method 10). A broker that does not speak 0-9-1
     * answers with its own protocol header instead.
     */
    public static Verdict amqp(byte[] answer) {
        if (answer.length >= 8 && answer[0] == 'A' && answer[1] == 'M' && answer[2] == 'Q' && answer[3] == 'P') {
            return new Verdict(Status.FAIL, "the broker refused AMQP 0-9-1 and offered protocol "
                    + answer[4] + "-" + answer[5] + "-" + answer[6] + "-" + answer[7]);
        }
        if (answer.length < 11) {
            return new Verdict(Status.FAIL, "not an AMQP broker: short answer of " + answer.length + " bytes");
        }
        ByteBuffer b = ByteBuffer.wrap(answer);
        int type = b.get() & 0xff;
        int channel = b.getShort() & 0xffff;
        b.getInt(); // payload size
        int classId = b.getShort() & 0xffff;
        int methodId = b.getShort() & 0xffff;
        if (type == 1 && channel == 0 && classId == 10 && methodId == 10) {
            String version = answer.length >= 13 ? " " + answer[11] + "-" + answer[12] : "";
            return new Verdict(Status.OK, "AMQP broker sent Connection.Start (protocol 0-9-1, version" + version + ")");
        }
        return new Verdict(Status.FAIL, "not an AMQP broker: frame type " + type + ", class " + classId
                + ", method " + methodId + " instead of Connection.Start (1, 10, 10)");
    }

    /** Judges a Redis server's reply to PING. */
    public static Verdict redis(String reply) {
        if (reply == null) {
            return new Verdict(Status.FAIL, "not a Redis server: the connection closed without a reply");
        }
        if (reply.startsWith("+PONG")) {
            return new Verdict(Status.OK, "Redis answered PONG");
        }
        if (reply.startsWith("-NOAUTH")) {
            return new Verdict(Status.WARN, "Redis is reachable but requires authentication (" + reply + ")");
        }
        if (reply.startsWith("-")) {
            return new Verdict(Status.WARN, "Redis is reachable but answered PING with an error: " + reply);
        }
        return new Verdict(Status.FAIL, "not a Redis server: expected +PONG, got " + quote(reply));
    }

    /** Reads one line ending in {@code \n} (without {@code \r\n}); null at end of stream. At most 4 KiB. */
    static String readLine(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int c;
        while ((c = in.read()) != -1) {
            if (c == '\n') {
                break;
            }
            line.write(c);
            if (line.size() > 4096) {
                break;
            }
        }
        if (c == -1 && line.size() == 0) {
            return null;
        }
        String s = line.toString(StandardCharsets.UTF_8);
        return s.endsWith("\r") ? s.substring(0, s.length() - 1) : s;
    }

    /** Reads up to {@code max} bytes: whatever arrives in the first read(s) until {@code min} are there. */
    static byte[] readAtLeast(InputStream in, int min, int max) throws IOException {
        byte[] buf = new byte[max];
        int n = 0;
        while (n < min) {
            int r = in.read(buf, n, max - n);
            if (r < 0) {
                break;
            }
            n += r;
        }
        byte[] out = new byte[n];
        System.arraycopy(buf, 0, out, 0, n);
        return out;
    }

    private static String field(String json, String key) {
        int i = json.indexOf("\"" + key + "\"");
        if (i < 0) {
            return "";
        }
        int colon = json.indexOf(':', i);
        int q1 = json.indexOf('"', colon + 1);
        int q2 = q1 < 0 ? -1 : json.indexOf('"', q1 + 1);
        return q1 < 0 || q2 < 0 ? "" : json.substring(q1 + 1, q2);
    }

    private static String quote(String s) {
        if (s == null) {
            return "nothing";
        }
        String t = s.length() > 60 ? s.substring(0, 60) + "..." : s;
        return "\"" + t.replaceAll("\\p{Cntrl}", "?") + "\"";
    }
}
