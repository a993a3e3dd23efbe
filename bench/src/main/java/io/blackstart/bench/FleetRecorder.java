package io.blackstart.bench;

import java.util.Arrays;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What the simulated agents of one run saw, shared by every agent of a fleet (thread-safe). The clock is the fleet
 * JVM's {@link System#nanoTime()}: the run's wall time is from the first {@code StartInstance} any agent received to
 * the last first-time confirmation of an instance.
 */
final class FleetRecorder {

    private final int expected;
    private final Set<String> started = ConcurrentHashMap.newKeySet();
    private final Set<String> confirmed = ConcurrentHashMap.newKeySet();
    private final AtomicInteger starts = new AtomicInteger();
    private final AtomicInteger duplicates = new AtomicInteger();
    private final AtomicInteger creditViolations = new AtomicInteger();
    private final AtomicInteger stops = new AtomicInteger();
    private final AtomicInteger confirmedCount = new AtomicInteger();
    private final AtomicLong firstStartNanos = new AtomicLong();
    private volatile long lastConfirmNanos;
    private final long[] refillNanos;
    private final AtomicInteger refills = new AtomicInteger();
    private final CountDownLatch done = new CountDownLatch(1);

    // debugging aid: -Dblackstart.bench.timeline=true prints confirmations per 100 ms to stderr at the end
    private final java.util.concurrent.atomic.AtomicIntegerArray confirmsPer100ms =
            Boolean.getBoolean("blackstart.bench.timeline") ? new java.util.concurrent.atomic.AtomicIntegerArray(36_000) : null;

    String timeline() {
        if (confirmsPer100ms == null) {
            return "";
        }
        StringBuilder b = new StringBuilder();
        int last = 0;
        for (int i = 0; i < confirmsPer100ms.length(); i++) {
            if (confirmsPer100ms.get(i) > 0) {
                last = i;
            }
        }
        for (int i = 0; i <= last; i++) {
            b.append(confirmsPer100ms.get(i)).append(i % 20 == 19 ? "\n" : " ");
        }
        return b.toString();
    }

    FleetRecorder(int expected) {
        this.expected = expected;
        this.refillNanos = new long[Math.max(1, expected)];
    }

    /**
     * A start arrived at an agent.
     *
     * @param unconfirmed the agent's starts not yet confirmed, this one included
     * @param granted     what the agent granted in its latest report (credits + starts in flight)
     */
    void started(String instanceId, int unconfirmed, int granted, long now) {
        firstStartNanos.compareAndSet(0, now);
        starts.incrementAndGet();
        if (!started.add(instanceId)) {
            duplicates.incrementAndGet();
        }
        if (unconfirmed > granted) {
            creditViolations.incrementAndGet();
        }
    }

    /** Time a freed credit of an agent waited for its next start. */
    void refilled(long waitedNanos) {
        int i = refills.getAndIncrement();
        if (i < refillNanos.length) {
            refillNanos[i] = waitedNanos;
        }
    }

    void confirmed(String instanceId, long now) {
        if (confirmsPer100ms != null) {
            long first = firstStartNanos.get();
            int b = (int) Math.min(confirmsPer100ms.length() - 1, Math.max(0, (now - first) / 100_000_000L));
            confirmsPer100ms.incrementAndGet(b);
        }
        if (confirmed.add(instanceId)) {
            lastConfirmNanos = now;
            if (confirmedCount.incrementAndGet() == expected) {
                done.countDown();
            }
        }
    }

    void stopped() {
        stops.incrementAndGet();
    }

    boolean await(long timeout, TimeUnit unit) throws InterruptedException {
        return done.await(timeout, unit);
    }

    int confirmedInstances() {
        return confirmedCount.get();
    }

    /** The figures of the run (call after {@link #await} returned true, or to see how far a run got). */
    FleetFigures figures() {
        int n = Math.min(refills.get(), refillNanos.length);
        long[] sorted = Arrays.copyOf(refillNanos, n);
        Arrays.sort(sorted);
        long first = firstStartNanos.get();
        return new FleetFigures(confirmedCount.get(), starts.get(), duplicates.get(), creditViolations.get(),
                stops.get(), first == 0 ? 0 : (lastConfirmNanos - first) / 1e9,
                percentile(sorted, 0.50) / 1e6, percentile(sorted, 0.99) / 1e6);
    }

    private static double percentile(long[] sorted, double p) {
        if (sorted.length == 0) {
            return 0;
        }
        return sorted[(int) Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)];
    }

    /**
     * @param placed           instances confirmed at least once
     * @param starts           StartInstance commands received
     * @param duplicates       starts of an instance that had already been started once
     * @param creditViolations starts that arrived while the agent already had all its granted starts unconfirmed
     * @param stops            StopInstance commands received
     * @param seconds          first start to last confirmation
     * @param refillP50Millis  median time a freed credit waited for the next start
     * @param refillP99Millis  99th percentile of the same
     */
    record FleetFigures(int placed, int starts, int duplicates, int creditViolations, int stops, double seconds,
                        double refillP50Millis, double refillP99Millis) {
        String toJson() {
            return String.format(java.util.Locale.ROOT, "{\"placed\":%d,\"starts\":%d,\"duplicates\":%d,"
                            + "\"creditViolations\":%d,\"stops\":%d,\"seconds\":%.6f,\"refillP50Millis\":%.4f,"
                            + "\"refillP99Millis\":%.4f}", placed, starts, duplicates, creditViolations, stops, seconds,
                    refillP50Millis, refillP99Millis);
        }
    }
}
