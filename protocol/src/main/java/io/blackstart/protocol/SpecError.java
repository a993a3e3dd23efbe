package io.blackstart.protocol;

/**
 * Why one app spec was rejected.
 *
 * @param key     the etcd key (or file name) the spec came from
 * @param field   the offending field, or {@code "(json)"} when the document itself is unreadable,
 *                or {@code "(spec)"} for the whole document
 * @param message what is wrong, in words an operator can act on
 */
public record SpecError(String key, String field, String message) {
    public static final String DOCUMENT = "(json)";
    public static final String WHOLE = "(spec)";

    /** Longest part of an untrusted value that {@link #echo} quotes. */
    public static final int ECHO_CHARS = 64;

    /**
     * An untrusted value as it may appear in a message: at most {@value #ECHO_CHARS} characters, then
     * {@code ...(N chars)}; control characters (NUL included) and backslashes escaped as {@code \\u} and four hex digits, so a
     * 1 MB id never lands whole in a log line, a status, an SSE event or the CLI.
     */
    public static String echo(String value) {
        if (value == null) {
            return "null";
        }
        int n = Math.min(value.length(), ECHO_CHARS);
        StringBuilder b = new StringBuilder(n + 24);
        for (int i = 0; i < n; i++) {
            char c = value.charAt(i);
            if (c < 0x20 || c == 0x7f || c == '\\' || (c >= 0x80 && c < 0xa0)) {
                b.append(String.format("\\u%04x", (int) c));
            } else {
                b.append(c);
            }
        }
        return value.length() > n ? b + "...(" + value.length() + " chars)" : b.toString();
    }

    @Override
    public String toString() {
        return key + ": " + field + ": " + message;
    }
}
