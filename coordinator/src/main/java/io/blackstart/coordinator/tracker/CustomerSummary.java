package io.blackstart.coordinator.tracker;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * The plain sentence for customers, e.g. "92% of applications are running again; full recovery expected around
 * 15:40 UTC". Counts applications (an app is running again when every one of its instances runs); the percentage
 * is rounded down, so it never says 100% before everything runs; the expected time is rounded up to the next
 * five minutes ("around"). Pure.
 */
public final class CustomerSummary {

    private static final DateTimeFormatter HH_MM = DateTimeFormatter.ofPattern("HH:mm").withZone(ZoneOffset.UTC);

    private CustomerSummary() {
    }

    /**
     * @param appsDesired apps with desired instances
     * @param appsRunning apps whose every instance runs
     * @param appsFailed  apps with a failed instance (they wait for an operator)
     * @param etaSeconds  seconds until every remaining instance runs, -1 if unknown
     * @param now         epoch millis
     */
    public static String sentence(int appsDesired, int appsRunning, int appsFailed, long etaSeconds, long now) {
        if (appsDesired == 0) {
            return "No applications are deployed.";
        }
        if (appsRunning >= appsDesired) {
            return "All applications are running.";
        }
        int percent = (int) Math.floor(100.0 * appsRunning / appsDesired);
        String head = percent + "% of applications are running again";
        if (appsRunning + appsFailed >= appsDesired) {
            return head + "; " + appsFailed + (appsFailed == 1 ? " application needs" : " applications need")
                    + " an operator's attention.";
        }
        if (etaSeconds < 0) {
            return head + "; the time of full recovery is not known yet.";
        }
        long at = now + etaSeconds * 1000;
        long fiveMinutes = 5 * 60_000L;
        long rounded = (at + fiveMinutes - 1) / fiveMinutes * fiveMinutes;
        return head + "; full recovery expected around " + HH_MM.format(Instant.ofEpochMilli(rounded)) + " UTC.";
    }
}
