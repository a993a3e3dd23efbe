package io.blackstart.testsupport;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Prometheus's own checker ({@code promtool}, Debian package {@code prometheus}; {@code .ci/run} installs it): the
 * exposition text a scrape gets, and alert-rule files, as Prometheus itself reads them.
 */
public final class Promtool {

    private Promtool() {
    }

    /**
     * {@code promtool check metrics} on {@code exposition}: fails the test on a parse error, and on any lint problem
     * of a metric whose name starts with {@code ownPrefix} (lint problems of library metrics, such as Micrometer's
     * {@code system_cpu_count}, are not ours to rename).
     */
    public static void checkMetrics(String exposition, String ownPrefix) {
        Result r = run(List.of("promtool", "check", "metrics"), exposition);
        if (r.exit() == LINT_PROBLEMS) {
            List<String> ours = r.output().lines().filter(l -> l.startsWith(ownPrefix)).toList();
            if (!ours.isEmpty()) {
                throw new AssertionError("promtool check metrics: " + String.join("; ", ours));
            }
        } else if (r.exit() != 0) {
            throw new AssertionError("promtool check metrics exited " + r.exit() + ": " + r.output());
        }
    }

    /** {@code promtool check rules FILE}; fails the test with promtool's words on any problem. */
    public static void checkRules(Path rules) {
        require(run(List.of("promtool", "check", "rules", rules.toString()), ""), "check rules");
    }

    /** {@code promtool test rules FILE}: the rule unit tests in {@code tests}. */
    public static void testRules(Path tests) {
        require(run(List.of("promtool", "test", "rules", tests.toString()), ""), "test rules");
    }

    /** promtool's exit code for lint problems (1 is a failure). */
    private static final int LINT_PROBLEMS = 3;

    private record Result(int exit, String output) {
    }

    private static void require(Result r, String what) {
        if (r.exit() != 0) {
            throw new AssertionError("promtool " + what + " exited " + r.exit() + ": " + r.output());
        }
    }

    private static Result run(List<String> command, String stdin) {
        try {
            Path out = Files.createTempFile("promtool", ".out");
            try {
                Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(out.toFile()).start();
                p.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
                p.getOutputStream().close();
                if (!p.waitFor(Duration.ofSeconds(60).toSeconds(), TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                    throw new AssertionError(String.join(" ", command) + " did not end within 60 s");
                }
                return new Result(p.exitValue(), Files.readString(out));
            } finally {
                Files.deleteIfExists(out);
            }
        } catch (IOException e) {
            throw new AssertionError("promtool could not run (install the Debian package prometheus): " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }
}
