package io.blackstart.doctor;

/**
 * Outcome of one check. The order is by severity: {@code OK < WARN < FAIL}.
 */
public enum Status {
    /** The thing checked works as expected. */
    OK("ok", "✔"),
    /** It works, but something is degraded or about to break (one etcd member down, disk nearly full). */
    WARN("warn", "‼"),
    /** It does not work, or cannot be checked. */
    FAIL("fail", "✘");

    private final String json;
    private final String symbol;

    Status(String json, String symbol) {
        this.json = json;
        this.symbol = symbol;
    }

    /** The lowercase name used in the JSON report: {@code ok}, {@code warn} or {@code fail}. */
    public String json() {
        return json;
    }

    /** The symbol of the human report: ✔, ‼ or ✘. */
    public String symbol() {
        return symbol;
    }

    /** The more severe of the two. */
    public Status worst(Status other) {
        return compareTo(other) >= 0 ? this : other;
    }
}
