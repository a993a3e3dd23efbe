package io.blackstart.coordinator.tracker;

/**
 * How long one app was down while this recovery manager watched it. An app is down while not every one of its
 * instances runs (a degraded app counts as down, the conservative reading for an SLA); a down period runs from
 * when its first instance stopped running (the agent's stop time when it saw the stop, else when the coordinator
 * first saw it down) to when every instance ran again. An app being deployed for the first time is not down.
 *
 * @param appId          the app
 * @param tier           its tier
 * @param instances      desired instances
 * @param downSinceMillis start of its latest down period (0 if it was never down)
 * @param upAgainMillis  end of its latest down period (0 while down or if never down)
 * @param downtimeMillis total time down, open period counted up to the observation time
 * @param down           down now
 * @param periods        number of down periods
 */
public record AppDowntime(String appId, String tier, int instances, long downSinceMillis, long upAgainMillis,
                          long downtimeMillis, boolean down, int periods) {
}
