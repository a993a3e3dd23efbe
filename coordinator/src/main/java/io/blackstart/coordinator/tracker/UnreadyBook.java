package io.blackstart.coordinator.tracker;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Per app, the time its instances spent running but not ready ({@code running-unready} or {@code needs-attention}):
 * a period opens when an instance is first seen in one of those states and closes when it is seen in any other (up,
 * or gone down). Pure, single-threaded, {@code now} comes in; memory is one entry per instance in such a period and
 * one per app that ever had one (apps no longer desired are dropped).
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
    private final Map<String, int[]> now = new HashMap<>();

    void observe(long at, Collection<TrackedInstance> instances) {
        Set<String> present = new HashSet<>();
        Set<String> desiredApps = new HashSet<>();
        now.clear();
        for (TrackedInstance i : instances) {
            present.add(i.instanceId());
            desiredApps.add(i.appId());
            boolean unready = "running-unready".equals(i.state());
            boolean attention = "needs-attention".equals(i.state());
            if (unready || attention) {
                App a = apps.computeIfAbsent(i.appId(), k -> new App());
                a.tier = i.tier();
                if (openSince.putIfAbsent(i.instanceId(), at) == null) {
                    a.spans++;
                    appOfOpen.put(i.instanceId(), i.appId());
                }
                if (attention && i.failure() != null) {
                    a.lastDetail = i.failure();
                }
                now.computeIfAbsent(i.appId(), k -> new int[2])[attention ? 1 : 0]++;
            } else {
                close(i.instanceId(), at);
            }
        }
        for (String id : new ArrayList<>(openSince.keySet())) {
            if (!present.contains(id)) {
                close(id, at);
            }
        }
        apps.keySet().retainAll(desiredApps);
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
