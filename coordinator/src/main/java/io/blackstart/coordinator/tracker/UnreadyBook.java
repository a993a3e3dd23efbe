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
 * (what is unready now is counted from them) and one per app that ever had one (apps no longer desired are dropped).
 */
public final class UnreadyBook {

    private static final class App {
        String tier;
        int spans;
        long closedMillis;
        long longestMillis;
        String lastDetail;
    }

    /** An instance in a period: its app, since when, and whether it needs attention (else it is unready). */
    private static final class Open {
        final String appId;
        final long since;
        boolean attention;

        Open(String appId, long since) {
            this.appId = appId;
            this.since = since;
        }
    }

    private final Map<String, Open> open = new HashMap<>();
    private final Map<String, App> apps = new TreeMap<>();

    /** Instance {@code instanceId} of {@code appId} moved to {@code to}, for {@code reason}. */
    void transition(String instanceId, String appId, String tier, InstanceState to, String reason, long at) {
        boolean unready = to == InstanceState.RUNNING_UNREADY;
        boolean attention = to == InstanceState.NEEDS_ATTENTION;
        if (!unready && !attention) {
            close(instanceId, at);
            return;
        }
        App a = apps.computeIfAbsent(appId, k -> new App());
        a.tier = tier;
        Open o = open.get(instanceId);
        if (o == null) {
            o = new Open(appId, at);
            open.put(instanceId, o);
            a.spans++;
        }
        o.attention = attention;
        if (attention && reason != null) {
            a.lastDetail = reason;
        }
    }

    /** The catalog removed {@code instanceId}: its open period ends. */
    void removed(String instanceId, long at) {
        transition(instanceId, null, null, null, null, at);
    }

    /** {@code appId} is no longer desired. */
    void forget(String appId) {
        apps.remove(appId);
    }

    private void close(String instanceId, long at) {
        Open o = open.remove(instanceId);
        if (o == null) {
            return;
        }
        App a = apps.get(o.appId);
        if (a != null) {
            long span = Math.max(0, at - o.since);
            a.closedMillis += span;
            a.longestMillis = Math.max(a.longestMillis, span);
        }
    }

    /** Every app that had running-but-unready time, by app id, open periods counted up to {@code at}. */
    List<AppUnready> apps(long at) {
        // per app: {open time, longest open period, instances unready now, needing attention now}
        Map<String, long[]> byApp = new HashMap<>();
        open.values().forEach(o -> {
            long[] t = byApp.computeIfAbsent(o.appId, k -> new long[4]);
            long span = Math.max(0, at - o.since);
            t[0] += span;
            t[1] = Math.max(t[1], span);
            t[o.attention ? 3 : 2]++;
        });
        List<AppUnready> out = new ArrayList<>(apps.size());
        apps.forEach((id, a) -> {
            long[] t = byApp.getOrDefault(id, new long[4]);
            out.add(new AppUnready(id, a.tier, a.spans, a.closedMillis + t[0], Math.max(a.longestMillis, t[1]),
                    (int) t[2], (int) t[3], a.lastDetail));
        });
        return out;
    }
}
