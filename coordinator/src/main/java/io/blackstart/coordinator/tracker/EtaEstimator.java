package io.blackstart.coordinator.tracker;

import io.blackstart.protocol.AppSpec;

import java.util.ArrayDeque;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;

/**
 * When the recovery will be done, from the remaining work and the measured pace — never from memory use.
 *
 * <p><b>Model.</b> Two bounds, the larger wins:
 * <ul>
 *   <li><i>capacity</i>: the remaining starts at the measured throughput, {@code remaining / startsPerSecond};</li>
 *   <li><i>ordering</i>: the remaining levels of the start order (the platform gate, then the dependency chain:
 *       an app waits for the apps it depends on) each take at least one start, so
 *       {@code levels × meanStartSeconds}.</li>
 * </ul>
 * Failed instances are not remaining work (they wait for an operator). The ETA is unknown (empty) while something
 * remains and nothing has come up in the window: a guess would be worse than no answer. Pure; no clock.
 */
public final class EtaEstimator {

    private EtaEstimator() {
    }

    /**
     * @param remaining        instances neither running nor failed
     * @param startsPerSecond  measured starts per second over the sliding window
     * @param remainingLevels  levels of the start order still to go ({@link #remainingLevels})
     * @param meanStartSeconds measured mean duration of one start (0 when not measured yet)
     * @return seconds until every remaining instance runs; empty when unknown
     */
    public static OptionalLong etaSeconds(int remaining, double startsPerSecond, int remainingLevels,
                                          double meanStartSeconds) {
        if (remaining <= 0) {
            return OptionalLong.of(0);
        }
        if (!(startsPerSecond > 0)) {
            return OptionalLong.empty();
        }
        double capacity = remaining / startsPerSecond;
        double ordering = Math.max(0, remainingLevels) * Math.max(0, meanStartSeconds);
        return OptionalLong.of((long) Math.ceil(Math.max(capacity, ordering)));
    }

    /**
     * Levels of the start order still to go: the longest chain of apps not yet all running, counting the platform
     * gate (no other tier starts before every platform instance runs or failed) as one level.
     *
     * @param notUp     apps with an instance neither running nor failed
     * @param tierOf    app → tier wire name
     * @param dependsOn app → the apps it depends on
     * @return 0 when nothing remains
     */
    public static int remainingLevels(Set<String> notUp, Map<String, String> tierOf, Map<String, List<String>> dependsOn) {
        if (notUp.isEmpty()) {
            return 0;
        }
        boolean platformLeft = notUp.stream().anyMatch(a -> "platform".equals(tierOf.get(a)));
        // iterative post-order DFS, each app and edge once (a 20,000-app chain needs no deep stack)
        Map<String, Integer> memo = new HashMap<>();
        Set<String> inProgress = new HashSet<>();
        ArrayDeque<String> apps = new ArrayDeque<>();
        ArrayDeque<int[]> next = new ArrayDeque<>(); // per app on the stack: {next edge, best level below}
        int max = 0;
        for (String root : notUp) {
            if (memo.containsKey(root)) {
                continue;
            }
            apps.push(root);
            next.push(new int[]{0, base(root, tierOf, platformLeft)});
            inProgress.add(root);
            while (!apps.isEmpty()) {
                String app = apps.peek();
                int[] st = next.peek();
                List<String> deps = dependsOn.getOrDefault(app, List.of());
                if (st[0] < deps.size()) {
                    String dep = deps.get(st[0]++);
                    if (!notUp.contains(dep) || inProgress.contains(dep)) {
                        continue; // up already, or a cycle (a validation error upstream): never loop on one
                    }
                    Integer known = memo.get(dep);
                    if (known != null) {
                        st[1] = Math.max(st[1], known);
                    } else {
                        apps.push(dep);
                        next.push(new int[]{0, base(dep, tierOf, platformLeft)});
                        inProgress.add(dep);
                    }
                    continue;
                }
                apps.pop();
                next.pop();
                inProgress.remove(app);
                int l = st[1] + 1;
                memo.put(app, l);
                max = Math.max(max, l);
                if (!next.isEmpty()) {
                    next.peek()[1] = Math.max(next.peek()[1], l);
                }
            }
        }
        return max;
    }

    private static int base(String app, Map<String, String> tierOf, boolean platformLeft) {
        return platformLeft && !"platform".equals(tierOf.get(app)) ? 1 : 0;
    }

    /** App id → the apps it depends on, for {@link #remainingLevels}. */
    public static Map<String, List<String>> dependencies(Collection<AppSpec> apps) {
        Map<String, List<String>> out = new HashMap<>();
        for (AppSpec a : apps) {
            out.put(a.id(), a.dependsOn());
        }
        return out;
    }
}
