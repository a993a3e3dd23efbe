package io.blackstart.coordinator.tracker;

import io.blackstart.protocol.wire.AgentEvent;
import io.blackstart.protocol.wire.ContainerInfo;
import io.blackstart.protocol.wire.ContainerState;

import java.util.HashMap;
import java.util.Map;

/**
 * What happened to instances between two tracker observations (the recovery manager observes when it builds a
 * snapshot, about every 500 ms): confirmed starts and stops its agents reported. A container killed and restarted
 * between two snapshots would otherwise leave no trace in the downtime. Single-threaded (the recovery manager's).
 */
public final class TrackerInbox {

    private Map<String, Long> started = new HashMap<>();
    private Map<String, Long> stopped = new HashMap<>();

    /** A start of {@code instanceId} was confirmed at {@code now}. */
    public void started(String instanceId, long now) {
        started.put(instanceId, now);
    }

    /** An agent report: the stop times of its containers that are not running. */
    public void reported(AgentEvent.AgentReport r) {
        for (ContainerInfo c : r.containers()) {
            if (c.state() == ContainerState.STOPPED && c.stateSinceMillis() > 0) {
                stopped.merge(c.instanceId(), c.stateSinceMillis(), Math::max);
            }
        }
    }

    /** The starts since the last drain, and forgets them. */
    Map<String, Long> drainStarted() {
        Map<String, Long> out = started;
        started = new HashMap<>();
        return out;
    }

    /** The stops since the last drain, and forgets them. */
    Map<String, Long> drainStopped() {
        Map<String, Long> out = stopped;
        stopped = new HashMap<>();
        return out;
    }
}
