package io.blackstart.coordinator.tracker;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The recovery timeline, built from successive observations: mode changes, hosts joining, lost and back, the
 * first start of each tier and the moment each tier is all up again (its last start), failures, and the moment
 * everything runs again. Bounded: at most {@code maxEvents}; beyond that the oldest failures give way first.
 * Single-threaded; {@code now} comes in.
 */
public final class RecoveryTimeline {

    private static final List<String> TIERS = List.of("platform", "database", "app");

    private final int maxEvents;
    private final List<TimelineEvent> events = new ArrayList<>();
    private String mode;
    private final Set<String> hostsSeen = new HashSet<>();
    private final Set<String> hostsUp = new HashSet<>();
    private final Set<String> tiersStarted = new HashSet<>();
    private final Map<String, Boolean> tierUp = new HashMap<>();
    private boolean allUp = true;
    private int droppedFailures;

    /** @param maxEvents at least 16 */
    public RecoveryTimeline(int maxEvents) {
        this.maxEvents = Math.max(16, maxEvents);
    }

    /** The mode now (first observation: recorded as entered at {@code modeSince}). */
    public void mode(long now, String newMode, String by, long modeSince) {
        if (newMode.equals(mode)) {
            return;
        }
        boolean first = mode == null;
        mode = newMode;
        long at = first ? Math.min(now, modeSince) : now;
        add(new TimelineEvent(at, "mode", newMode, (first ? "mode is " : "mode changed to ") + newMode + " (" + by + ")"));
        if ("recovery".equals(newMode)) {
            tiersStarted.clear(); // first starts count per recovery
        }
    }

    /** The hosts reporting now. */
    public void hosts(long now, Collection<String> reporting) {
        Set<String> current = new HashSet<>(reporting);
        for (String h : current.stream().sorted().toList()) {
            if (hostsSeen.add(h)) {
                add(new TimelineEvent(now, "host-joined", h, "host " + h + " reporting"));
            } else if (!hostsUp.contains(h)) {
                add(new TimelineEvent(now, "host-back", h, "host " + h + " back"));
            }
        }
        for (String h : hostsUp.stream().sorted().toList()) {
            if (!current.contains(h)) {
                add(new TimelineEvent(now, "host-lost", h, "host " + h + " lost"));
            }
        }
        hostsUp.clear();
        hostsUp.addAll(current);
    }

    /** An instance of {@code tier} was seen running after a start. */
    public void started(long now, String tier, String instanceId) {
        if (tiersStarted.add(tier)) {
            add(new TimelineEvent(now, "tier-first-start", tier, "first " + tier + " instance up (" + instanceId + ")"));
        }
    }

    /** An instance failed (attempts exhausted). */
    public void failed(long now, String instanceId, String reason) {
        add(new TimelineEvent(now, "failure", instanceId, instanceId + " failed" + (reason == null ? "" : ": " + reason)));
    }

    /** Per tier: desired and running now; records when a tier (and the whole platform) is all up again. */
    public void tiers(long now, Map<String, int[]> desiredRunning) {
        boolean everything = true;
        for (String t : TIERS) {
            int[] c = desiredRunning.getOrDefault(t, new int[2]);
            boolean up = c[1] >= c[0];
            everything &= up;
            Boolean before = tierUp.put(t, up);
            if (up && Boolean.FALSE.equals(before) && c[0] > 0) {
                add(new TimelineEvent(now, "tier-up", t, "every " + t + " instance running (" + c[0] + ", last start)"));
            }
        }
        if (everything && !allUp) {
            add(new TimelineEvent(now, "all-running", "all", "every desired instance running"));
        }
        allUp = everything;
    }

    /** The events, oldest first. */
    public List<TimelineEvent> events() {
        return List.copyOf(events);
    }

    /** Failures left out to stay within bounds. */
    public int droppedFailures() {
        return droppedFailures;
    }

    private void add(TimelineEvent e) {
        events.add(e);
        if (events.size() > maxEvents) {
            for (int i = 0; i < events.size(); i++) {
                if (events.get(i).kind().equals("failure")) {
                    events.remove(i);
                    droppedFailures++;
                    return;
                }
            }
            events.remove(0);
        }
    }
}
