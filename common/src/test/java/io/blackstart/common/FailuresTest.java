package io.blackstart.common;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;

import static org.junit.jupiter.api.Assertions.assertEquals;

@Timeout(10)
class FailuresTest {

    @Test
    void namesTheCauseBehindAsyncWrappersWithTheFirstLineOfItsMessage() {
        Throwable t = new CompletionException(new ExecutionException(
                new TimeoutException("deadline exceeded after 2000 ms\n  at some.Frame")));
        assertEquals("TimeoutException: deadline exceeded after 2000 ms", Failures.describe(t));
    }

    @Test
    void aFailureWithoutMessageIsItsClassName() {
        assertEquals("IllegalStateException", Failures.describe(new IllegalStateException()));
        assertEquals("IllegalStateException", Failures.describe(new IllegalStateException("  ")));
    }
}
