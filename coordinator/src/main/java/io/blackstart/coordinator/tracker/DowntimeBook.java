package io.blackstart.coordinator.tracker;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Each app's down periods, from successive observations of its instances (see {@link AppDowntime} for what
 * "down" means). A period opens when the app is first seen not fully running — dated back to the earliest known
 * stop time of its instances that are down — and closes when every instance runs again. Single-threaded;
 * {@code now} comes in.
 */
public final class DowntimeBook {

    private static final class App {
        String tier;
        int instances;
        long openSince = -1;
        long firstDown;
        long lastUp;
        long closedMillis;
        int periods;
    }

    private final Map<String, App> apps = new TreeMap<>();

    /** Every desired instance now; apps no longer desired are forgotten. */
    public void observe(long now, Collection<TrackedInstance> instances) {
        Map<String, List<TrackedInstance>> byApp = new LinkedHashMap<>();
        for (TrackedInstance i : instances) {
            byApp.computeIfAbsent(i.appId(), a -> new ArrayList<>()).add(i);
        }
        apps.keySet().retainAll(byApp.keySet());
        byApp.forEach((appId, list) -> {
            App a = apps.computeIfAbsent(appId, x -> new App());
            a.tier = list.get(0).tier();
            a.instances = list.size();
            boolean up = list.stream().allMatch(TrackedInstance::running);
            if (!up && a.openSince < 0) {
                long since = now;
                for (TrackedInstance i : list) {
                    if (!i.running() && i.stoppedSinceMillis() > 0 && i.stoppedSinceMillis() < since) {
                        since = i.stoppedSinceMillis();
                    }
                }
                // never before the previous period ended
                a.openSince = Math.max(since, a.lastUp);
                if (a.periods == 0) {
                    a.firstDown = a.openSince;
                }
                a.periods++;
            } else if (up && a.openSince >= 0) {
                a.closedMillis += now - a.openSince;
                a.lastUp = now;
                a.openSince = -1;
            }
        });
    }

    /** Every desired app, by id, with its downtime as of {@code now}. */
    public List<AppDowntime> downtimes(long now) {
        List<AppDowntime> out = new ArrayList<>(apps.size());
        apps.forEach((id, a) -> {
            boolean down = a.openSince >= 0;
            long total = a.closedMillis + (down ? Math.max(0, now - a.openSince) : 0);
            out.add(new AppDowntime(id, a.tier, a.instances, a.periods == 0 ? 0 : a.firstDown,
                    down ? 0 : a.lastUp, total, down, a.periods));
        });
        return out;
    }
}
