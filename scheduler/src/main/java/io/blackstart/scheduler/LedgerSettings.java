package io.blackstart.scheduler;

/**
 * Tunables of the {@link Ledger}. All durations in milliseconds.
 *
 * @param maxAttempts          attempts before an instance is {@link InstanceState#FAILED}
 * @param backoffBaseMillis    delay before the 2nd attempt; doubles per attempt (with jitter)
 * @param backoffMaxMillis     upper bound of the retry delay
 * @param outcomeGraceMillis   added to an instance's start timeout before a start with no outcome counts as timed out
 * @param hostPenaltyFailures  failures within {@code hostPenaltyWindowMillis} after which a host gets no new starts
 * @param hostPenaltyWindowMillis window for counting a host's failures
 * @param hostPenaltyMillis    how long a penalised host is skipped
 * @param maxPullsInFlight     cluster-wide cap on outstanding starts that need an image pull (the registry is shared
 *                             by every host: beyond a few dozen concurrent pulls each one only gets slower, and an
 *                             instance pulled elsewhere may have been restartable in place minutes later); size it
 *                             so that {@code maxPullsInFlight × typical image ÷ registry bandwidth} is a few seconds
 * @param pullTimeoutMillis    the agents' bound on one image pull: a start placed on a host without its image may
 *                             take this long more before its start timeout begins (the agent's start timeout
 *                             excludes the pull), so its outcome is awaited that much longer
 * @param maxStartTimeoutFactor how far start timeouts may grow: a start that times out is evidence that the timeouts
 *                             are too short for this recovery (every host booting at once, from cold caches), not
 *                             that the app is broken, so every later attempt gets twice the multiple of the spec's
 *                             {@code startTimeoutSeconds} that the timed-out one had, up to this multiple; the
 *                             timeout travels to the agent in the assignment's {@code ContainerSpec}
 *                             ({@code StartInstance.container}), and the ledger awaits the outcome that much
 *                             longer. 1: never grows
 */
public record LedgerSettings(int maxAttempts, long backoffBaseMillis, long backoffMaxMillis, long outcomeGraceMillis,
                             int hostPenaltyFailures, long hostPenaltyWindowMillis, long hostPenaltyMillis,
                             int maxPullsInFlight, long pullTimeoutMillis, int maxStartTimeoutFactor) {

    /**
     * Default cluster-wide pull cap when none is given: 16, measured in the drill (seed 42; 64 before). Once a few
     * pulls saturate the registry more only share it: each pull takes longer, its start holds a credit of its host
     * meanwhile, and the instance is bound to that host minutes before it could start. 16 against 64: big-images
     * 13m40s → 12m56s, incident 1m53s → 1m43s, the other presets within 0.1%; 4 and 8 made dense 12% and 3% slower.
     */
    public static final int DEFAULT_MAX_PULLS_IN_FLIGHT = 16;
    /** Default pull bound: the agent's default {@code pull-timeout}. */
    public static final long DEFAULT_PULL_TIMEOUT_MILLIS = 10 * 60_000;

    /**
     * Default bound on start timeout growth: 8× the spec's (a 60 s timeout grows to 120, 240, 480 s over three
     * waves of timed-out starts, within the default 5 attempts). Measured in the drill (seed 42): slow-boot (boots
     * 5× longer than before, timeouts unchanged) went from incomplete (5,867 of 8,988 up) to complete in 9m06s;
     * 16 measured the same; growing one app's timeout on its own timeouts only, 11m09s.
     */
    public static final int DEFAULT_MAX_START_TIMEOUT_FACTOR = 8;

    public static LedgerSettings defaults() {
        return new LedgerSettings(5, 1_000, 60_000, 10_000, 5, 300_000, 60_000, DEFAULT_MAX_PULLS_IN_FLIGHT,
                DEFAULT_PULL_TIMEOUT_MILLIS, DEFAULT_MAX_START_TIMEOUT_FACTOR);
    }

    /** The settings without a timeout growth bound: {@link #DEFAULT_MAX_START_TIMEOUT_FACTOR}. */
    public LedgerSettings(int maxAttempts, long backoffBaseMillis, long backoffMaxMillis, long outcomeGraceMillis,
                          int hostPenaltyFailures, long hostPenaltyWindowMillis, long hostPenaltyMillis,
                          int maxPullsInFlight, long pullTimeoutMillis) {
        this(maxAttempts, backoffBaseMillis, backoffMaxMillis, outcomeGraceMillis, hostPenaltyFailures,
                hostPenaltyWindowMillis, hostPenaltyMillis, maxPullsInFlight, pullTimeoutMillis,
                DEFAULT_MAX_START_TIMEOUT_FACTOR);
    }

    /** These settings with another bound on start timeout growth. */
    public LedgerSettings withMaxStartTimeoutFactor(int factor) {
        return new LedgerSettings(maxAttempts, backoffBaseMillis, backoffMaxMillis, outcomeGraceMillis,
                hostPenaltyFailures, hostPenaltyWindowMillis, hostPenaltyMillis, maxPullsInFlight, pullTimeoutMillis,
                factor);
    }

    /** The settings without a pull cap argument: {@link #DEFAULT_MAX_PULLS_IN_FLIGHT}. */
    public LedgerSettings(int maxAttempts, long backoffBaseMillis, long backoffMaxMillis, long outcomeGraceMillis,
                          int hostPenaltyFailures, long hostPenaltyWindowMillis, long hostPenaltyMillis) {
        this(maxAttempts, backoffBaseMillis, backoffMaxMillis, outcomeGraceMillis, hostPenaltyFailures,
                hostPenaltyWindowMillis, hostPenaltyMillis, DEFAULT_MAX_PULLS_IN_FLIGHT, DEFAULT_PULL_TIMEOUT_MILLIS);
    }

    public LedgerSettings {
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("maxAttempts must be >= 1");
        }
        if (backoffBaseMillis < 0 || backoffMaxMillis < backoffBaseMillis) {
            throw new IllegalArgumentException("backoff must satisfy 0 <= base <= max");
        }
        if (maxPullsInFlight < 1) {
            throw new IllegalArgumentException("maxPullsInFlight must be >= 1");
        }
        if (maxStartTimeoutFactor < 1) {
            throw new IllegalArgumentException("maxStartTimeoutFactor must be >= 1");
        }
        if (outcomeGraceMillis < 0 || pullTimeoutMillis < 0) {
            throw new IllegalArgumentException("outcome grace and pull timeout must be >= 0");
        }
    }
}
