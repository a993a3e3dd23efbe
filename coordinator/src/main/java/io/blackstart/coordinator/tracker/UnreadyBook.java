package io.blackstart.coordinator.tracker;

import io.blackstart.scheduler.InstanceState;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Per app, the time its instances spent running but not ready ({@code running-unready} or {@code needs-attention}):
 * a period opens at the transition into one of those states and closes at the transition out of them (up, or gone
 * down). Pure, single-threaded, time comes in with every call; memory is one entry per instance in such a period
 * and one per app that ever had one (apps no longer desired are dropped).
 */
public final class UnreadyBook {

    private static final class App {
        String tier;
        int spans;
        long closedMillis;
        long longestMillis;
        String lastDetail;
    }

    private final Map<String, Long> openSince = new HashMap<>();
    private final Map<String, String> appOfOpen = new HashMap<>();
    private final Map<String, App> apps = new TreeMap<>();
    /** Per app: instances unready, needing attention now. */
    private final Map<String, int[]> now = new HashMap<>();
    /** The slot of {@link #now} each unready instance is counted in, and its app. */
    private final Map<String, Integer> counted = new HashMap<>();
    private final Map<String, String> appOfCounted = new HashMap<>();

    /** Instance {@code instanceId} of {@code appId} moved to {@code to}, for {@code reason}. */
    void transition(String instanceId, String appId, String tier, InstanceState to, String reason, long at) {
        Integer was = counted.remove(instanceId);
        if (was != null) {
            int[] n = now.get(appOfCounted.remove(instanceId));
            if (n != null) {
                n[was]--;
            }
        }
        boolean unready = to == InstanceState.RUNNING_UNREADY;
        boolean attention = to == InstanceState.NEEDS_ATTENTION;
        if (!unready && !attention) {
            close(instanceId, at);
            return;
        }
        App a = apps.computeIfAbsent(appId, k -> new App());
        a.tier = tier;
        if (openSince.putIfAbsent(instanceId, at) == null) {
            a.spans++;
            appOfOpen.put(instanceId, appId);
        }
        if (attention && reason != null) {
            a.lastDetail = reason;
        }
        int slot = attention ? 1 : 0;
        now.computeIfAbsent(appId, k -> new int[2])[slot]++;
        counted.put(instanceId, slot);
        appOfCounted.put(instanceId, appId);
    }

    /** The catalog removed {@code instanceId}: its open period ends. */
    void removed(String instanceId, long at) {
        transition(instanceId, null, null, null, null, at);
    }

    /** {@code appId} is no longer desired. */
    void forget(String appId) {
        apps.remove(appId);
        now.remove(appId);
    }

    private void close(String instanceId, long at) {
        Long since = openSince.remove(instanceId);
        if (since == null) {
            return;
        }
        App a = apps.get(appOfOpen.remove(instanceId));
        if (a != null) {
            long span = Math.max(0, at - since);
            a.closedMillis += span;
            a.longestMillis = Math.max(a.longestMillis, span);
        }
    }

    /** Every app that had running-but-unready time, by app id, open periods counted up to {@code at}. */
    List<AppUnready> apps(long at) {
        Map<String, long[]> open = new HashMap<>();
        openSince.forEach((id, since) -> {
            long[] o = open.computeIfAbsent(appOfOpen.get(id), k -> new long[2]);
            long span = Math.max(0, at - since);
            o[0] += span;
            o[1] = Math.max(o[1], span);
        });
        List<AppUnready> out = new ArrayList<>(apps.size());
        apps.forEach((id, a) -> {
            long[] o = open.getOrDefault(id, new long[2]);
            int[] n = now.getOrDefault(id, new int[2]);
            out.add(new AppUnready(id, a.tier, a.spans, a.closedMillis + o[0], Math.max(a.longestMillis, o[1]), n[0],
                    n[1], a.lastDetail));
        });
        return out;
    }
}
