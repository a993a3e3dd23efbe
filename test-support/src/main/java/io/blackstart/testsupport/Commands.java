package io.blackstart.testsupport;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Runs a command line ({@code etcdctl}, {@code openssl}, {@code docker}) to completion for a fixture: no input,
 * standard error merged into the output, killed after a deadline.
 */
public final class Commands {

    private Commands() {
    }

    /** What a finished command left: its exit code (-1 when it was killed at the deadline) and its output. */
    public record Result(List<String> command, int exitCode, String output) {

        /** True when it exited with 0. */
        public boolean ok() {
            return exitCode == 0;
        }

        /** This result if it exited with 0; otherwise an IllegalStateException with the command and its output. */
        public Result orFail() {
            if (!ok()) {
                throw new IllegalStateException(String.join(" ", command) + " failed (exit " + exitCode + "): "
                        + output.strip());
            }
            return this;
        }
    }

    /** Runs {@code command} in the current directory, killing it after {@code timeout}. */
    public static Result run(Duration timeout, List<String> command) {
        return run(timeout, null, command);
    }

    /** Runs {@code command} in {@code dir} (null: the current directory), killing it after {@code timeout}. */
    public static Result run(Duration timeout, Path dir, List<String> command) {
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        if (dir != null) {
            pb.directory(dir.toFile());
        }
        Process p;
        try {
            p = pb.start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + command.get(0) + " (is it installed?)", e);
        }
        CompletableFuture<String> out = new CompletableFuture<>();
        Thread reader = new Thread(() -> {
            try {
                out.complete(new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
            } catch (IOException e) {
                out.complete("(output unreadable: " + e + ")");
            }
        }, "output of " + command.get(0));
        reader.setDaemon(true);
        reader.start();
        try {
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                p.waitFor(10, TimeUnit.SECONDS);
                return new Result(command, -1, out.getNow("") + " (killed after " + timeout + ")");
            }
            return new Result(command, p.exitValue(), out.join());
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running " + String.join(" ", command), e);
        }
    }
}
