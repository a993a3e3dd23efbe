package io.blackstart.agent;

import io.blackstart.protocol.HealthCheck;
import io.blackstart.protocol.wire.ContainerHealth;

/**
 * The health of one probed container from its probes' results, Docker's way: {@code STARTING} until a probe passes
 * ({@code HEALTHY}); failures in the first {@code startPeriodSeconds} after the container started do not count;
 * {@code retries} failures in a row after that make it {@code UNHEALTHY}; a pass makes it healthy again. Pure and
 * single-threaded; the time of each result comes in.
 */
final class HealthStreak {

    private final HealthCheck check;
    private final long startedAtMillis;
    private ContainerHealth health = ContainerHealth.STARTING;
    private int failures;

    HealthStreak(HealthCheck check, long startedAtMillis) {
        this.check = check;
        this.startedAtMillis = startedAtMillis;
    }

    /** Records one probe's result at {@code now}; true when the health changed. */
    boolean record(boolean passed, long now) {
        ContainerHealth before = health;
        if (passed) {
            failures = 0;
            health = ContainerHealth.HEALTHY;
        } else if (now - startedAtMillis >= check.startPeriodSeconds() * 1000L && ++failures >= check.retries()) {
            health = ContainerHealth.UNHEALTHY;
        }
        return health != before;
    }

    ContainerHealth health() {
        return health;
    }

    /** Failures in a row counted (after the start period). */
    int failures() {
        return failures;
    }
}
