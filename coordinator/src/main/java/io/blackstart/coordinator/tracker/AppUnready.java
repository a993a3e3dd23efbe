package io.blackstart.coordinator.tracker;

/**
 * How long one app's instances ran before they served: the time each spent running but not ready (its health check
 * not passed yet, or failing), while this recovery manager watched. Only apps with such time are listed.
 *
 * @param appId          the app
 * @param tier           its tier
 * @param spans          periods of an instance running-but-unready (ended and open)
 * @param totalMillis    the sum of those periods, open ones counted up to the observation time
 * @param longestMillis  the longest period
 * @param unreadyNow     instances running but not ready now (health check not passed yet)
 * @param needsAttention instances whose health check keeps failing now
 * @param lastDetail     the latest probe output of a failing check (null if none)
 */
public record AppUnready(String appId, String tier, int spans, long totalMillis, long longestMillis, int unreadyNow,
                         int needsAttention, String lastDetail) {
}
