package io.blackstart.coordinator;

import com.typesafe.config.Config;

import java.time.Duration;

/**
 * Settings of the recovery tracker ({@code blackstart.coordinator.tracker}).
 *
 * @param sla an app down longer than this in total breaks the SLA (the report lists it)
 * @param jmx register the {@code io.blackstart} MBeans
 */
public record TrackerSettings(Duration sla, boolean jmx) {

    /** 5 minutes, JMX on. */
    public static final TrackerSettings DEFAULT = new TrackerSettings(Duration.ofMinutes(5), true);

    /** Reads {@code blackstart.coordinator.tracker} (defaults when absent). */
    public static TrackerSettings fromConfig(Config config) {
        String p = "blackstart.coordinator.tracker";
        if (!config.hasPath(p)) {
            return DEFAULT;
        }
        Config c = config.getConfig(p);
        return new TrackerSettings(c.hasPath("sla") ? c.getDuration("sla") : DEFAULT.sla(),
                !c.hasPath("jmx") || c.getBoolean("jmx"));
    }
}
