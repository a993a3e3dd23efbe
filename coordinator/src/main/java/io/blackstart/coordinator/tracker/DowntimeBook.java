package io.blackstart.coordinator.tracker;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Each app's down periods, from its instances' transitions (see {@link AppDowntime} for what "down" means). A
 * period opens when the app is not fully up because an instance that ran stopped — one seen up, or whose container
 * an agent reports (after a blackout) — dated back to the earliest known stop time of its instances that are down
 * (an agent's stop time, else the transition), never before the previous period ended; it closes at the transition
 * that makes every instance up again. An instance that never ran (a new app being deployed) is not downtime.
 * Single-threaded; time comes in with every call.
 */
public final class DowntimeBook {

    private static final class App {
        final String tier;
        final Set<String> instances = new HashSet<>();
        int up;
        /** Instances not up that ran before: the app is down while there is one. */
        int downThatRan;
        long openSince = -1;
        long lastUp;
        long lastDownSince;
        long closedMillis;
        int periods;

        App(String tier) {
            this.tier = tier;
        }
    }

    private static final class Instance {
        final String appId;
        boolean up;
        boolean ran;
        long upSince;
        /** When it stopped, 0 when unknown. */
        long stoppedAt;
        /** The latest stop time an agent reported for its container (0: unknown), -1 when none was reported. */
        long reportedStop = -1;

        Instance(String appId) {
            this.appId = appId;
        }

        boolean downThatRan() {
            return !up && ran;
        }
    }

    private final Map<String, App> apps = new TreeMap<>();
    private final Map<String, Instance> instances = new HashMap<>();
    /** Most stop times kept for instances not desired (yet): stopped containers of removed apps stay on hosts. */
    static final int MAX_UNDESIRED_STOPS = 65_536;

    /** Latest stop time agents reported per instance not desired (yet) (0: stopped, time unknown). */
    private final Map<String, Long> undesiredStops = new HashMap<>();

    /** Instance {@code instanceId} of {@code appId} is now up or not (first call: the catalog added it). */
    public void transition(String instanceId, String appId, String tier, boolean up, long at) {
        Instance i = instances.get(instanceId);
        App a;
        boolean before = false;
        if (i == null) {
            i = new Instance(appId);
            instances.put(instanceId, i);
            a = apps.computeIfAbsent(appId, k -> new App(tier));
            a.instances.add(instanceId);
            Long stop = undesiredStops.remove(instanceId);
            if (stop != null) {
                i.reportedStop = stop;
                i.ran = true;
                i.stoppedAt = stop;
            }
        } else {
            a = apps.get(i.appId);
            before = i.downThatRan();
        }
        if (i.up && !up) {
            long reported = i.reportedStop;
            // the agent's stop time when it reported this stop, else the transition's
            i.stoppedAt = reported > i.upSince && reported <= at ? reported : at;
            a.up--;
        } else if (!i.up && up) {
            i.ran = true;
            i.upSince = at;
            a.up++;
        }
        i.up = up;
        a.downThatRan += (i.downThatRan() ? 1 : 0) - (before ? 1 : 0);
        evaluate(a, at);
    }

    /**
     * An agent reports the container of {@code instanceId} stopped, since {@code stoppedSince} (0: unknown). A
     * desired instance not up whose container stopped is down since then, even if this book never saw it up.
     */
    public void stopReported(long now, String instanceId, long stoppedSince) {
        Instance i = instances.get(instanceId);
        if (i == null) {
            if (undesiredStops.size() < MAX_UNDESIRED_STOPS || undesiredStops.containsKey(instanceId)) {
                undesiredStops.merge(instanceId, stoppedSince, Math::max);
            } // else bounded: such an instance, desired later, counts its downtime from its first transition
            return;
        }
        i.reportedStop = Math.max(i.reportedStop, stoppedSince);
        if (i.up || i.ran) {
            return;
        }
        i.ran = true; // a desired instance down since before this coordinator knew it: downtime (a blackout)
        i.stoppedAt = stoppedSince;
        App a = apps.get(i.appId);
        a.downThatRan++;
        evaluate(a, now);
    }

    /** The catalog removed {@code instanceId}; an app with no instance left is forgotten. */
    public void removed(String instanceId, long at) {
        Instance i = instances.remove(instanceId);
        if (i == null) {
            undesiredStops.remove(instanceId);
            return;
        }
        App a = apps.get(i.appId);
        a.instances.remove(instanceId);
        a.up -= i.up ? 1 : 0;
        a.downThatRan -= i.downThatRan() ? 1 : 0;
        if (a.instances.isEmpty()) {
            apps.remove(i.appId);
        } else {
            evaluate(a, at);
        }
    }

    private void evaluate(App a, long at) {
        boolean up = a.up == a.instances.size();
        if (up && a.openSince >= 0) {
            a.closedMillis += Math.max(0, at - a.openSince);
            a.lastDownSince = a.openSince;
            a.lastUp = at;
            a.openSince = -1;
        } else if (!up && a.openSince < 0 && a.downThatRan > 0) {
            long since = at;
            for (String id : a.instances) {
                Instance i = instances.get(id);
                if (i.downThatRan() && i.stoppedAt > 0 && i.stoppedAt < since) {
                    since = i.stoppedAt;
                }
            }
            a.openSince = Math.max(since, a.lastUp); // never before the previous period ended
            a.periods++;
        }
    }

    /** Every desired app, by id, with its downtime as of {@code now}. */
    public List<AppDowntime> downtimes(long now) {
        List<AppDowntime> out = new ArrayList<>(apps.size());
        apps.forEach((id, a) -> {
            boolean down = a.openSince >= 0;
            long total = a.closedMillis + (down ? Math.max(0, now - a.openSince) : 0);
            long since = down ? a.openSince : a.lastDownSince;
            out.add(new AppDowntime(id, a.tier, a.instances.size(), since, down ? 0 : a.lastUp, total, down,
                    a.periods));
        });
        return out;
    }

    /** Stop times kept for instances not desired now. */
    int undesiredStops() {
        return undesiredStops.size();
    }
}
