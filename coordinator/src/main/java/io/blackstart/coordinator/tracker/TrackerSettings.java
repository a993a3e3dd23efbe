package io.blackstart.coordinator.tracker;

import com.typesafe.config.Config;

import java.time.Duration;

/**
 * Settings of the recovery tracker ({@code blackstart.coordinator.tracker}).
 *
 * @param sla            an app down longer than this in total breaks the SLA (the report lists it)
 * @param jmx            register the {@code io.blackstart} MBeans
 * @param maxSseClients  most {@code GET /api/v1/events} streams open at once on this node; the next is a 503
 * @param sseRetryAfter  the {@code Retry-After} of that 503
 */
public record TrackerSettings(Duration sla, boolean jmx, int maxSseClients, Duration sseRetryAfter) {

    /** 5 minutes, JMX on, 256 event streams, retry after 10 s. */
    public static final TrackerSettings DEFAULT = new TrackerSettings(Duration.ofMinutes(5), true);

    /** Validates. */
    public TrackerSettings {
        if (maxSseClients < 1) {
            throw new IllegalArgumentException("blackstart.coordinator.tracker.max-sse-clients must be >= 1, got "
                    + maxSseClients);
        }
        if (sseRetryAfter.isNegative()) {
            throw new IllegalArgumentException("blackstart.coordinator.tracker.sse-retry-after must not be negative");
        }
    }

    /** With the default stream cap (256) and Retry-After (10 s). */
    public TrackerSettings(Duration sla, boolean jmx) {
        this(sla, jmx, 256, Duration.ofSeconds(10));
    }

    /** Reads {@code blackstart.coordinator.tracker} (defaults when absent). */
    public static TrackerSettings fromConfig(Config config) {
        String p = "blackstart.coordinator.tracker";
        if (!config.hasPath(p)) {
            return DEFAULT;
        }
        Config c = config.getConfig(p);
        return new TrackerSettings(c.hasPath("sla") ? c.getDuration("sla") : DEFAULT.sla(),
                !c.hasPath("jmx") || c.getBoolean("jmx"),
                c.hasPath("max-sse-clients") ? c.getInt("max-sse-clients") : DEFAULT.maxSseClients(),
                c.hasPath("sse-retry-after") ? c.getDuration("sse-retry-after") : DEFAULT.sseRetryAfter());
    }
}
