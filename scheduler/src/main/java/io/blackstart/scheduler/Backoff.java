package io.blackstart.scheduler;

import java.util.random.RandomGenerator;

/**
 * Retry delay: exponential backoff with "equal jitter" (half fixed, half random), as Marathon's launch backoff
 * and Nomad's reschedule {@code delay_function = "exponential"}; the jitter keeps the retries of a burst of
 * failures from landing together. Pure: the randomness is injected.
 */
public final class Backoff {

    private Backoff() {
    }

    /**
     * @param failedAttempts attempts made so far (≥ 1)
     * @param baseMillis     delay after the first failure before jitter
     * @param maxMillis      cap before jitter
     * @return a delay in [d/2, d) where d = min(max, base · 2^(failedAttempts−1)), in milliseconds
     */
    public static long delayMillis(int failedAttempts, long baseMillis, long maxMillis, RandomGenerator random) {
        long d = Math.min(maxMillis, baseMillis * (1L << Math.min(30, Math.max(0, failedAttempts - 1))));
        return d / 2 + (long) (random.nextDouble() * (d / 2.0));
    }
}
