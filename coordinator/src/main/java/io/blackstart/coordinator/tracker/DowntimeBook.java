package io.blackstart.coordinator.tracker;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Each app's down periods, from successive observations of its instances (see {@link AppDowntime} for what
 * "down" means). A period opens when the app is first seen not fully running because an instance stopped running
 * — one that was seen running, or whose container an agent still reports — dated back to the earliest known stop
 * time of its instances that are down; it closes when every instance runs again. An instance that never ran (a
 * new app being deployed) is not downtime. Single-threaded; {@code now} comes in.
 */
public final class DowntimeBook {

    private static final class App {
        String tier;
        int instances;
        long openSince = -1;
        long lastUp;
        long lastDownSince;
        long closedMillis;
        int periods;
    }

    private final Map<String, App> apps = new TreeMap<>();
    private final Set<String> seenRunning = new HashSet<>();
    private final Set<String> runningBefore = new HashSet<>();
    /** Instances with a start confirmed at an earlier observation: a later confirmed start is a restart. */
    private final Set<String> confirmedBefore = new HashSet<>();
    private long previousObservation = -1;

    /** Every desired instance now; apps no longer desired are forgotten. */
    public void observe(long now, Collection<TrackedInstance> instances) {
        Map<String, List<TrackedInstance>> byApp = new LinkedHashMap<>();
        Set<String> present = new HashSet<>();
        for (TrackedInstance i : instances) {
            byApp.computeIfAbsent(i.appId(), a -> new ArrayList<>()).add(i);
            present.add(i.instanceId());
        }
        apps.keySet().retainAll(byApp.keySet());
        seenRunning.retainAll(present);
        confirmedBefore.retainAll(present);
        byApp.forEach((appId, list) -> {
            App a = apps.computeIfAbsent(appId, x -> new App());
            a.tier = list.get(0).tier();
            a.instances = list.size();
            boolean up = list.stream().allMatch(TrackedInstance::running);
            boolean stopped = list.stream().anyMatch(i -> !i.running()
                    && (i.hasContainer() || seenRunning.contains(i.instanceId())));
            list.stream().filter(TrackedInstance::running).forEach(i -> seenRunning.add(i.instanceId()));
            if (up && a.openSince < 0) {
                missedPeriod(a, list);
            }
            if (!up && stopped && a.openSince < 0) {
                long since = now;
                for (TrackedInstance i : list) {
                    if (!i.running() && i.stoppedSinceMillis() > 0 && i.stoppedSinceMillis() < since) {
                        since = i.stoppedSinceMillis();
                    }
                }
                // never before the previous period ended
                a.openSince = Math.max(since, a.lastUp);
                a.periods++;
            } else if (up && a.openSince >= 0) {
                // up again when the last start was confirmed, if it was (else: now, when it is seen)
                long at = now;
                long lastStart = list.stream().mapToLong(TrackedInstance::startedAtMillis).max().orElse(0);
                if (lastStart >= a.openSince && lastStart <= now) {
                    at = lastStart;
                }
                a.closedMillis += at - a.openSince;
                a.lastDownSince = a.openSince;
                a.lastUp = at;
                a.openSince = -1;
            }
        });
        runningBefore.clear();
        instances.stream().filter(TrackedInstance::running).forEach(i -> runningBefore.add(i.instanceId()));
        instances.stream().filter(i -> i.startedAtMillis() > 0).forEach(i -> confirmedBefore.add(i.instanceId()));
        previousObservation = now;
    }

    /**
     * An instance running at both observations whose start was confirmed in between, and which either stopped in
     * between (its agent reported the stop) or had a start confirmed before: it stopped and came back unseen. The
     * period runs from its known stop time (else the previous observation) to the confirmed start. The first
     * confirmation of a start already seen running (the agent's report overtook the start's outcome) is not one.
     */
    private void missedPeriod(App a, List<TrackedInstance> list) {
        long since = Long.MAX_VALUE;
        long until = 0;
        for (TrackedInstance i : list) {
            if (i.startedAtMillis() > 0 && runningBefore.contains(i.instanceId())
                    && (i.stoppedSinceMillis() > 0 || confirmedBefore.contains(i.instanceId()))) {
                long stop = i.stoppedSinceMillis() > 0 ? i.stoppedSinceMillis() : previousObservation;
                since = Math.min(since, Math.max(stop, a.lastUp));
                until = Math.max(until, i.startedAtMillis());
            }
        }
        if (since != Long.MAX_VALUE && until > since) {
            a.periods++;
            a.closedMillis += until - since;
            a.lastDownSince = since;
            a.lastUp = until;
        }
    }

    /** Every desired app, by id, with its downtime as of {@code now}. */
    public List<AppDowntime> downtimes(long now) {
        List<AppDowntime> out = new ArrayList<>(apps.size());
        apps.forEach((id, a) -> {
            boolean down = a.openSince >= 0;
            long total = a.closedMillis + (down ? Math.max(0, now - a.openSince) : 0);
            long since = down ? a.openSince : a.lastDownSince;
            out.add(new AppDowntime(id, a.tier, a.instances, since, down ? 0 : a.lastUp, total, down, a.periods));
        });
        return out;
    }
}
