package io.blackstart.coordinator.tracker;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The recovery timeline, built from the event log: mode changes, hosts joining, lost and back, each
 * tier losing running instances, the first start of each tier and the moment each tier is all up again (its last
 * start), failures, and the moment everything runs again. Bounded: at most {@code maxEvents}; beyond that the oldest failures give way first.
 * Single-threaded; {@code now} comes in.
 */
public final class RecoveryTimeline {

    private static final List<String> TIERS = List.of("platform", "database", "app");

    private final int maxEvents;
    private final List<TimelineEvent> events = new ArrayList<>();
    private String mode;
    private final Set<String> hostsSeen = new HashSet<>();
    private final Map<String, TimelineEvent> firstStarts = new HashMap<>();
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
            firstStarts.clear(); // first starts count per recovery
        }
    }

    /** A host reported: for the first time, or again after it was lost. */
    public void hostJoined(long at, String nodeId) {
        if (hostsSeen.add(nodeId)) {
            add(new TimelineEvent(at, "host-joined", nodeId, "host " + nodeId + " reporting"));
        } else {
            add(new TimelineEvent(at, "host-back", nodeId, "host " + nodeId + " back"));
        }
    }

    /** A host stopped reporting. */
    public void hostLost(long at, String nodeId) {
        add(new TimelineEvent(at, "host-lost", nodeId, "host " + nodeId + " lost"));
    }

    /** An instance of {@code tier} came up at {@code at}. */
    public void started(long at, String tier, String instanceId) {
        TimelineEvent first = firstStarts.get(tier);
        if (first != null && first.atMillis() <= at) {
            return;
        }
        TimelineEvent e = new TimelineEvent(at, "tier-first-start", tier, "first " + tier + " instance up (" + instanceId + ")");
        firstStarts.put(tier, e);
        int i = first == null ? -1 : events.indexOf(first);
        if (i >= 0) {
            events.set(i, e); // an earlier start seen later
        } else {
            add(e);
        }
    }

    /** An instance failed (attempts exhausted). */
    public void failed(long now, String instanceId, String reason) {
        add(new TimelineEvent(now, "failure", instanceId, instanceId + " failed" + (reason == null ? "" : ": " + reason)));
    }

    /** An instance's health check kept failing: it runs but needs an operator. */
    public void needsAttention(long now, String instanceId, String reason) {
        add(new TimelineEvent(now, "needs-attention", instanceId, instanceId + " needs attention"
                + (reason == null ? "" : ": " + reason)));
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
            } else if (!up && Boolean.TRUE.equals(before)) {
                add(new TimelineEvent(now, "tier-down", t, (c[0] - c[1]) + " of " + c[0] + " " + t
                        + " instances not running"));
            }
        }
        if (everything && !allUp) {
            add(new TimelineEvent(now, "all-running", "all", "every desired instance running"));
        }
        allUp = everything;
    }

    /** The events, oldest first (a start is dated when it was confirmed, which may precede its observation). */
    public List<TimelineEvent> events() {
        List<TimelineEvent> sorted = new ArrayList<>(events);
        sorted.sort(java.util.Comparator.comparingLong(TimelineEvent::atMillis)); // stable: same time keeps order
        return List.copyOf(sorted);
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
