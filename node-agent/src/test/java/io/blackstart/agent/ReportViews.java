package io.blackstart.agent;

import io.blackstart.protocol.wire.AgentEvent.AgentReport;
import io.blackstart.protocol.wire.ContainerDelta;
import io.blackstart.protocol.wire.ContainerInfo;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a receiver of the agents' reports knows of each node's containers, as the coordinator rebuilds it: a full
 * report replaces the node's list, a delta is applied to it. Tests see every report as complete through it.
 */
final class ReportViews {

    private final Map<String, Map<String, ContainerInfo>> byNode = new HashMap<>();

    /** The report as its receiver sees it, as a full report; every report a receiver got must pass through here. */
    AgentReport complete(AgentReport r) {
        Map<String, ContainerInfo> view = byNode.computeIfAbsent(r.nodeId(), n -> new LinkedHashMap<>());
        if (!r.delta()) {
            view.clear();
            r.containers().forEach(c -> view.put(c.instanceId(), c));
        } else {
            new ContainerDelta(r.containers(), r.gone()).applyTo(view);
        }
        return r.asFull(List.copyOf(view.values()));
    }
}
