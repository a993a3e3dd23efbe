package io.blackstart.scheduler;

import java.util.Arrays;

/**
 * ETA maths of a recovery, pure: how long the remaining starts take at a given start capacity (a bound: no
 * scheduler does better), and at the rate actually observed (an estimate). Times in seconds; rates in starts per
 * second. The drill's lower bound uses the same capacity model; the coordinator's tracker can show both.
 */
public final class RecoveryEta {

    private RecoveryEta() {
    }

    /**
     * The earliest time at which hosts joining over time could have done {@code starts} starts: the smallest T with
     * {@code Σ rate[h] · max(0, T − availableAt[h]) ≥ starts}. Hosts already up have {@code availableAt ≤ 0}.
     * O(h log h).
     *
     * @param starts      starts to do, ≥ 0
     * @param rate        per host, starts per second at its best concurrency (its knee), ≥ 0
     * @param availableAt per host, when it can take starts (s from now); +∞ for a host that will not
     * @return seconds from now; 0 when nothing remains; +∞ when the capacity never suffices
     */
    public static double capacityBoundSeconds(long starts, double[] rate, double[] availableAt) {
        if (rate.length != availableAt.length) {
            throw new IllegalArgumentException("rate and availableAt differ in length");
        }
        if (starts <= 0) {
            return 0;
        }
        Integer[] order = new Integer[rate.length];
        for (int h = 0; h < order.length; h++) {
            order[h] = h;
        }
        Arrays.sort(order, (a, b) -> Double.compare(Math.max(0, availableAt[a]), Math.max(0, availableAt[b])));
        double sumRate = 0;
        double done = 0;   // starts done by time t with the hosts seen so far
        double t = 0;
        for (int k = 0; k < order.length; k++) {
            int h = order[k];
            double at = Math.max(0, availableAt[h]);
            if (at == Double.POSITIVE_INFINITY) {
                break;
            }
            if (sumRate > 0 && done + sumRate * (at - t) >= starts) {
                return t + (starts - done) / sumRate;
            }
            done += sumRate * (at - t);
            t = at;
            sumRate += Math.max(0, rate[h]);
        }
        return sumRate > 0 ? t + (starts - done) / sumRate : Double.POSITIVE_INFINITY;
    }

    /** {@code remaining ÷ Σ rate}: the capacity bound when every host is up. */
    public static double capacitySeconds(long remaining, double[] rate) {
        double[] now = new double[rate.length];
        return capacityBoundSeconds(remaining, rate, now);
    }

    /**
     * The estimate at the observed pace: {@code remaining} at the rate of the last window.
     *
     * @param remaining     instances not yet running
     * @param doneInWindow  instances that came up during the window
     * @param windowSeconds the window's length, &gt; 0
     * @return seconds; +∞ when nothing came up in the window and something remains
     */
    public static double observedSeconds(long remaining, long doneInWindow, double windowSeconds) {
        if (!(windowSeconds > 0)) {
            throw new IllegalArgumentException("window must be > 0 s");
        }
        if (remaining <= 0) {
            return 0;
        }
        return doneInWindow <= 0 ? Double.POSITIVE_INFINITY : remaining * windowSeconds / doneInWindow;
    }
}
