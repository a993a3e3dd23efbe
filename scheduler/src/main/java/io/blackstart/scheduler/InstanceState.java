package io.blackstart.scheduler;

/**
 * Life cycle of one desired instance in the {@link Ledger}.
 *
 * <pre>
 * PENDING --plan--> ASSIGNED --recorded--> STARTING --STARTED--> RUNNING
 *    ^                 |                      |                     |
 *    +--conflict-------+     failure/timeout--+ (retry w/ backoff)  +-- container gone --> PENDING
 *                                              \-- attempts exhausted --> FAILED
 * </pre>
 */
public enum InstanceState {
    /** Desired, not running, waiting for a host (possibly in backoff after a failed attempt). */
    PENDING,
    /** Placed on a host by the policy; the assignment is being recorded (etcd compare-and-set). */
    ASSIGNED,
    /** The start command was sent; waiting for the agent's outcome. */
    STARTING,
    /** A container for the instance runs on a host. */
    RUNNING,
    /** Gave up after the configured number of attempts; the reason is kept. */
    FAILED
}
