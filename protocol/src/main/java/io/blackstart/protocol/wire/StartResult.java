package io.blackstart.protocol.wire;

/** How a start ended on the agent. */
public enum StartResult {
    /** The container is running. */
    STARTED,
    /** Creating or starting failed (the detail says why). */
    FAILED,
    /** The start did not complete within the instance's start timeout. */
    TIMED_OUT,
    /** The agent refused the command without trying (no credit, wrong node, shutting down). */
    REJECTED
}
