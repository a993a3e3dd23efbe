package io.blackstart.scheduler;

import io.blackstart.protocol.Tier;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.TreeSet;

/**
 * Where every PENDING instance waits, in incremental indexes never rebuilt per call: the <i>ready</i> set in start
 * order (may start anywhere), per host the <i>home</i> queue of instances whose stopped container sits on it
 * (restart-in-place reservation), the <i>backoff</i> queue by retry time, and per app the instances <i>parked</i>
 * until a dependency is up. Backoff and parked entries are dropped lazily: a stale item is skipped when it comes up.
 * The heads it offers the planner are admitted here: a head whose dependency is not up is parked, one whose
 * dependency failed for good fails.
 */
final class PendingIndex {

    private final InstanceBook book;
    private final HostBook hosts;
    final TreeSet<Instance> ready = new TreeSet<>(Instance.ORDER);
    /** Hosts with a non-empty home queue. */
    final Set<Host> homeHosts = new LinkedHashSet<>();
    private final PriorityQueue<Timed> backoff = new PriorityQueue<>();
    private long timedSeq;
    /** Grows when the ready set may offer a host something it could not take before (an addition, a new band). */
    long readyEpoch;

    PendingIndex(InstanceBook book, HostBook hosts) {
        this.book = book;
        this.hosts = hosts;
    }

    /** Puts a PENDING instance into the index that matches why it waits. */
    void enqueue(Instance e, long now) {
        if (e.state != InstanceState.PENDING || e.where != Instance.NOWHERE) {
            return;
        }
        if (e.notBeforeMillis > now) {
            e.where = Instance.BACKOFF;
            backoff.add(new Timed(e.notBeforeMillis, timedSeq++, e, null));
        } else if (e.app.deadDep != null) {
            book.failDependency(e, now);
        } else if (e.app.unmet > 0) {
            e.where = Instance.PARKED;
            e.app.parked.add(e);
        } else {
            Host home = homeFor(e);
            if (home != null) {
                e.where = Instance.HOME;
                e.homeHost = home;
                home.home.add(e);
                homeHosts.add(home);
                hosts.touch(home);
            } else {
                e.where = Instance.READY;
                ready.add(e);
                readyEpoch++;
            }
        }
    }

    void dequeue(Instance e) {
        if (e.where == Instance.READY) {
            ready.remove(e);
        } else if (e.where == Instance.HOME) {
            e.homeHost.home.remove(e);
            if (e.homeHost.home.isEmpty()) {
                homeHosts.remove(e.homeHost);
            }
            e.homeHost = null;
        }
        e.where = Instance.NOWHERE; // BACKOFF and PARKED are lazy: stale queue items are skipped
    }

    /** Takes the instance out of its queue and puts it where it belongs now. */
    void requeue(Instance e, long now) {
        dequeue(e);
        enqueue(e, now);
    }

    /** The instances reserved for {@code h} are placed anew (the host is gone, penalised, or cannot take them). */
    void requeueHome(Host h, long now) {
        for (Instance e : new ArrayList<>(h.home)) {
            requeue(e, now);
        }
    }

    private Host homeFor(Instance e) {
        if (e.containers == null) {
            return null;
        }
        for (String node : e.containers.keySet()) {
            Host h = hosts.get(node);
            if (h != null && h != e.refusedBy && homeEligible(h, e)) {
                return h;
            }
        }
        return null;
    }

    /** Whether {@code h} may hold the instance's restart in place. */
    static boolean homeEligible(Host h, Instance e) {
        return h.report != null && !h.penalised && !h.lost && (e.failedOn == null || !e.failedOn.contains(h.nodeId));
    }

    /** A dependency of {@code a} came up or failed for good: its parked instances are placed anew. */
    void releaseParked(AppRecord a, long now) {
        if (a.parked.isEmpty()) {
            return;
        }
        List<Instance> list = a.parked;
        a.parked = new ArrayList<>();
        for (Instance e : list) {
            if (e.where == Instance.PARKED && e.state == InstanceState.PENDING) {
                e.where = Instance.NOWHERE;
                enqueue(e, now);
            }
        }
    }

    /** Retries due by {@code now} leave backoff. */
    void releaseBackoffs(long now) {
        while (!backoff.isEmpty() && backoff.peek().at() <= now) {
            Instance e = backoff.poll().entry();
            if (e.where == Instance.BACKOFF && e.state == InstanceState.PENDING && e.notBeforeMillis <= now) {
                e.where = Instance.NOWHERE;
                enqueue(e, now);
            }
        }
    }

    /** Head of the ready set that may start now (gate and dependencies), parking or failing blocked heads. */
    Instance leadingReady(long now) {
        while (!ready.isEmpty()) {
            Instance e = ready.first();
            if (e.app.spec.tier() != Tier.PLATFORM && book.gate.closed()) {
                return null;
            }
            if (!admitHead(e, now)) {
                continue;
            }
            return e;
        }
        return null;
    }

    /** Head of the host's home queue that may start now, as {@link #leadingReady}. */
    Instance leadingHome(Host h, long now) {
        while (!h.home.isEmpty()) {
            Instance e = h.home.first();
            if (e.app.spec.tier() != Tier.PLATFORM && book.gate.closed()) {
                return null;
            }
            if (!admitHead(e, now)) {
                continue;
            }
            return e;
        }
        return null;
    }

    /** False if the head was moved away (parked on a dependency, or failed because a dependency failed). */
    private boolean admitHead(Instance e, long now) {
        if (e.app.deadDep != null) {
            dequeue(e);
            book.failDependency(e, now);
            return false;
        }
        if (e.app.unmet > 0) {
            dequeue(e);
            e.where = Instance.PARKED;
            e.app.parked.add(e);
            return false;
        }
        return true;
    }
}
