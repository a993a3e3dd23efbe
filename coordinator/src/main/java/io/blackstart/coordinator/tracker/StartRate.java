package io.blackstart.coordinator.tracker;

import java.util.ArrayDeque;

/**
 * Starts per second over a sliding window, and the mean duration of a start. A start counts when an instance is
 * seen running after it was seen assigned or starting. Single-threaded; {@code now} comes in.
 */
public final class StartRate {

    private final long windowMillis;
    private final ArrayDeque<Long> starts = new ArrayDeque<>();
    private final ArrayDeque<Long> durations = new ArrayDeque<>();
    private long firstObservation = -1;

    /** @param windowMillis length of the sliding window, &gt; 0 */
    public StartRate(long windowMillis) {
        if (windowMillis <= 0) {
            throw new IllegalArgumentException("window must be > 0 ms");
        }
        this.windowMillis = windowMillis;
    }

    /** Time passes (the first call starts the clock of the window). */
    public void observe(long now) {
        if (firstObservation < 0) {
            firstObservation = now;
        }
        while (!starts.isEmpty() && starts.peekFirst() <= now - windowMillis) {
            starts.removeFirst();
        }
    }

    /** A start completed at {@code now}; it took {@code durationMillis} (negative when unknown). */
    public void started(long now, long durationMillis) {
        observe(now);
        starts.addLast(now);
        if (durationMillis >= 0) {
            durations.addLast(durationMillis);
            if (durations.size() > 100) {
                durations.removeFirst();
            }
        }
    }

    /**
     * Starts per second over the window (over the time observed so far while shorter than the window, but at
     * least one second); 0 when nothing started in the window.
     */
    public double perSecond(long now) {
        observe(now);
        if (starts.isEmpty()) {
            return 0;
        }
        long span = Math.max(1000, Math.min(windowMillis, now - firstObservation));
        return starts.size() * 1000.0 / span;
    }

    /** Mean duration of the last 100 starts in seconds; 0 when none was measured. */
    public double meanStartSeconds() {
        if (durations.isEmpty()) {
            return 0;
        }
        long sum = 0;
        for (long d : durations) {
            sum += d;
        }
        return sum / 1000.0 / durations.size();
    }
}
