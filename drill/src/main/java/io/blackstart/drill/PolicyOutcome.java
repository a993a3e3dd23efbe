package io.blackstart.drill;

/**
 * What one policy achieved in one drill. Times in seconds since power came back.
 *
 * @param policy                 policy name
 * @param makespanSeconds        when the last instance was first up (ready, with readiness) ({@link #HORIZON} if some never came up)
 * @param timeouts               starts that exceeded their start timeout
 * @param retries                starts sent beyond the first of each instance
 * @param duplicates             containers that came up while another container of the same instance ran
 * @param peakInflightPerCredit  max over hosts of (peak starts pulling or in the engine at once ÷ the host's credits,
 *                               i.e. its knee: what its agent would grant when idle); ≤ 1 means never overloaded
 * @param meanDowntimeSeconds    mean over apps of the time until the app's first instance was up
 * @param p95DowntimeSeconds     95th percentile of the same
 * @param platformUpSeconds      when every platform-tier instance was up
 * @param instancesUp            instances that came up
 * @param instances              instances desired
 * @param memoryFailures         starts that failed because the host's memory was overcommitted
 * @param pulls                  image pulls from the registry
 * @param wallMillis             wall-clock time of the simulation
 * @param upTimesByTier          per tier (ordinal of {@link io.blackstart.protocol.Tier}), sorted first-up times: the
 *                               running-instances-over-time curve (with readiness: ready times)
 * @param crashRestarts          in-place restarts of containers that exited because a dependency was not ready
 *                               (readiness only; 0 without it)
 * @param startsDuringOutage     starts sent inside the etcd outage window (0 without one)
 */
public record PolicyOutcome(String policy, double makespanSeconds, int timeouts, int retries, int duplicates,
                            double peakInflightPerCredit, double meanDowntimeSeconds, double p95DowntimeSeconds,
                            double platformUpSeconds, int instancesUp, int instances, int memoryFailures, int pulls,
                            long wallMillis, double[][] upTimesByTier, int crashRestarts, int startsDuringOutage) {

    /** Makespan reported when some instance never came up within the simulation's horizon. */
    public static final double HORIZON = Simulation.HORIZON_SECONDS;

    /** True if every instance came up. */
    public boolean complete() {
        return instancesUp == instances;
    }

    /** Instances up at time {@code t}, all tiers. */
    public int upAt(double t) {
        int n = 0;
        for (int tier = 0; tier < upTimesByTier.length; tier++) {
            n += upAt(tier, t);
        }
        return n;
    }

    /** Instances of a tier up at time {@code t}. */
    public int upAt(int tier, double t) {
        double[] u = upTimesByTier[tier];
        int lo = 0;
        int hi = u.length;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (u[mid] <= t) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }
}
