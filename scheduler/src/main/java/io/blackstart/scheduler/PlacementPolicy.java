package io.blackstart.scheduler;

import io.blackstart.protocol.Tier;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiPredicate;

/**
 * The placement stack: named filters and scorers that pick the best pending instance for one host that has a free
 * start slot (late binding, as Sparrow). Pure and stateless; the {@link Ledger} owns the queues it feeds it from.
 *
 * <p><b>Goals.</b> Start what matters first; restart in place where a stopped container exists; avoid image pulls;
 * spread an app's instances; retry on another host; never exceed a host's memory.
 *
 * <p><b>Constraints.</b> O(1) work per candidate; at most {@link #WINDOW} candidates per decision, so a placement
 * costs O(log n) in the ledger's ordered queues plus a constant. Every decision is explainable by rule names.
 *
 * <p><b>Algorithm.</b> The ledger hands over candidates of the leading (tier, priority) band only — order beats
 * locality. Stages, in order:
 * <ol>
 *   <li><i>Filters</i> ({@link MemoryFilter}): drop what this host cannot take now. A filter runs before scoring
 *       because a candidate that does not fit must never win on points.</li>
 *   <li><i>Scorers</i> ({@link FailedBeforeScorer}, {@link ImageLocalityScorer}, {@link SpreadScorer}): summed;
 *       the highest total wins, ties go to the earlier candidate (start order), so equal candidates keep FIFO.</li>
 * </ol>
 * Restart-in-place is not a scorer: the ledger reserves an instance whose stopped container sits on a live host for
 * that host (its per-host queue), because any other host would pay a pull and leave a second container behind.
 * The cluster-wide pull budget is not a filter of this stack either: it depends on every host's outstanding pulls,
 * which only the ledger knows, so the ledger applies it after the filters (rule {@code pull-budget}).
 */
public class PlacementPolicy {

    /** How many feasible candidates of the leading band are scored per decision. */
    public static final int WINDOW = 32;

    /** A pending instance as the policy sees it. Collections are read-only views. */
    public record Candidate(String instanceId, String appId, Tier tier, int priority, long memoryMb, String image,
                            Set<String> containerHosts, Set<String> failedOn) {
    }

    /** A host with a free slot as the policy sees it. Collections are read-only views. */
    public record HostState(String nodeId, int freeCredit, long freeMemoryMb, Set<String> images,
                            Map<String, Integer> appInstances) {
    }

    /** The decision and why. */
    public record Choice(String instanceId, String explanation) {
    }

    private final List<PlacementFilter> filters;
    private final List<PlacementScorer> scorers;

    /** The default stack: memory filter; failed-here-before, image-locality and spread scorers. */
    public PlacementPolicy() {
        this(List.of(new MemoryFilter()),
                List.of(new FailedBeforeScorer(), new ImageLocalityScorer(), new SpreadScorer()));
    }

    /** A custom stack (tests compose single rules). */
    public PlacementPolicy(List<PlacementFilter> filters, List<PlacementScorer> scorers) {
        this.filters = List.copyOf(filters);
        this.scorers = List.copyOf(scorers);
    }

    /** The first filter rejecting the candidate on this host, or null if every filter passes. */
    public PlacementFilter rejectedBy(Candidate c, HostState h) {
        for (PlacementFilter f : filters) {
            if (!f.passes(c, h)) {
                return f;
            }
        }
        return null;
    }

    /** Sum of all scorers. */
    public int score(Candidate c, HostState h) {
        int s = 0;
        for (PlacementScorer sc : scorers) {
            s += sc.score(c, h);
        }
        return s;
    }

    /** The decision for an assignment, every non-zero score by rule name, e.g. {@code "tier=app prio=0 image-locality=+100"}. */
    public String explain(Candidate c, HostState h, String leadingRule) {
        StringBuilder why = new StringBuilder("tier=").append(c.tier().wireName()).append(" prio=").append(c.priority());
        if (leadingRule != null) {
            why.append(' ').append(leadingRule);
        }
        for (PlacementScorer sc : scorers) {
            int s = sc.score(c, h);
            if (s != 0) {
                why.append(' ').append(sc.name()).append('=').append(s > 0 ? "+" : "").append(s);
            }
        }
        return why.toString();
    }

    /**
     * Picks among candidates of one band (already in start order): filters, then the best total score.
     *
     * @return the choice, or null when no candidate passes the filters
     */
    public Choice choose(HostState host, Iterable<Candidate> band) {
        Candidate best = null;
        int bestScore = Integer.MIN_VALUE;
        int seen = 0;
        for (Candidate c : band) {
            if (rejectedBy(c, host) != null) {
                continue;
            }
            int s = score(c, host);
            if (s > bestScore) {
                best = c;
                bestScore = s;
            }
            if (++seen >= WINDOW) {
                break;
            }
        }
        return best == null ? null : new Choice(best.instanceId(), explain(best, host, null));
    }

    /**
     * Compatibility form of {@link #choose(HostState, Iterable)} over candidates of several bands: only the leading
     * band competes, and a candidate whose container waits on another live host ({@code liveElsewhere}) is skipped
     * unless it is in place here.
     */
    public Choice choose(HostState host, List<Candidate> candidates, BiPredicate<String, String> liveElsewhere) {
        Candidate best = null;
        int bestScore = Integer.MIN_VALUE;
        boolean bestInPlace = false;
        int seen = 0;
        for (Candidate c : candidates) {
            if (best != null && (c.tier() != best.tier() || c.priority() != best.priority())) {
                break;
            }
            if (rejectedBy(c, host) != null) {
                continue;
            }
            boolean inPlace = c.containerHosts().contains(host.nodeId());
            if (!inPlace && liveElsewhere.test(c.instanceId(), host.nodeId())) {
                continue;
            }
            int s = score(c, host) + (inPlace ? 10_000 : 0);
            if (s > bestScore) {
                best = c;
                bestScore = s;
                bestInPlace = inPlace;
            }
            if (++seen >= WINDOW) {
                break;
            }
        }
        return best == null ? null
                : new Choice(best.instanceId(), explain(best, host, bestInPlace ? "restart-in-place" : null));
    }
}
