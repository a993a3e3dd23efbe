package io.blackstart.protocol.wire;

/** State of a managed container as the agent sees it in the Docker engine. */
public enum ContainerState {
    /** Created but never started. */
    CREATED,
    /** Running (or restarting/paused: a process exists). */
    RUNNING,
    /** Exited, stopped or dead: a restart in place is possible. */
    STOPPED
}
