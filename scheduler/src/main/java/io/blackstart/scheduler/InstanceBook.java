package io.blackstart.scheduler;

import io.blackstart.protocol.AppSpec;
import io.blackstart.protocol.Catalog;
import io.blackstart.protocol.InstanceId;
import io.blackstart.protocol.Tier;
import io.blackstart.scheduler.event.EventSink;
import io.blackstart.scheduler.event.InstanceTransition;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The desired instances and apps, and the one place an instance's state changes ({@link #transition}): there the
 * event log is emitted, the counters per tier and state are kept, dependants learn that a dependency came up, went
 * down or failed, and the platform gate (see {@link PlatformGate}) sees platform instances settle. Also applies a
 * new catalog.
 */
final class InstanceBook {

    private final EventSink events;
    private final HostBook hosts;
    private PendingIndex pending;
    final Map<String, Instance> instances = new HashMap<>();
    /** {@code instances} ordered by id, or null when the catalog changed them since it was sorted. */
    private Instance[] byId;
    final Map<String, AppRecord> apps = new TreeMap<>();
    final Map<String, AppSpec> specs = new TreeMap<>();
    private final int[][] counts = new int[Tier.values().length][InstanceState.values().length];
    final PlatformGate gate = new PlatformGate();
    private int nextSeq;
    /**
     * The multiple of its spec's start timeout every attempt is sent with (1, 2, 4, … up to
     * {@link LedgerSettings#maxStartTimeoutFactor()}); see {@link #startTimedOut}.
     */
    private int timeoutFactor = 1;

    InstanceBook(EventSink events, HostBook hosts) {
        this.events = events;
        this.hosts = hosts;
    }

    /** The multiple of the spec's start timeout a start sent now gets. */
    int timeoutFactor() {
        return timeoutFactor;
    }

    /** The start timeout, in seconds, of an attempt of {@code spec} sent with {@code factor}. */
    static int startTimeoutSeconds(AppSpec spec, int factor) {
        return (int) Math.min(Integer.MAX_VALUE, (long) spec.startTimeoutSeconds() * factor);
    }

    /**
     * A start sent with {@code factor} times its spec's timeout timed out: evidence that the timeouts are too short
     * for this recovery (after a blackout every host boots at once, from cold caches), not that the app is broken —
     * and the slowness is the fleet's, not one app's: most apps have one or two instances, so an app's own timeouts
     * would teach it too late. Every later attempt gets twice that multiple, up to {@code max}. A start timed out at
     * a smaller multiple than the current one (sent before it grew) changes nothing, so a wave of starts timing out
     * together doubles it once. It never shrinks: a longer timeout costs only a later retry of a start that truly
     * hangs (the agent's slot stays taken until the engine answers anyway), a short one a whole wasted start.
     */
    void startTimedOut(int factor, int max) {
        if (factor >= timeoutFactor) {
            timeoutFactor = (int) Math.min(max, 2L * factor);
        }
    }

    /** The pending index that dependants released by a state change go to (the two refer to each other). */
    void attach(PendingIndex pending) {
        this.pending = pending;
    }

    /**
     * Replaces the desired state. New instances become PENDING; instances no longer desired are forgotten and
     * each of their containers is returned as a {@link StopOrder}.
     */
    List<StopOrder> setCatalog(Catalog catalog, long now) {
        specs.clear();
        specs.putAll(catalog.apps());
        Map<String, AppRecord> old = new HashMap<>(apps);
        apps.clear();
        for (AppSpec spec : catalog.apps().values()) {
            AppRecord a = old.containsKey(spec.id()) ? old.get(spec.id()) : new AppRecord();
            a.spec = spec;
            a.dependents = new ArrayList<>();
            a.total = spec.instances();
            apps.put(spec.id(), a);
        }
        List<AppRecord> platform = new ArrayList<>();
        for (AppRecord a : apps.values()) {
            for (String dep : a.spec.dependsOn()) {
                AppRecord d = apps.get(dep);
                if (d != null) {
                    d.dependents.add(a);
                }
            }
            if (a.spec.tier() == Tier.PLATFORM) {
                platform.add(a);
            }
        }
        gate.platformApps = platform;
        List<StopOrder> stops = new ArrayList<>();
        List<Instance> removed = new ArrayList<>();
        for (Instance e : instances.values()) {
            AppRecord a = apps.get(e.id.appId());
            if (a == null || e.id.index() >= a.spec.instances()) {
                removed.add(e);
            }
        }
        for (Instance e : removed) {
            if (e.containers != null) {
                for (String node : e.containers.keySet()) {
                    stops.add(new StopOrder(e.key, node, "no longer desired"));
                }
            }
            if (e.node != null && (e.containers == null || !e.containers.containsKey(e.node))) {
                stops.add(new StopOrder(e.key, e.node, "no longer desired"));
            }
            pending.dequeue(e);
            hosts.releaseOutstanding(e);
            setNode(e, null);
            count(e, -1);
            emit(e, e.state, null, "no longer desired", now);
            instances.remove(e.key);
            e.removed = true;
            byId = null;
        }
        List<Instance> toQueue = new ArrayList<>();
        // new instances in start order within a band: every app's first instance before any app's second
        // (service before redundancy), then app id
        List<InstanceId> fresh = new ArrayList<>();
        for (AppRecord a : apps.values()) {
            for (int i = 0; i < a.spec.instances(); i++) {
                if (!instances.containsKey(a.spec.instance(i).toString())) {
                    fresh.add(a.spec.instance(i));
                }
            }
        }
        fresh.sort(Comparator.comparingInt(InstanceId::index).thenComparing(InstanceId::appId));
        Map<InstanceId, Integer> seqOf = new HashMap<>();
        for (InstanceId id : fresh) {
            seqOf.put(id, nextSeq++);
        }
        for (AppRecord a : apps.values()) {
            for (int i = 0; i < a.spec.instances(); i++) {
                InstanceId id = a.spec.instance(i);
                Instance e = instances.get(id.toString());
                if (e == null) {
                    e = new Instance(id, a, seqOf.get(id));
                    e.history(now, "desired");
                    emit(e, null, e.state, "desired", now);
                    instances.put(e.key, e);
                    byId = null;
                    count(e, +1);
                    toQueue.add(e);
                } else {
                    boolean queued = e.where == Instance.READY || e.where == Instance.HOME;
                    pending.dequeue(e);
                    count(e, -1);
                    e.app = a;
                    e.band = Instance.band(a.spec);
                    e.cand = null;
                    count(e, +1);
                    if (queued || (e.state == InstanceState.PENDING)) {
                        toQueue.add(e);
                    }
                }
            }
        }
        recomputeAppCounts(now);
        for (Instance e : toQueue) {
            if (e.state == InstanceState.PENDING && e.where == Instance.NOWHERE) {
                pending.enqueue(e, now);
            }
        }
        // containers of instances we never knew (e.g. index beyond the new instance count) are caught by reports
        return stops;
    }

    /**
     * The one place an instance's state changes: emits the transition (to the host {@code e.node} is on now, which
     * the caller sets first), then updates the counters, the gate and the dependants. No change of state without it.
     */
    void transition(Instance e, InstanceState s, String reason, long now) {
        InstanceState was = e.state;
        if (was == s) {
            return;
        }
        emit(e, was, s, reason, now);
        count(e, -1);
        e.state = s;
        count(e, +1);
        AppRecord a = e.app;
        a.unready += (s == InstanceState.RUNNING_UNREADY ? 1 : 0) - (was == InstanceState.RUNNING_UNREADY ? 1 : 0);
        a.attention += (s == InstanceState.NEEDS_ATTENTION ? 1 : 0) - (was == InstanceState.NEEDS_ATTENTION ? 1 : 0);
        if (was == InstanceState.RUNNING) {
            if (--a.running == 0) {
                for (AppRecord d : a.dependents) {
                    d.unmet++;
                }
            }
        }
        if (s == InstanceState.RUNNING) {
            if (a.running++ == 0) {
                for (AppRecord d : a.dependents) {
                    if (--d.unmet == 0) {
                        pending.releaseParked(d, now);
                    }
                }
            }
        }
        if (was == InstanceState.FAILED) {
            boolean wasDead = a.failed == a.total;
            a.failed--;
            if (wasDead) {
                for (AppRecord d : a.dependents) {
                    d.deadDep = deadDependency(d);
                }
            }
        }
        if (s == InstanceState.FAILED) {
            if (++a.failed == a.total) {
                for (AppRecord d : a.dependents) {
                    if (d.deadDep == null) {
                        d.deadDep = a.spec.id();
                        pending.releaseParked(d, now);
                    }
                }
            }
        }
    }

    /** A dependency of the instance's app failed for good: so does the instance. */
    void failDependency(Instance e, long now) {
        e.failure = "dependency '" + e.app.deadDep + "' failed";
        transition(e, InstanceState.FAILED, e.failure, now);
        e.history(now, "failed: " + e.failure);
    }

    /** Hands one instance transition to the event sink (nothing to build when there is none). */
    private void emit(Instance e, InstanceState from, InstanceState to, String reason, long now) {
        if (events != EventSink.NONE) {
            AppSpec spec = e.app.spec;
            events.accept(new InstanceTransition(e.key, spec.id(), spec.tier(), from, to, e.node, reason, now));
        }
    }

    /** Puts the instance on host {@code h} (null: on none). */
    void setNode(Instance e, Host h) {
        if (e.host != null) {
            e.host.members.remove(e);
        }
        e.host = h;
        e.node = h == null ? null : h.nodeId;
        if (h != null) {
            h.members.add(e);
        }
    }

    /** Adds (+1) or removes (-1) the entry from the counters, under the tier it was counted with. */
    private void count(Instance e, int delta) {
        if (delta > 0) {
            e.countedTier = e.app.spec.tier();
        }
        Tier t = e.countedTier;
        counts[t.ordinal()][e.state.ordinal()] += delta;
        if (t == Tier.PLATFORM) {
            gate.counted(e.state, delta);
        }
    }

    private void recomputeAppCounts(long now) {
        gate.changed();
        for (AppRecord a : apps.values()) {
            a.running = 0;
            a.failed = 0;
            a.unready = 0;
            a.attention = 0;
        }
        for (Instance e : instances.values()) {
            switch (e.state) {
                case RUNNING -> e.app.running++;
                case FAILED -> e.app.failed++;
                case RUNNING_UNREADY -> e.app.unready++;
                case NEEDS_ATTENTION -> e.app.attention++;
                default -> { }
            }
        }
        for (AppRecord a : apps.values()) {
            int unmet = 0;
            for (String dep : a.spec.dependsOn()) {
                AppRecord d = apps.get(dep);
                if (d != null && d.total > 0 && d.running == 0) {
                    unmet++;
                }
            }
            a.unmet = unmet;
            a.deadDep = deadDependency(a);
        }
        for (AppRecord a : apps.values()) {
            if (a.unmet == 0 || a.deadDep != null) {
                pending.releaseParked(a, now);
            }
        }
    }

    private String deadDependency(AppRecord a) {
        for (String dep : a.spec.dependsOn()) {
            AppRecord d = apps.get(dep);
            if (d != null && d.total > 0 && d.failed == d.total) {
                return dep;
            }
        }
        return null;
    }

    /** The desired instances ordered by id, sorted again only after the catalog changed them. */
    Instance[] sortedById() {
        if (byId == null) {
            byId = instances.values().toArray(new Instance[0]);
            Arrays.sort(byId, Comparator.comparing(e -> e.key));
        }
        return byId;
    }

    /** Instances in state {@code s} of tier {@code t}. */
    int count(Tier t, InstanceState s) {
        return counts[t.ordinal()][s.ordinal()];
    }

    /** Instances in state {@code s}, every tier. */
    int total(InstanceState s) {
        int n = 0;
        for (int[] perTier : counts) {
            n += perTier[s.ordinal()];
        }
        return n;
    }
}
