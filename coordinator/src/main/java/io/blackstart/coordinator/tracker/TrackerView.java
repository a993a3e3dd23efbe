package io.blackstart.coordinator.tracker;

import java.util.List;

/**
 * What the tracker adds to a status snapshot. Immutable.
 *
 * @param startsPerSecond  starts per second over the sliding window
 * @param etaSeconds       seconds until every remaining instance runs; -1 when unknown
 * @param meanStartSeconds mean duration of a start (0 when not measured)
 * @param remainingLevels  levels of the start order still to go (platform gate, dependency chain)
 * @param appsDesired      apps with at least one desired instance
 * @param appsRunning      apps whose every instance runs
 * @param timeline         the recovery timeline, oldest first
 * @param downtime         per-app downtime, by app id
 * @param curve            running instances over time, oldest first
 * @param unready          per app that had any, the time its instances ran but were not ready, by app id
 * @param missingHosts     hosts the platform had that are not reporting (lost, never returned), by node id
 */
public record TrackerView(double startsPerSecond, long etaSeconds, double meanStartSeconds, int remainingLevels,
                          int appsDesired, int appsRunning, List<TimelineEvent> timeline, List<AppDowntime> downtime,
                          List<CurvePoint> curve, List<AppUnready> unready, List<MissingHost> missingHosts) {

    public TrackerView {
        missingHosts = missingHosts == null ? List.of() : List.copyOf(missingHosts);
        timeline = List.copyOf(timeline);
        downtime = List.copyOf(downtime);
        curve = List.copyOf(curve);
        unready = List.copyOf(unready);
    }

    /** A view without missing hosts. */
    public TrackerView(double startsPerSecond, long etaSeconds, double meanStartSeconds, int remainingLevels,
                       int appsDesired, int appsRunning, List<TimelineEvent> timeline, List<AppDowntime> downtime,
                       List<CurvePoint> curve, List<AppUnready> unready) {
        this(startsPerSecond, etaSeconds, meanStartSeconds, remainingLevels, appsDesired, appsRunning, timeline,
                downtime, curve, unready, List.of());
    }

    /** A view without readiness figures. */
    public TrackerView(double startsPerSecond, long etaSeconds, double meanStartSeconds, int remainingLevels,
                       int appsDesired, int appsRunning, List<TimelineEvent> timeline, List<AppDowntime> downtime,
                       List<CurvePoint> curve) {
        this(startsPerSecond, etaSeconds, meanStartSeconds, remainingLevels, appsDesired, appsRunning, timeline,
                downtime, curve, List.of());
    }

    /** Nothing observed yet. */
    public static final TrackerView EMPTY = new TrackerView(0, -1, 0, 0, 0, 0, List.of(), List.of(), List.of(),
            List.of());
}
