package io.blackstart.protocol.wire;

/**
 * Readiness of a running managed container as its agent sees it: from the app's {@code health} probe, which the
 * agent runs, or else from the image's Docker {@code HEALTHCHECK}.
 */
public enum ContainerHealth {
    /** No health check (neither in the spec nor in the image): running means ready. */
    NONE,
    /** Checked, and the check has not passed yet (or the agent has not probed it yet). */
    STARTING,
    /** The last check passed: ready. */
    HEALTHY,
    /** The check failed {@code retries} times in a row after the start period: needs an operator's attention. */
    UNHEALTHY;

    /** True when a running container in this health serves: no check, or the last check passed. */
    public boolean ready() {
        return this == NONE || this == HEALTHY;
    }
}
