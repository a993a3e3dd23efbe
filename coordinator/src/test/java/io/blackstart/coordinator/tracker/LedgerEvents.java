package io.blackstart.coordinator.tracker;

import io.blackstart.protocol.Tier;
import io.blackstart.scheduler.InstanceState;
import io.blackstart.scheduler.event.HostJoined;
import io.blackstart.scheduler.event.HostLost;
import io.blackstart.scheduler.event.InstanceTransition;

import java.util.HashMap;
import java.util.Map;

/** Feeds a {@link Tracker} the transitions a ledger would emit, each chained from the instance's previous state. */
final class LedgerEvents {

    private final Tracker tracker;
    private final Map<String, InstanceState> states = new HashMap<>();
    private final Map<String, Tier> tiers = new HashMap<>();

    LedgerEvents(Tracker tracker) {
        this.tracker = tracker;
    }

    /** The catalog adds {@code instanceId} ({@code <app>-<n>}) of {@code tier}, pending. */
    LedgerEvents add(long at, String instanceId, Tier tier) {
        tiers.put(instanceId, tier);
        return move(at, instanceId, InstanceState.PENDING, "desired");
    }

    LedgerEvents move(long at, String instanceId, InstanceState to, String reason) {
        InstanceState from = states.put(instanceId, to);
        String app = instanceId.substring(0, instanceId.lastIndexOf('-'));
        tracker.apply(new InstanceTransition(instanceId, app, tiers.get(instanceId), from, to, "h1", reason, at));
        return this;
    }

    LedgerEvents move(long at, String instanceId, InstanceState to) {
        return move(at, instanceId, to, to.wireName());
    }

    LedgerEvents joined(long at, String nodeId) {
        tracker.apply(new HostJoined(nodeId, at));
        return this;
    }

    LedgerEvents lost(long at, String nodeId) {
        tracker.apply(new HostLost(nodeId, at));
        return this;
    }
}
