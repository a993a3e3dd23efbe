package io.blackstart.protocol;

import java.util.List;
import java.util.Objects;

/**
 * An app's readiness probe (the spec's optional {@code health} field): an instance counts as up — it gates its
 * dependants and ends its downtime — only once the probe passes. The semantics follow Docker's {@code HEALTHCHECK}:
 * a probe runs every {@code intervalSeconds} and fails when it does not pass within {@code timeoutSeconds}; failures
 * during the first {@code startPeriodSeconds} after the container started do not count; {@code retries} failures in
 * a row after that make the instance unhealthy (it then needs an operator's attention: it is not restarted). Probing
 * goes on while unhealthy, so an instance that recovers becomes ready.
 *
 * @param kind               what the probe does
 * @param exec               {@link Kind#EXEC}: the command run inside the container (exit code 0 passes); else empty
 * @param port               {@link Kind#TCP}, {@link Kind#HTTP}: the container's port; else 0
 * @param path               {@link Kind#HTTP}: the request path (starting with {@code /}, a 2xx or 3xx answer passes);
 *                           else null
 * @param intervalSeconds    seconds between the end of one probe and the start of the next, ≥ 1
 * @param timeoutSeconds     seconds one probe may take, ≥ 1
 * @param retries            failures in a row, after the start period, that make the instance unhealthy, ≥ 1
 * @param startPeriodSeconds seconds after the start during which failures do not count, ≥ 0
 */
public record HealthCheck(Kind kind, List<String> exec, int port, String path, int intervalSeconds, int timeoutSeconds,
                          int retries, int startPeriodSeconds) {

    public static final int DEFAULT_INTERVAL_SECONDS = 5;
    public static final int DEFAULT_TIMEOUT_SECONDS = 3;
    public static final int DEFAULT_RETRIES = 3;
    public static final int DEFAULT_START_PERIOD_SECONDS = 30;

    /** The probe's kind; the spec names it by the field present ({@code exec}, {@code tcp} or {@code http}). */
    public enum Kind {
        EXEC, TCP, HTTP;

        public String wireName() {
            return name().toLowerCase();
        }
    }

    public HealthCheck {
        Objects.requireNonNull(kind, "kind");
        exec = List.copyOf(exec == null ? List.of() : exec);
    }

    /** An exec probe with the default timings. */
    public static HealthCheck exec(List<String> command) {
        return new HealthCheck(Kind.EXEC, command, 0, null, DEFAULT_INTERVAL_SECONDS, DEFAULT_TIMEOUT_SECONDS,
                DEFAULT_RETRIES, DEFAULT_START_PERIOD_SECONDS);
    }

    /** A TCP probe with the default timings. */
    public static HealthCheck tcp(int port) {
        return new HealthCheck(Kind.TCP, List.of(), port, null, DEFAULT_INTERVAL_SECONDS, DEFAULT_TIMEOUT_SECONDS,
                DEFAULT_RETRIES, DEFAULT_START_PERIOD_SECONDS);
    }

    /** An HTTP probe with the default timings. */
    public static HealthCheck http(int port, String path) {
        return new HealthCheck(Kind.HTTP, List.of(), port, path, DEFAULT_INTERVAL_SECONDS, DEFAULT_TIMEOUT_SECONDS,
                DEFAULT_RETRIES, DEFAULT_START_PERIOD_SECONDS);
    }

    /** This probe with other timings. */
    public HealthCheck withTimings(int interval, int timeout, int retries, int startPeriod) {
        return new HealthCheck(kind, exec, port, path, interval, timeout, retries, startPeriod);
    }

    /**
     * Seconds after the start by which an instance whose probe never passed is unhealthy at the latest:
     * {@code startPeriod + retries × (interval + timeout)} (a probe that hangs takes its timeout).
     */
    public long giveUpSeconds() {
        return startPeriodSeconds + (long) retries * (intervalSeconds + timeoutSeconds);
    }

    /** One line for logs and explanations, e.g. {@code tcp 5432 every 5 s}. */
    public String describe() {
        String what = switch (kind) {
            case EXEC -> "exec " + String.join(" ", exec);
            case TCP -> "tcp " + port;
            case HTTP -> "http " + port + path;
        };
        return what + " every " + intervalSeconds + " s";
    }
}
