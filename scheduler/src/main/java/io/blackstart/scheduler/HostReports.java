package io.blackstart.scheduler;

import io.blackstart.protocol.wire.ContainerInfo;
import io.blackstart.protocol.wire.ContainerState;
import io.blackstart.scheduler.event.EventSink;
import io.blackstart.scheduler.event.HostJoined;
import io.blackstart.scheduler.event.HostLost;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The hosts' truth, applied: a report's credits, memory and images, and each listed container compared with what
 * the ledger believes (adopting running containers, answering duplicates and undesired ones with stop orders,
 * taking down instances whose container stopped or vanished, reserving restarts in place); and a host's loss.
 * A report's unchanged containers cost next to nothing.
 */
final class HostReports {

    private final EventSink events;
    private final InstanceBook book;
    private final HostBook hosts;
    private final PendingIndex pending;
    private final Lifecycle lifecycle;

    HostReports(EventSink events, InstanceBook book, HostBook hosts, PendingIndex pending, Lifecycle lifecycle) {
        this.events = events;
        this.book = book;
        this.hosts = hosts;
        this.pending = pending;
        this.lifecycle = lifecycle;
    }

    /**
     * Takes a host's full report: its credits and memory, and the truth about its containers. Returns the
     * containers that must be removed (not desired, or duplicates of an instance running elsewhere).
     */
    List<StopOrder> hostReported(HostReport report, long now) {
        Host host = hosts.get(report.nodeId());
        if (host == null) {
            host = new Host(report.nodeId());
            hosts.hosts.put(host.nodeId, host);
            if (events != EventSink.NONE) {
                events.accept(new HostJoined(host.nodeId, now));
            }
        }
        boolean sameContainers = host.report != null && host.report.containers() == report.containers();
        host.report = report;
        host.lastReportMillis = now;
        if (sameContainers) {
            // the agent's container list is unchanged (the same immutable list): only credits, memory, images
            hosts.pullsShownDone(host, report);
            hosts.touch(host);
            hosts.updateOpen(host);
            return List.of();
        }
        String node = report.nodeId();
        List<StopOrder> stops = new ArrayList<>();
        long epoch = ++host.reportEpoch;
        int listed = 0;
        for (ContainerInfo c : report.containers()) {
            Host.Slot slot = host.slots.get(c.instanceId());
            if (slot != null && slot.epoch != epoch) {
                listed++;
            }
            if (slot != null && unchanged(slot, c, node)) {
                // the same container in the same state as in the last report, and the ledger agrees with it
                slot.epoch = epoch;
                continue;
            }
            if (slot == null) {
                slot = new Host.Slot();
                host.slots.put(c.instanceId(), slot);
                listed++;
            }
            slot.epoch = epoch;
            slot.container = c;
            Instance e = book.instances.get(c.instanceId());
            slot.entry = e;
            countRunning(host, slot, e != null && c.state() == ContainerState.RUNNING ? c.appId() : null);
            if (e == null) {
                stops.add(new StopOrder(c.instanceId(), node, "no longer desired"));
                continue;
            }
            if (e.containers == null) {
                e.containers = new LinkedHashMap<>(2);
            }
            ContainerInfo before = e.containers.get(node);
            if (before != c) {
                e.containers.put(node, c);
            }
            if (before == null) {
                e.cand = null;
                if (e.where == Instance.READY && host != e.refusedBy && PendingIndex.homeEligible(host, e)) {
                    pending.requeue(e, now);
                }
            }
            if (c.state() == ContainerState.RUNNING) {
                if (e.state.hasContainer() && !node.equals(e.node)) {
                    stops.add(new StopOrder(e.key, node, "duplicate: already running on " + e.node));
                } else if (!e.state.hasContainer()) {
                    pending.dequeue(e);
                    hosts.releaseOutstanding(e);
                    book.setNode(e, host);
                    e.history(now, "running (reported by " + node + ")");
                    lifecycle.healthSeen(e, c.health(), c.healthDetail(), "running (reported)", now);
                } else {
                    lifecycle.healthSeen(e, c.health(), c.healthDetail(), null, now);
                }
            } else if (e.state.hasContainer() && node.equals(e.node)) {
                lifecycle.down(e, "container " + c.state().name().toLowerCase() + " on " + node, now);
            }
        }
        if (listed < host.slots.size()) {
            // containers of the last report that this one no longer lists
            for (Iterator<Map.Entry<String, Host.Slot>> it = host.slots.entrySet().iterator(); it.hasNext(); ) {
                Map.Entry<String, Host.Slot> gone = it.next();
                if (gone.getValue().epoch == epoch) {
                    continue;
                }
                it.remove();
                countRunning(host, gone.getValue(), null);
                Instance e = book.instances.get(gone.getKey());
                if (e == null || e.containers == null) {
                    continue;
                }
                e.containers.remove(node);
                e.cand = null;
                if (e.state.hasContainer() && node.equals(e.node)) {
                    lifecycle.down(e, "container gone from " + node, now);
                } else if (e.where == Instance.HOME && e.homeHost == host) {
                    pending.requeue(e, now);
                }
            }
        }
        hosts.pullsShownDone(host, report);
        hosts.touch(host);
        hosts.updateOpen(host);
        return stops;
    }

    /**
     * Whether a listed container needs no work: it is the one the last report listed (same id, state and since),
     * its instance is still desired, and the ledger's view of the instance already agrees with it (running here
     * exactly when the container runs, in the state its health calls for). Anything else goes the full way, so a
     * duplicate's stop is re-sent with every report until the duplicate is gone, as is the stop of a container that
     * is no longer desired.
     */
    private static boolean unchanged(Host.Slot slot, ContainerInfo c, String node) {
        Instance e = slot.entry;
        if (e == null || e.removed || !sameContainer(slot.container, c)) {
            return false;
        }
        boolean runsHere = e.state.hasContainer() && node.equals(e.node);
        return runsHere == (c.state() == ContainerState.RUNNING) && (!runsHere || e.state == Lifecycle.stateFor(c.health()));
    }

    /**
     * The same container in the same state and health since the same moment. The container id fixes its instance,
     * app and image; compared field by field, cheapest first, because a report from the wire carries new strings
     * every time.
     */
    private static boolean sameContainer(ContainerInfo a, ContainerInfo b) {
        return a == b || (a.state() == b.state() && a.health() == b.health()
                && a.stateSinceMillis() == b.stateSinceMillis()
                && Objects.equals(a.containerId(), b.containerId()) && Objects.equals(a.instanceId(), b.instanceId())
                && Objects.equals(a.healthDetail(), b.healthDetail()));
    }

    /** Counts the slot's container as a running instance of {@code appId} on the host (null: as nothing). */
    private static void countRunning(Host host, Host.Slot slot, String appId) {
        if (Objects.equals(slot.countedApp, appId)) {
            return;
        }
        if (slot.countedApp != null) {
            host.appCount.computeIfPresent(slot.countedApp, (k, v) -> v > 1 ? v - 1 : null);
        }
        if (appId != null) {
            host.appCount.merge(appId, 1, Integer::sum);
        }
        slot.countedApp = appId;
    }

    /** A host stopped reporting (left the cluster): what it ran or was starting is pending again. */
    void hostLost(String nodeId, long now) {
        Host h = hosts.remove(nodeId);
        if (h == null) {
            return;
        }
        if (events != EventSink.NONE) {
            events.accept(new HostLost(nodeId, now));
        }
        pending.homeHosts.remove(h);
        for (String key : h.slots.keySet()) {
            Instance e = book.instances.get(key);
            if (e != null && e.containers != null) {
                e.containers.remove(nodeId);
                e.cand = null;
            }
        }
        for (Instance e : new ArrayList<>(h.members)) {
            hosts.pullEnded(e);
            if (e.state != InstanceState.FAILED) {
                book.setNode(e, null);
                String why = "host " + nodeId + " lost";
                book.transition(e, InstanceState.PENDING, why, now);
                e.history(now, why);
                pending.enqueue(e, now);
            }
        }
        pending.requeueHome(h, now);
    }
}
