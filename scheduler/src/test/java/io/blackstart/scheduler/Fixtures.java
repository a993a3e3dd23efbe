package io.blackstart.scheduler;

import io.blackstart.protocol.AppSpec;
import io.blackstart.protocol.Catalog;
import io.blackstart.protocol.Tier;
import io.blackstart.protocol.wire.ContainerInfo;
import io.blackstart.protocol.wire.ContainerState;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/** Shared builders for scheduler tests. */
final class Fixtures {

    private Fixtures() {
    }

    static AppSpec app(String id, Tier tier, int priority, int instances, long memoryMb, String... dependsOn) {
        return new AppSpec(id, "registry.local/" + id + ":1", instances, tier, priority, memoryMb, 0.5,
                List.of(dependsOn), List.of(), Map.of(), 60);
    }

    static Catalog catalog(AppSpec... apps) {
        TreeMap<String, AppSpec> m = new TreeMap<>();
        for (AppSpec a : apps) {
            m.put(a.id(), a);
        }
        return new Catalog(m, List.of());
    }

    static HostReport host(String node, int credits, long memMb) {
        return new HostReport(node, credits, 0, memMb, Set.of(), List.of());
    }

    static HostReport host(String node, int credits, long memMb, Set<String> images, List<ContainerInfo> containers) {
        return new HostReport(node, credits, 0, memMb, images, containers);
    }

    static ContainerInfo stopped(String instanceId) {
        String app = instanceId.substring(0, instanceId.lastIndexOf('-'));
        return new ContainerInfo(instanceId, app, "c-" + instanceId, "registry.local/" + app + ":1",
                ContainerState.STOPPED, 0);
    }

    static ContainerInfo running(String instanceId) {
        String app = instanceId.substring(0, instanceId.lastIndexOf('-'));
        return new ContainerInfo(instanceId, app, "c-" + instanceId, "registry.local/" + app + ":1",
                ContainerState.RUNNING, 0);
    }

    /** Records and starts every assignment; returns them. */
    static List<Assignment> planAndRecord(Ledger l, long now) {
        List<Assignment> as = l.plan(now);
        for (Assignment a : as) {
            l.assignmentRecorded(a.instanceId(), a.nodeId(), 1, now);
        }
        return as;
    }

    static List<String> ids(List<Assignment> as) {
        List<String> out = new ArrayList<>();
        as.forEach(a -> out.add(a.instanceId()));
        return out;
    }
}
