package io.blackstart.testsupport;

import java.time.Duration;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * Waits for a condition in tests: polls it every {@link #DEFAULT_INTERVAL} (or an explicit interval) until it holds,
 * and fails with an {@link AssertionError} naming what was awaited, how long, and the last value seen once the
 * timeout has passed. A probe that throws (a service still starting, an assertion inside the probe) counts as "not
 * yet": the last such exception becomes the failure's cause. An interrupt (JUnit's {@code @Timeout}) ends the wait
 * at once. This is the only place tests wait: never a fixed sleep.
 *
 * <pre>{@code
 * Await.until("instance i-1 running", Duration.ofSeconds(30), () -> state("i-1") == RUNNING);
 * String out = Await.until("the doctor's report", Duration.ofSeconds(10), () -> run("doctor"), s -> s.contains("OK"));
 * }</pre>
 */
public final class Await {

    /** How often a condition is polled unless the caller says otherwise. */
    public static final Duration DEFAULT_INTERVAL = Duration.ofMillis(50);

    private Await() {
    }

    /** Polls {@code condition} every {@link #DEFAULT_INTERVAL} until it holds; fails naming {@code what}. */
    public static void until(String what, Duration timeout, BooleanSupplier condition) {
        until(what, timeout, DEFAULT_INTERVAL, condition);
    }

    /** Polls {@code condition} every {@code interval} until it holds; fails naming {@code what} after {@code timeout}. */
    public static void until(String what, Duration timeout, Duration interval, BooleanSupplier condition) {
        until(what, timeout, interval, condition::getAsBoolean, Boolean::booleanValue);
    }

    /**
     * Polls {@code probe} every {@link #DEFAULT_INTERVAL} until {@code done} accepts its value and returns that
     * value; fails naming {@code what} and the last value seen.
     */
    public static <T> T until(String what, Duration timeout, Supplier<T> probe, Predicate<? super T> done) {
        return until(what, timeout, DEFAULT_INTERVAL, probe, done);
    }

    /**
     * Polls {@code probe} every {@code interval} until {@code done} accepts its value and returns that value; fails
     * after {@code timeout} naming {@code what} and the last value seen (and the last exception as the cause).
     */
    public static <T> T until(String what, Duration timeout, Duration interval, Supplier<T> probe,
                              Predicate<? super T> done) {
        long start = System.nanoTime();
        long deadline = start + timeout.toNanos();
        boolean seen = false;
        T last = null;
        Throwable lastError = null;
        while (true) {
            try {
                T value = probe.get();
                seen = true;
                last = value;
                lastError = null;
                if (done.test(value)) {
                    return value;
                }
            } catch (RuntimeException | AssertionError e) {
                lastError = e;
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw failure("timed out after " + describe(timeout) + " waiting for " + what, seen, last, lastError);
            }
            LockSupport.parkNanos(Math.min(left, interval.toNanos()));
            if (Thread.currentThread().isInterrupted()) {
                throw failure("interrupted after " + describe(Duration.ofNanos(System.nanoTime() - start))
                        + " waiting for " + what, seen, last, lastError);
            }
        }
    }

    /**
     * The opposite of a wait: runs {@code check} (which throws when something that must not happen did) every
     * {@code interval} for the whole {@code window}, and rethrows its first failure, prefixed with {@code what}.
     */
    public static void throughout(String what, Duration window, Duration interval, Runnable check) {
        long deadline = System.nanoTime() + window.toNanos();
        while (true) {
            try {
                check.run();
            } catch (RuntimeException | AssertionError e) {
                AssertionError failure = new AssertionError(what + ": " + e.getMessage(), e);
                throw failure;
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return;
            }
            LockSupport.parkNanos(Math.min(left, interval.toNanos()));
            if (Thread.currentThread().isInterrupted()) {
                throw new AssertionError("interrupted while watching " + what);
            }
        }
    }

    private static AssertionError failure(String message, boolean seen, Object last, Throwable lastError) {
        StringBuilder m = new StringBuilder(message);
        if (lastError != null) {
            m.append("; last attempt failed: ").append(lastError);
        } else if (seen) {
            m.append("; last observed: ").append(last);
        }
        return new AssertionError(m.toString(), lastError);
    }

    private static String describe(Duration d) {
        long ms = d.toMillis();
        return ms % 1000 == 0 ? ms / 1000 + " s" : ms + " ms";
    }
}
