package io.blackstart.drill;

/**
 * One fact of a simulation run, for tests and debugging: what happened to which instance on which host, and the
 * host's state right after it.
 *
 * @param time       seconds since power came back
 * @param kind       what happened
 * @param host       host index
 * @param instance   instance index (-1 for host events)
 * @param inFlight   the host's starts pulling or in the engine, after the event
 * @param memoryUsed memory the host has committed (running containers and starts), MiB, after the event
 * @param running    running containers of this instance on all hosts, after the event
 */
record TraceEvent(double time, Kind kind, int host, int instance, int inFlight, long memoryUsed, int running) {

    /**
     * UP: the container runs (boot done); READY: it passed its readiness delay (only with readiness; without it UP
     * is ready); CRASHED: it exited at the end of its boot, a dependency not ready; RESTARTED: its in-place restart
     * entered the engine.
     */
    enum Kind { HOST_UP, START_SENT, MEMORY_FAILED, PULL_DONE, ENGINE_DONE, UP, TIMED_OUT, KILLED, STOPPED, READY,
        CRASHED, RESTARTED }
}
