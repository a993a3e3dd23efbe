package io.blackstart.scheduler;

/**
 * One rule that can reject a candidate instance for a host (Nomad's feasibility checker, a Kubernetes filter
 * plugin). Filters are pure and cheap: they are asked once per candidate scanned, O(1) each.
 */
public interface PlacementFilter {

    /** True when the candidate may be placed on the host. The hot path: must not allocate. */
    boolean passes(PlacementPolicy.Candidate candidate, PlacementPolicy.HostState host);
}
