package io.blackstart.scheduler;

/**
 * Spreads an app's instances: minus {@link #WEIGHT} per instance of the same app already running or starting on
 * the host, so one host's loss takes as few replicas of an app as possible.
 */
public final class SpreadScorer implements PlacementScorer {

    /** Penalty per same-app instance on the host. */
    public static final int WEIGHT = 10;

    @Override
    public String name() {
        return "spread";
    }

    @Override
    public int score(PlacementPolicy.Candidate c, PlacementPolicy.HostState h) {
        return -WEIGHT * h.appInstances().getOrDefault(c.appId(), 0);
    }
}
