package io.blackstart.coordinator.tracker;

import java.util.ArrayDeque;

/**
 * How fast instances come up: samples of the running count over a sliding window, giving instances per second
 * and an ETA for the rest. Single-threaded (owned by the recovery manager); {@code now} comes in.
 */
public final class ThroughputMeter {

    private record Sample(long at, int running) {
    }

    private final long windowMillis;
    private final ArrayDeque<Sample> samples = new ArrayDeque<>();

    public ThroughputMeter(long windowMillis) {
        this.windowMillis = windowMillis;
    }

    public void sample(long now, int running) {
        Sample last = samples.peekLast();
        if (last == null || last.running() != running || now - last.at() >= 1000) {
            samples.addLast(new Sample(now, running));
        }
        while (samples.size() > 2 && samples.peekFirst().at() < now - windowMillis) {
            samples.removeFirst();
        }
    }

    /** Net instances up per second over the window (0 when nothing came up or too little time passed). */
    public double perSecond(long now) {
        Sample first = samples.peekFirst();
        Sample last = samples.peekLast();
        if (first == null || last == null || now - first.at() < 1000) {
            return 0;
        }
        return Math.max(0, (last.running() - first.running()) * 1000.0 / (now - first.at()));
    }

    /** Seconds until {@code remaining} more instances are up at the current rate, -1 if unknown. */
    public long etaSeconds(long now, int remaining) {
        if (remaining <= 0) {
            return 0;
        }
        double rate = perSecond(now);
        return rate <= 0 ? -1 : (long) Math.ceil(remaining / rate);
    }
}
