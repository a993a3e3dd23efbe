package io.blackstart.drill;

/**
 * One start command on one host, as the simulated engine sees it: pulling its image, starting (engine phase,
 * contended), booting (the app's own time), then running — or failed, timed out, killed. Mutable; owned by the
 * {@link Simulation}; policies read it.
 */
final class StartAttempt {

    /**
     * READYING: running, its readiness delay in progress; CRASHED: exited at the end of its boot because a
     * dependency was not ready, waiting for its in-place restart (only with readiness modelled).
     */
    enum Phase { PULL, ENGINE, BOOT, RUNNING, FAILED, KILLED, READYING, CRASHED }

    final int instance;
    final int host;
    final int attempt;
    final double sentAt;
    Phase phase;
    ProcessorSharing.Job job;
    double deadline = Double.POSITIVE_INFINITY;
    /** The start timeout of its command, in seconds (from the engine phase to the end of boot). */
    int timeoutSeconds;
    /** In an in-place restart after a crash (engine and boot again on its host; no timeout, no outcome). */
    boolean restarting;
    /** Crashes since the last backoff reset (kubelet's CrashLoopBackOff). */
    int crashes;
    /** When its current boot began (the container process runs from then). */
    double bootStartedAt;

    StartAttempt(int instance, int host, int attempt, double sentAt) {
        this.instance = instance;
        this.host = host;
        this.attempt = attempt;
        this.sentAt = sentAt;
    }

    /** True while the start occupies its host's start machinery (pulling or in the engine). */
    boolean contending() {
        return phase == Phase.PULL || phase == Phase.ENGINE;
    }

    /** True until the start reached a final phase. */
    boolean live() {
        return phase == Phase.PULL || phase == Phase.ENGINE || phase == Phase.BOOT;
    }
}
