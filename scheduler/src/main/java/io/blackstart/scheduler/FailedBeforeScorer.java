package io.blackstart.scheduler;

/**
 * Retries elsewhere where possible: a candidate whose start already failed on this host scores
 * {@code -}{@link #WEIGHT}, so any other candidate of the same band is preferred on this host, and the retry goes to
 * another host that has a slot. It is a scorer, not a filter: when this host is the only one left, the retry may
 * still come back to it.
 */
public final class FailedBeforeScorer implements PlacementScorer {

    /** Penalty of a host where the candidate failed before; dominates image locality and spread. */
    public static final int WEIGHT = 1_000;

    @Override
    public String name() {
        return "failed-here-before";
    }

    @Override
    public int score(PlacementPolicy.Candidate c, PlacementPolicy.HostState h) {
        return c.failedOn().contains(h.nodeId()) ? -WEIGHT : 0;
    }
}
