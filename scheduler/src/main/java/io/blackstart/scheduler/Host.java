package io.blackstart.scheduler;

import io.blackstart.protocol.wire.ContainerInfo;

import java.util.ArrayDeque;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * One host as the ledger keeps it: its last report, the starts the ledger has outstanding on it (credit and memory),
 * its penalty, the containers of its last report ({@link Slot}s), the instances reserved for it (restart in place)
 * and the planner's memory of what it could not take.
 */
final class Host {
    final String nodeId;
    HostReport report;
    long lastReportMillis;
    int outstanding;
    long outstandingMemoryMb;
    boolean penalised;
    long penalisedUntilMillis;
    boolean open;
    boolean lost;
    final ArrayDeque<Long> failures = new ArrayDeque<>();
    /** Instances per app on this host: running as last reported (desired ones), plus outstanding starts. */
    final Map<String, Integer> appCount = new HashMap<>();
    /** Changes whenever what the host can take may have grown (report, released start, penalty over). */
    long stateVersion;
    long noFitEpoch = -1;
    long noFitVersion = -1;
    /** In the planner's {@code blockedByLead}, keyed by the rank (band, index) of its in-place head that waited. */
    boolean blocked;
    long blockBand;
    int blockIndex;
    /** The containers of the last report, by instance id. */
    final Map<String, Slot> slots = new HashMap<>();
    long reportEpoch;
    /** Pending instances whose stopped container is here, reserved for this host, in start order. */
    final TreeSet<Instance> home = new TreeSet<>(Instance.ORDER);
    /** Instances assigned to, starting on or running on this host. */
    final Set<Instance> members = new HashSet<>();

    /** One container of a host's last report, and what the ledger made of it. */
    static final class Slot {
        ContainerInfo container;
        /** The desired instance it belongs to when it was last looked at, or null. */
        Instance entry;
        /** The app it counts as a running instance of in {@code Host.appCount}, or null. */
        String countedApp;
        /** The host's report epoch that last listed it. */
        long epoch;
    }

    Host(String nodeId) {
        this.nodeId = nodeId;
    }

    int granted() {
        return report == null ? 0 : Math.max(0, report.credits()) + Math.max(0, report.startsInFlight());
    }

    int freeCredit() {
        return granted() - outstanding;
    }

    long freeMemoryMb() {
        return report == null ? 0 : report.memoryAvailableMb() - outstandingMemoryMb;
    }

    PlacementPolicy.HostState state() {
        return new PlacementPolicy.HostState(nodeId, freeCredit(), freeMemoryMb(),
                report == null ? Set.of() : report.images(), Collections.unmodifiableMap(appCount));
    }

    Ledger.HostView viewForQuery() {
        return new Ledger.HostView(nodeId, granted(), outstanding, report == null ? 0 : report.memoryAvailableMb(),
                penalised ? penalisedUntilMillis : 0, lastReportMillis);
    }
}
