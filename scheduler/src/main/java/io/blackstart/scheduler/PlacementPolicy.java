package io.blackstart.scheduler;

import io.blackstart.protocol.Tier;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiPredicate;

/**
 * Picks the best pending instance for one host that has a free start slot (late binding).
 *
 * <p><b>Goals.</b> Start what matters first; restart in place where a stopped container exists; avoid image
 * pulls; spread an app's instances; never exceed the host's memory.
 *
 * <p><b>Algorithm.</b> Candidates arrive in start order (tier, priority, app, index). Filters drop what this
 * host cannot take (memory, instance held by a live container elsewhere). Among the feasible candidates of the
 * first (tier, priority) band, within a bounded window, scorers rank: restart-in-place, image present,
 * fewer instances of the same app on the host, not failed here before. The chosen candidate's explanation names
 * the rules that decided.
 */
public class PlacementPolicy {

    /** How many feasible candidates of the leading band are scored per decision. */
    static final int WINDOW = 64;

    /** A pending instance as the policy sees it. */
    public record Candidate(String instanceId, String appId, Tier tier, int priority, long memoryMb, String image,
                            Set<String> containerHosts, Set<String> failedOn) {
    }

    /** A host with a free slot as the policy sees it. */
    public record HostState(String nodeId, int freeCredit, long freeMemoryMb, Set<String> images,
                            Map<String, Integer> appInstances) {
    }

    /** The decision and why. */
    public record Choice(String instanceId, String explanation) {
    }

    /**
     * @param candidates    pending eligible instances, in start order
     * @param liveElsewhere (instanceId, nodeId) → true if the instance has a container on another live host,
     *                      which should restart it in place
     * @return the choice, or null when nothing fits this host
     */
    public Choice choose(HostState host, List<Candidate> candidates, BiPredicate<String, String> liveElsewhere) {
        Candidate best = null;
        int bestScore = Integer.MIN_VALUE;
        String bestWhy = null;
        int seen = 0;
        for (Candidate c : candidates) {
            if (best != null && (c.tier() != best.tier() || c.priority() != best.priority())) {
                break; // only the leading band competes: order beats locality
            }
            if (c.memoryMb() > host.freeMemoryMb()) {
                continue; // filter: memory
            }
            boolean inPlace = c.containerHosts().contains(host.nodeId());
            if (!inPlace && liveElsewhere.test(c.instanceId(), host.nodeId())) {
                continue; // filter: its stopped container waits on another live host
            }
            int score = 0;
            StringBuilder why = new StringBuilder("tier=").append(c.tier().wireName()).append(" prio=").append(c.priority());
            if (inPlace) {
                score += 1000;
                why.append(" restart-in-place");
            } else if (host.images().contains(c.image())) {
                score += 100;
                why.append(" image-present");
            }
            int same = host.appInstances().getOrDefault(c.appId(), 0);
            score -= 10 * same;
            if (same > 0) {
                why.append(" spread-penalty=").append(same);
            }
            if (c.failedOn().contains(host.nodeId())) {
                score -= 500;
                why.append(" failed-here-before");
            }
            if (score > bestScore) {
                best = c;
                bestScore = score;
                bestWhy = why.toString();
            }
            if (++seen >= WINDOW) {
                break;
            }
        }
        return best == null ? null : new Choice(best.instanceId(), bestWhy);
    }
}
