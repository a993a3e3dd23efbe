package io.blackstart.scheduler;

/**
 * One named rule that scores a feasible candidate for a host; higher is better. The policy sums the scores of
 * all scorers; each contribution is reported by name in the decision's explanation.
 */
public interface PlacementScorer {

    /** Stable rule name used in explanations, e.g. {@code "image-locality"}. */
    String name();

    /** The contribution of this rule, 0 when it has no opinion. Must be O(1). */
    int score(PlacementPolicy.Candidate candidate, PlacementPolicy.HostState host);
}
