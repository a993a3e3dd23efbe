package io.blackstart.testsupport;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What a test sees of {@link Await}: the value it waited for, or a failure naming what and the last value. */
@Timeout(30)
class AwaitTest {

    @Test
    void returnsTheFirstValueThatIsDone() {
        AtomicInteger polls = new AtomicInteger();
        int v = Await.until("the counter at 3", Duration.ofSeconds(5), Duration.ofMillis(1), polls::incrementAndGet,
                n -> n >= 3);
        assertEquals(3, v);
    }

    @Test
    void aTimeoutNamesWhatWasAwaitedAndTheLastValueSeen() {
        AssertionError e = assertThrows(AssertionError.class, () -> Await.until("instance i-1 running",
                Duration.ofMillis(200), Duration.ofMillis(20), () -> "STARTING", s -> s.equals("RUNNING")));
        assertEquals("timed out after 200 ms waiting for instance i-1 running; last observed: STARTING",
                e.getMessage());
    }

    @Test
    void aProbeThatThrowsIsRetriedAndItsLastFailureIsTheCause() {
        AtomicInteger polls = new AtomicInteger();
        assertTrue(Await.until("the service up", Duration.ofSeconds(5), Duration.ofMillis(1), () -> {
            if (polls.incrementAndGet() < 3) {
                throw new IllegalStateException("connection refused");
            }
            return true;
        }, ok -> ok));

        AssertionError e = assertThrows(AssertionError.class, () -> Await.until("the service up",
                Duration.ofMillis(100), () -> {
                    throw new IllegalStateException("connection refused");
                }));
        assertTrue(e.getMessage().endsWith("last attempt failed: java.lang.IllegalStateException: connection refused"),
                e.getMessage());
        assertTrue(e.getCause() instanceof IllegalStateException);
    }

    @Test
    void theDeadlineIsKeptWithinAPollInterval() {
        long start = System.nanoTime();
        assertThrows(AssertionError.class, () -> Await.until("never", Duration.ofMillis(300), () -> false));
        long ms = Duration.ofNanos(System.nanoTime() - start).toMillis();
        assertTrue(ms >= 300 && ms < 3000, ms + " ms");
    }

    @Test
    void anInterruptEndsTheWaitAtOnce() {
        Thread.currentThread().interrupt();
        try {
            AssertionError e = assertThrows(AssertionError.class,
                    () -> Await.until("never", Duration.ofSeconds(20), () -> false));
            assertTrue(e.getMessage().startsWith("interrupted after "), e.getMessage());
        } finally {
            Thread.interrupted();
        }
    }

    @Test
    void throughoutFailsAtTheFirstBrokenCheckAndPassesAQuietWindow() {
        Await.throughout("nothing starts", Duration.ofMillis(100), Duration.ofMillis(10), () -> { });
        AtomicInteger checks = new AtomicInteger();
        AssertionError e = assertThrows(AssertionError.class, () -> Await.throughout("nothing starts",
                Duration.ofSeconds(10), Duration.ofMillis(1), () -> {
                    if (checks.incrementAndGet() == 3) {
                        throw new AssertionError("1 running");
                    }
                }));
        assertEquals("nothing starts: 1 running", e.getMessage());
        assertEquals(3, checks.get());
    }
}
