package io.blackstart.common;

import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/** Describing a failure in one line for logs, JSON and operators. */
public final class Failures {

    private Failures() {
    }

    /**
     * The failure's own class and the first line of its message, unwrapped from {@link CompletionException} and
     * {@link ExecutionException} (which only say "something failed asynchronously"): {@code
     * "TimeoutException: deadline exceeded"}, or just the class name when there is no message.
     */
    public static String describe(Throwable t) {
        Throwable c = unwrap(t);
        String msg = c.getMessage() == null ? "" : c.getMessage().strip().split("\n")[0].strip();
        return c.getClass().getSimpleName() + (msg.isEmpty() ? "" : ": " + msg);
    }

    /** The cause behind any layers of {@link CompletionException} and {@link ExecutionException}. */
    public static Throwable unwrap(Throwable t) {
        Throwable c = t;
        while ((c instanceof CompletionException || c instanceof ExecutionException) && c.getCause() != null) {
            c = c.getCause();
        }
        return c;
    }
}
