package io.blackstart.scheduler;

/**
 * Life cycle of one desired instance in the {@link Ledger}.
 *
 * <pre>
 * PENDING --plan--> ASSIGNED --recorded--> STARTING --STARTED--> RUNNING_UNREADY --check passes--> RUNNING
 *    ^                 |                      |                     |        ^                        |
 *    +--conflict-------+     failure/timeout--+ (retry w/ backoff)  |  check fails retries times      |
 *    |                                         \-- attempts exhausted --> FAILED    v                |
 *    |                                                              NEEDS_ATTENTION --check passes---+
 *    +------------------------ container gone or stopped (from any of the three running states) -----+
 * </pre>
 *
 * A container without a health check goes from STARTING straight to RUNNING. Only RUNNING counts as up: it gates
 * dependants and ends downtime. RUNNING_UNREADY and NEEDS_ATTENTION hold their host like RUNNING (the instance has a
 * container there and is never started twice) but are not up; a NEEDS_ATTENTION instance is not restarted.
 */
public enum InstanceState {
    /** Desired, not running, waiting for a host (possibly in backoff after a failed attempt). */
    PENDING,
    /** Placed on a host by the policy; the assignment is being recorded (etcd compare-and-set). */
    ASSIGNED,
    /** The start command was sent; waiting for the agent's outcome. */
    STARTING,
    /** Its container runs but its health check has not passed yet: not up. */
    RUNNING_UNREADY,
    /** Up: its container runs and serves (its health check passed, or it has none). */
    RUNNING,
    /**
     * Its container runs but its health check failed {@code retries} times after the start period: not up, not
     * restarted, listed for operators with the probe's last output; it becomes RUNNING if the check passes later.
     */
    NEEDS_ATTENTION,
    /** Gave up after the configured number of attempts; the reason is kept. */
    FAILED;

    /** True for the states in which the instance has a running container on its host. */
    public boolean hasContainer() {
        return this == RUNNING || this == RUNNING_UNREADY || this == NEEDS_ATTENTION;
    }

    /** True when nothing more is to be done by the scheduler: up, failed, or waiting for an operator. */
    public boolean settled() {
        return this == RUNNING || this == FAILED || this == NEEDS_ATTENTION;
    }

    /** The name used in JSON, the CLI and the dashboard: {@code running-unready}, {@code needs-attention}, ... */
    public String wireName() {
        return name().toLowerCase().replace('_', '-');
    }
}
