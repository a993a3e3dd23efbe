package io.blackstart.scheduler;

/**
 * One named rule that can reject a candidate instance for a host (Nomad's feasibility checker, a Kubernetes
 * filter plugin). Filters are pure and cheap: they are asked once per candidate scanned, O(1) each.
 */
public interface PlacementFilter {

    /** Stable rule name used in explanations, e.g. {@code "memory"}. */
    String name();

    /** True when the candidate may be placed on the host. The hot path: must not allocate. */
    boolean passes(PlacementPolicy.Candidate candidate, PlacementPolicy.HostState host);

    /** Why the candidate does not pass, for explanations (only called when {@link #passes} is false). */
    String reason(PlacementPolicy.Candidate candidate, PlacementPolicy.HostState host);

    /**
     * @return null when the candidate may be placed on the host, otherwise a human-readable reason
     */
    default String reject(PlacementPolicy.Candidate candidate, PlacementPolicy.HostState host) {
        return passes(candidate, host) ? null : reason(candidate, host);
    }

    /**
     * True if a rejection may pass later without the candidate changing (e.g. memory frees up), false if it never
     * will on this host (Kubernetes' Unschedulable vs UnschedulableAndUnresolvable).
     */
    boolean mayPassLater();
}
