package io.blackstart.coordinator.tracker;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The after-the-incident report: the timeline, each app's downtime, and the apps whose downtime breaks the SLA.
 * Pure; built from a snapshot's {@link TrackerView}.
 *
 * @param generatedAt epoch millis
 * @param slaSeconds  the SLA: an app down longer than this in total breaks it
 * @param timeline    the recovery timeline
 * @param apps        every app, longest downtime first
 * @param breaches    ids of the apps that break the SLA, longest downtime first
 * @param unready     the apps whose instances ran but were not ready for a while, longest total first
 */
public record DowntimeReport(long generatedAt, long slaSeconds, List<TimelineEvent> timeline, List<AppDowntime> apps,
                             List<String> breaches, List<AppUnready> unready) {

    public DowntimeReport {
        timeline = List.copyOf(timeline);
        apps = List.copyOf(apps);
        breaches = List.copyOf(breaches);
        unready = List.copyOf(unready);
    }

    /** The report of {@code view} with the given SLA. */
    public static DowntimeReport of(TrackerView view, long slaSeconds, long now) {
        List<AppDowntime> apps = new ArrayList<>(view.downtime());
        apps.sort(Comparator.comparingLong(AppDowntime::downtimeMillis).reversed().thenComparing(AppDowntime::appId));
        List<String> breaches = new ArrayList<>();
        for (AppDowntime a : apps) {
            if (breaks(a, slaSeconds)) {
                breaches.add(a.appId());
            }
        }
        List<AppUnready> unready = new ArrayList<>(view.unready());
        unready.sort(Comparator.comparingLong(AppUnready::totalMillis).reversed().thenComparing(AppUnready::appId));
        return new DowntimeReport(now, slaSeconds, view.timeline(), apps, breaches, unready);
    }

    /** True when the app's total downtime exceeds the SLA. */
    public static boolean breaks(AppDowntime a, long slaSeconds) {
        return a.downtimeMillis() > slaSeconds * 1000;
    }

    /** CSV, one app per line: {@code app,tier,instances,down_since,up_again,downtime_seconds,down_now,periods,sla_breached}. */
    public String csv() {
        StringBuilder sb = new StringBuilder("app,tier,instances,down_since,up_again,downtime_seconds,down_now,periods,sla_breached\n");
        for (AppDowntime a : apps) {
            sb.append(a.appId()).append(',').append(a.tier()).append(',').append(a.instances()).append(',')
                    .append(iso(a.downSinceMillis())).append(',').append(iso(a.upAgainMillis())).append(',')
                    .append(String.format(java.util.Locale.ROOT, "%.1f", a.downtimeMillis() / 1000.0)).append(',')
                    .append(a.down()).append(',').append(a.periods()).append(',').append(breaks(a, slaSeconds))
                    .append('\n');
        }
        return sb.toString();
    }

    /** ISO-8601 UTC, or empty for 0. */
    public static String iso(long millis) {
        return millis <= 0 ? "" : Instant.ofEpochMilli(millis).toString();
    }
}
