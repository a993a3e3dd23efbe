package io.blackstart.drill;

import io.blackstart.protocol.wire.StartResult;

/**
 * A placement policy under test in the drill: it decides which instance starts on which host, and when, through
 * {@link Simulation#sendStart}. The simulation calls it back on every fact a real scheduler (or its agents) would
 * learn. One instance per run; single-threaded.
 */
interface Policy {

    /** Name used in options and output, e.g. {@code "blackstart"}. */
    String name();

    /** Power is back (t = 0). */
    void begin(Simulation sim);

    /** A host booted and is reachable. */
    void hostUp(int host);

    /** A start left its host's engine (the container process exists; the app boots). Agents learn it. */
    default void engineDone(StartAttempt start) {
    }

    /**
     * The outcome of a start the scheduler still waits for: STARTED when the app is up, FAILED (e.g. memory),
     * TIMED_OUT when it exceeded its start timeout.
     */
    void outcome(StartAttempt start, StartResult result, String detail);

    /**
     * A running container of {@code start} became ready (only with readiness modelled); its agent's next report
     * shows it healthy.
     */
    default void ready(StartAttempt start) {
    }

    /**
     * Whether the system has a start timeout: true, a start that exceeds its app's {@code startTimeoutSeconds} is
     * removed from its host and answered TIMED_OUT (the Blackstart agent, the baselines with a timeout); false,
     * nothing is timed — a slow start runs until it is up (Kubernetes' kubelet, Nomad's docker driver).
     */
    boolean killsOnTimeout();

    /**
     * How long the host waits for an image pull before it fails the start (the Blackstart agent's
     * {@code pull-timeout}); the pull itself carries on for the image's next start. Infinite: never (kubelet and
     * remote schedulers wait for the pull).
     */
    default double pullTimeoutSeconds() {
        return Double.POSITIVE_INFINITY;
    }

    /** True when the policy has nothing left to do (converged, or gave up on what remains). */
    boolean finished();
}
