package io.blackstart.coordinator.tracker;

import io.blackstart.protocol.wire.ContainerInfo;
import io.blackstart.protocol.wire.ContainerState;
import io.blackstart.scheduler.InstanceState;
import io.blackstart.scheduler.event.HostJoined;
import io.blackstart.scheduler.event.HostLost;
import io.blackstart.scheduler.event.InstanceTransition;
import io.blackstart.scheduler.event.LedgerEvent;
import io.blackstart.scheduler.event.ModeChanged;

import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The recovery tracker's memory, fed by the ledger's event log: every {@link InstanceTransition}, host joined and
 * lost, and mode change, each dated when it happened ({@link #apply}), plus the stop times the agents report for
 * their containers ({@link #containersReported}), which date a down period back to the moment a container stopped.
 * From these it keeps the start rate, the timeline, each app's downtime and unready time; {@link #view} adds the
 * running curve and the ETA. A container killed and restarted in place between two status snapshots is two
 * transitions here, so its down period is counted. Pure: no Pekko, no clock ({@code now} comes in with every
 * call); single-threaded (owned by the actor that owns the ledger). A new singleton incarnation starts a new one.
 */
public final class Tracker {

    /** Settings: sliding window of the start rate, bounds of the curve and of the timeline. */
    public record Settings(long windowMillis, int curvePoints, int timelineEvents) {
        /** 30 s window, 600 curve points, 1000 timeline events. */
        public static final Settings DEFAULT = new Settings(30_000, 600, 1000);
    }

    /** What the tracker knows of one desired instance. */
    private static final class Instance {
        final String appId;
        final String tier;
        InstanceState state;
        /** When its current attempt was assigned (start latency runs to up); -1 when none runs. */
        long startingSince = -1;

        Instance(String appId, String tier) {
            this.appId = appId;
            this.tier = tier;
        }
    }

    private final StartRate rate;
    private final RunningCurve curve;
    private final RecoveryTimeline timeline;
    private final DowntimeBook downtime = new DowntimeBook();
    private final UnreadyBook unready = new UnreadyBook();
    private final HostRoll hosts = new HostRoll();
    private final Map<String, Instance> instances = new HashMap<>();
    private final Map<String, Integer> instancesOfApp = new HashMap<>();
    /** Per tier: desired, running; in tier order as first seen. */
    private final Map<String, int[]> perTier = new LinkedHashMap<>();

    public Tracker(Settings settings) {
        this.rate = new StartRate(settings.windowMillis());
        this.curve = new RunningCurve(settings.curvePoints());
        this.timeline = new RecoveryTimeline(settings.timelineEvents());
    }

    /** One event of the log, in the order the ledger (or the mode keeper) produced it. */
    public void apply(LedgerEvent e) {
        if (e instanceof InstanceTransition t) {
            transition(t);
        } else if (e instanceof HostJoined h) {
            timeline.hostJoined(h.at(), h.nodeId());
            hosts.joined(h.nodeId());
        } else if (e instanceof HostLost h) {
            timeline.hostLost(h.at(), h.nodeId());
            hosts.lost(h.nodeId(), h.at());
        } else if (e instanceof ModeChanged m) {
            timeline.mode(m.at(), m.mode(), m.by(), m.at());
        }
    }

    /**
     * The hosts etcd's assignment records name (where instances were placed before this recovery manager started):
     * each one that has not joined is listed as never returned, from {@code at}, until it joins.
     */
    public void hostsExpected(Collection<String> nodeIds, long at) {
        hosts.expected(nodeIds, at);
    }

    /**
     * Containers an agent reported (a report lists every container that changed): a stopped one ran before and
     * stopped, at its stop time by the agent's clock (0 when the agent does not know it). A running one says
     * nothing about downtime (a start the ledger is about to confirm), a created one never ran.
     */
    public void containersReported(long now, Collection<ContainerInfo> containers) {
        for (ContainerInfo c : containers) {
            if (c.state() == ContainerState.STOPPED) {
                downtime.stopReported(now, c.instanceId(), c.stateSinceMillis());
            }
        }
    }

    private void transition(InstanceTransition t) {
        String id = t.instanceId();
        long at = t.at();
        Instance i = instances.get(id);
        if (t.to() == null) {
            if (i != null) {
                removed(id, i, at);
            }
            return;
        }
        if (i == null) {
            i = new Instance(t.appId(), t.tier().wireName());
            instances.put(id, i);
            instancesOfApp.merge(i.appId, 1, Integer::sum);
            perTier.computeIfAbsent(i.tier, k -> new int[2])[0]++;
        }
        InstanceState was = i.state;
        InstanceState to = t.to();
        i.state = to;
        int[] tier = perTier.get(i.tier);
        if (was == InstanceState.RUNNING) {
            tier[1]--;
        }
        switch (to) {
            case ASSIGNED, STARTING -> {
                if (i.startingSince < 0) {
                    i.startingSince = at;
                }
            }
            case RUNNING -> {
                tier[1]++;
                if (was != InstanceState.RUNNING) {
                    rate.started(at, i.startingSince < 0 ? -1 : Math.max(0, at - i.startingSince));
                    timeline.started(at, i.tier, id);
                }
                i.startingSince = -1;
            }
            case RUNNING_UNREADY -> {
                // started; up once its check passes (the start rate counts it then)
            }
            case FAILED -> {
                i.startingSince = -1;
                timeline.failed(at, id, t.reason());
            }
            case NEEDS_ATTENTION -> {
                // an operator must act: not work the ETA waits for, like a failure
                i.startingSince = -1;
                timeline.needsAttention(at, id, t.reason());
            }
            case PENDING -> i.startingSince = -1;
        }
        downtime.transition(id, i.appId, i.tier, to == InstanceState.RUNNING, at);
        unready.transition(id, i.appId, i.tier, to, t.reason(), at);
        if (t.from() != null) {
            // a catalog addition alone does not take a tier down: the first move of its instances does
            timeline.tiers(at, perTier);
        }
    }

    private void removed(String id, Instance i, long at) {
        instances.remove(id);
        int[] tier = perTier.get(i.tier);
        tier[0]--;
        if (i.state == InstanceState.RUNNING) {
            tier[1]--;
        }
        downtime.removed(id, at);
        unready.removed(id, at);
        if (instancesOfApp.merge(i.appId, -1, Integer::sum) == 0) {
            instancesOfApp.remove(i.appId);
            unready.forget(i.appId);
        }
        timeline.tiers(at, perTier);
    }

    /**
     * The view as of {@code now}.
     *
     * @param now       epoch millis
     * @param mode      {@code recovery} or {@code normal}: the first view records the mode the coordinator started in
     * @param modeBy    {@code auto} or {@code operator}
     * @param modeSince epoch millis the mode was entered
     * @param dependsOn app → apps it depends on (for the ETA's ordering bound)
     */
    public TrackerView view(long now, String mode, String modeBy, long modeSince, Map<String, List<String>> dependsOn) {
        rate.observe(now);
        timeline.mode(now, mode, modeBy, modeSince);
        Map<String, String> tierOf = new HashMap<>();
        Map<String, Boolean> appUp = new HashMap<>();
        Set<String> notUp = new HashSet<>();
        int running = 0;
        int remaining = 0;
        for (Instance i : instances.values()) {
            tierOf.put(i.appId, i.tier);
            appUp.merge(i.appId, i.state == InstanceState.RUNNING, Boolean::logicalAnd);
            switch (i.state) {
                case RUNNING -> running++;
                case FAILED, NEEDS_ATTENTION -> {
                    // nothing the ETA waits for
                }
                default -> {
                    remaining++;
                    notUp.add(i.appId);
                }
            }
        }
        curve.sample(now, running);
        double perSecond = rate.perSecond(now);
        int levels = EtaEstimator.remainingLevels(notUp, tierOf, dependsOn);
        long eta = EtaEstimator.etaSeconds(remaining, perSecond, levels, rate.meanStartSeconds()).orElse(-1);
        int appsRunning = (int) appUp.values().stream().filter(b -> b).count();
        return new TrackerView(perSecond, eta, rate.meanStartSeconds(), levels, appUp.size(), appsRunning,
                timeline.events(), downtime.downtimes(now), curve.points(), unready.apps(now), hosts.missing());
    }
}
