package io.blackstart.scheduler;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The platform gate: closed while a platform instance is not settled (RUNNING, FAILED or NEEDS_ATTENTION) —
 * except instances of platform apps that wait, directly or through other platform apps, for a platform app none
 * of whose instances is up and some of which need attention: those cannot come up before an operator acts, and
 * they do not hold every other tier back. Computed only when a platform instance needs attention, over the
 * platform apps, and then cached until a platform instance changes state.
 */
final class PlatformGate {

    /** Platform instances not settled. */
    int platformNotUp;
    /** Platform instances in NEEDS_ATTENTION; while there are none the gate is simply {@code platformNotUp > 0}. */
    private int platformAttention;
    /** The apps of the platform tier (set with the catalog): what {@link #closed} looks at. */
    List<AppRecord> platformApps = List.of();
    /** Grows with every state change of a platform instance: {@link #closed} is recomputed only then. */
    private long platformVersion;
    private long checkedVersion = -1;
    private boolean closedCached;

    /** A platform instance in state {@code s} was added to (+1) or removed from (-1) the counters. */
    void counted(InstanceState s, int delta) {
        platformVersion++;
        if (!s.settled()) {
            platformNotUp += delta;
        }
        if (s == InstanceState.NEEDS_ATTENTION) {
            platformAttention += delta;
        }
    }

    /** The platform apps' counters changed wholesale (a new catalog). */
    void changed() {
        platformVersion++;
    }

    /** True while the platform holds every other tier back. */
    boolean closed() {
        if (platformNotUp == 0) {
            return false;
        }
        if (platformAttention == 0) {
            return true;
        }
        if (checkedVersion != platformVersion) {
            checkedVersion = platformVersion;
            closedCached = !onlyAttentionHoldsThePlatform();
        }
        return closedCached;
    }

    private boolean onlyAttentionHoldsThePlatform() {
        Set<String> stuck = new HashSet<>();
        for (AppRecord a : platformApps) {
            if (a.running == 0 && a.attention > 0) {
                stuck.add(a.spec.id());
            }
        }
        for (boolean grew = true; grew; ) {
            grew = false;
            for (AppRecord a : platformApps) {
                if (a.running == 0 && !stuck.contains(a.spec.id()) && waitsFor(a, stuck)) {
                    stuck.add(a.spec.id());
                    grew = true;
                }
            }
        }
        for (AppRecord a : platformApps) {
            int unsettled = a.total - a.running - a.failed - a.attention;
            if (unsettled > 0 && !waitsFor(a, stuck)) {
                return false;
            }
        }
        return true;
    }

    private static boolean waitsFor(AppRecord a, Set<String> stuck) {
        for (String dep : a.spec.dependsOn()) {
            if (stuck.contains(dep)) {
                return true;
            }
        }
        return false;
    }
}
