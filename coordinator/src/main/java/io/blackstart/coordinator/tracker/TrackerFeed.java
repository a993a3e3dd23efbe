package io.blackstart.coordinator.tracker;

import io.blackstart.coordinator.status.StatusSnapshot;

import io.blackstart.coordinator.tracker.Tracker;
import io.blackstart.coordinator.tracker.TrackedInstance;
import io.blackstart.coordinator.tracker.TrackerView;
import io.blackstart.protocol.AppSpec;
import io.blackstart.protocol.wire.AgentEvent;
import io.blackstart.protocol.wire.ContainerInfo;
import io.blackstart.protocol.wire.ContainerState;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Maps what the recovery manager knows (a fresh snapshot, the agents' latest reports, the desired apps) into one
 * {@link Tracker} observation. Pure; called by the recovery manager only.
 */
public final class TrackerFeed {

    private TrackerFeed() {
    }

    public static TrackerView observe(Tracker tracker, StatusSnapshot s, Collection<AgentEvent.AgentReport> reports,
                               Collection<AppSpec> apps, TrackerInbox inbox, long now) {
        Map<String, Long> stoppedSince = inbox.drainStopped();
        Map<String, Long> startedAt = inbox.drainStarted();
        Set<String> withContainer = new HashSet<>();
        for (AgentEvent.AgentReport r : reports) {
            for (ContainerInfo c : r.containers()) {
                if (c.state() != ContainerState.CREATED) {
                    withContainer.add(c.instanceId()); // it ran before (a created container never did)
                }
                if (c.state() == ContainerState.STOPPED && c.stateSinceMillis() > 0) {
                    stoppedSince.merge(c.instanceId(), c.stateSinceMillis(), Math::max);
                }
            }
        }
        List<TrackedInstance> instances = new ArrayList<>(s.instances().size());
        for (StatusSnapshot.InstanceStatus i : s.instances()) {
            instances.add(new TrackedInstance(i.instanceId(), i.appId(), i.tier(), i.state(), i.nodeId(), i.failure(),
                    stoppedSince.getOrDefault(i.instanceId(), 0L), withContainer.contains(i.instanceId()),
                    startedAt.getOrDefault(i.instanceId(), 0L)));
        }
        Map<String, List<String>> dependsOn = new HashMap<>();
        for (AppSpec a : apps) {
            dependsOn.put(a.id(), a.dependsOn());
        }
        List<String> hosts = s.hosts().stream().map(StatusSnapshot.HostStatus::nodeId).toList();
        return tracker.observe(now, s.mode(), s.modeBy(), s.modeSince(), instances, hosts, dependsOn);
    }
}
