package io.blackstart.scheduler;

import io.blackstart.protocol.Tier;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The placement stack: named filters and scorers that pick the best pending instance for one host that has a free
 * start slot (late binding, as Sparrow). Pure and stateless; the {@link Ledger} owns the queues it feeds it from, and
 * {@link #choose} is the one placement decision it makes for the ready set.
 *
 * <p><b>Goals.</b> Start what matters first; restart in place where a stopped container exists; avoid image pulls;
 * spread an app's instances; retry on another host; never exceed a host's memory.
 *
 * <p><b>Constraints.</b> O(1) work per candidate; at most {@link #WINDOW} feasible candidates and {@link #SCAN_LIMIT}
 * candidates in all per decision, so a placement costs O(log n) in the ledger's ordered queues plus a constant.
 * Every decision is explainable by rule names.
 *
 * <p><b>Algorithm.</b> The ledger hands over its ready queue from the head, in start order; only the leading
 * (tier, priority) band competes — order beats locality. Stages, in order:
 * <ol>
 *   <li>An instance that waits for a dependency is skipped (the ledger parks it once it reaches the head).</li>
 *   <li><i>Filters</i> ({@link MemoryFilter}): drop what this host cannot take now. A filter runs before scoring
 *       because a candidate that does not fit must never win on points.</li>
 *   <li><i>Pull budget</i>: while the cluster-wide budget of pulls is spent, a candidate whose image the host lacks
 *       is held (rule {@code pull-budget}); the budget depends on every host's outstanding pulls, so the ledger says
 *       whether it is spent.</li>
 *   <li><i>Scorers</i> ({@link FailedBeforeScorer}, {@link ImageLocalityScorer}, {@link SpreadScorer}): summed;
 *       the highest total wins, ties go to the earlier candidate (start order), so equal candidates keep FIFO.</li>
 * </ol>
 * Restart-in-place is not a scorer: the ledger reserves an instance whose stopped container sits on a live host for
 * that host (its per-host queue), because any other host would pay a pull and leave a second container behind.
 */
public final class PlacementPolicy {

    /** How many feasible candidates of the leading band are scored per decision. */
    public static final int WINDOW = 32;
    /** Bound on candidates examined per decision, feasible or not. */
    public static final int SCAN_LIMIT = 4 * WINDOW;

    /** A pending instance as the policy sees it. Collections are read-only views. */
    public record Candidate(String instanceId, String appId, Tier tier, int priority, long memoryMb, String image,
                            Set<String> containerHosts, Set<String> failedOn) {
    }

    /** A host with a free slot as the policy sees it. Collections are read-only views. */
    public record HostState(String nodeId, int freeCredit, long freeMemoryMb, Set<String> images,
                            Map<String, Integer> appInstances) {
    }

    /** An instance of the ledger's ready queue, as {@link #choose} reads it. */
    interface Queued {

        /** Its rank without the instance index: tier, then priority. Equal bands compete on score. */
        long band();

        /** True while a dependency holds it (none of a dependency's instances is up, or all of one failed). */
        boolean waitsForDependency();

        /** The policy's view of it. */
        Candidate candidate();
    }

    /**
     * The decision for one host.
     *
     * @param chosen           the instance to start there, or null when none of the leading band may go there now
     * @param heldByPullBudget true when some candidate would have fitted but needed a pull while the budget was spent
     */
    record Choice<T>(T chosen, boolean heldByPullBudget) {
    }

    private final List<PlacementFilter> filters = List.of(new MemoryFilter());
    private final List<PlacementScorer> scorers =
            List.of(new FailedBeforeScorer(), new ImageLocalityScorer(), new SpreadScorer());

    /**
     * Picks, for one host, the best instance of the leading band of a ready queue: skips what waits for a
     * dependency, what a filter rejects and (while {@code pullBudgetSpent}) what needs a pull; the best total score
     * of the first {@link #WINDOW} feasible candidates wins, the earlier one on a tie.
     *
     * @param queue           the ready queue from its head, in start order
     * @param pullBudgetSpent whether the cluster-wide pull budget is spent
     */
    <T extends Queued> Choice<T> choose(HostState host, Iterable<T> queue, boolean pullBudgetSpent) {
        T best = null;
        int bestScore = Integer.MIN_VALUE;
        boolean held = false;
        long band = 0;
        int feasible = 0;
        int scanned = 0;
        for (T q : queue) {
            if (scanned == 0) {
                band = q.band();
            }
            if (q.band() != band || ++scanned > SCAN_LIMIT) {
                break;
            }
            if (q.waitsForDependency()) {
                continue;
            }
            Candidate c = q.candidate();
            if (!fits(c, host)) {
                continue;
            }
            if (pullBudgetSpent && !host.images().contains(c.image())) {
                held = true;
                continue; // pull-budget: the registry is busy; this one waits for a host that has its image
            }
            int s = score(c, host);
            if (s > bestScore) {
                best = q;
                bestScore = s;
            }
            if (++feasible >= WINDOW) {
                break;
            }
        }
        return new Choice<>(best, held);
    }

    /** True when every filter lets the candidate onto the host now. */
    boolean fits(Candidate c, HostState h) {
        for (PlacementFilter f : filters) {
            if (!f.passes(c, h)) {
                return false;
            }
        }
        return true;
    }

    /** Sum of all scorers. */
    int score(Candidate c, HostState h) {
        int s = 0;
        for (PlacementScorer sc : scorers) {
            s += sc.score(c, h);
        }
        return s;
    }

    /** The decision for an assignment, every non-zero score by rule name, e.g. {@code "tier=app prio=0 image-locality=+100"}. */
    String explain(Candidate c, HostState h, String leadingRule) {
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
}
