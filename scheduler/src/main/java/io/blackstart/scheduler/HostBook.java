package io.blackstart.scheduler;

import java.util.LinkedHashSet;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.TreeMap;

/**
 * The hosts the ledger knows and what it has outstanding on them: which are open (free credit, not penalised),
 * which changed since the last plan ({@link #touched}), the cluster-wide pull budget and the hosts waiting for it,
 * and host penalties with their expiry.
 */
final class HostBook {

    private final LedgerSettings settings;
    final Map<String, Host> hosts = new TreeMap<>();
    /** Hosts with free credit that are not penalised. */
    final Set<Host> openHosts = new LinkedHashSet<>();
    /** Hosts whose state changed since the last plan. */
    final Set<Host> touched = new LinkedHashSet<>();
    /** Hosts that found nothing but pull-needing work while the pull budget was spent, oldest first. */
    final Set<Host> pullWaiters = new LinkedHashSet<>();
    /** Outstanding starts placed on a host that did not report the instance's image. */
    int pullsOutstanding;
    private final PriorityQueue<Timed> penalties = new PriorityQueue<>();
    private long timedSeq;

    HostBook(LedgerSettings settings) {
        this.settings = settings;
    }

    Host get(String nodeId) {
        return hosts.get(nodeId);
    }

    boolean pullBudgetSpent() {
        return pullsOutstanding >= settings.maxPullsInFlight();
    }

    /** What the host may take has changed: ask it again at the next plan. */
    void touch(Host h) {
        h.stateVersion++;
        touched.add(h);
    }

    void updateOpen(Host h) {
        boolean open = !h.lost && h.report != null && !h.penalised && h.freeCredit() > 0;
        if (open != h.open) {
            h.open = open;
            if (open) {
                openHosts.add(h);
                touched.add(h);
            } else {
                openHosts.remove(h);
            }
        }
    }

    /** The instance was placed on {@code h}: it holds a credit and its memory there, and a pull slot if needed. */
    void placed(Instance e, Host h, boolean pull) {
        if (pull) {
            e.pulling = true;
            pullsOutstanding++;
        }
        h.outstanding++;
        h.outstandingMemoryMb += e.app.spec.memoryMb();
        h.appCount.merge(e.app.spec.id(), 1, Integer::sum);
        updateOpen(h);
    }

    /** Starts placed as pulls on this host whose image the host now reports: their pull is over. */
    void pullsShownDone(Host host, HostReport report) {
        if (pullsOutstanding == 0) {
            return;
        }
        for (Instance e : host.members) {
            if (e.pulling && report.images().contains(e.app.spec.image())) {
                pullEnded(e);
            }
        }
    }

    void pullEnded(Instance e) {
        if (e.pulling) {
            e.pulling = false;
            pullsOutstanding--;
            // pull slots free: wake as many hosts that found only pull-needing work (not all of them)
            var it = pullWaiters.iterator();
            for (int free = settings.maxPullsInFlight() - pullsOutstanding; free > 0 && it.hasNext(); free--) {
                Host h = it.next();
                it.remove();
                h.noFitEpoch = -1;
                touched.add(h);
            }
        }
    }

    /** The instance's start is over (or void): its host's credit, memory and pull slot are free again. */
    void releaseOutstanding(Instance e) {
        pullEnded(e);
        if ((e.state == InstanceState.ASSIGNED || e.state == InstanceState.STARTING) && e.node != null) {
            Host h = hosts.get(e.node);
            if (h != null) {
                h.outstanding = Math.max(0, h.outstanding - 1);
                h.outstandingMemoryMb = Math.max(0, h.outstandingMemoryMb - e.app.spec.memoryMb());
                h.appCount.computeIfPresent(e.app.spec.id(), (k, v) -> v > 1 ? v - 1 : null);
                touch(h);
                updateOpen(h);
            }
        }
    }

    /** The host gets no new starts until {@code now + hostPenaltyMillis}. */
    void penalise(Host h, long now) {
        h.penalised = true;
        h.penalisedUntilMillis = now + settings.hostPenaltyMillis();
        penalties.add(new Timed(h.penalisedUntilMillis, timedSeq++, null, h));
        updateOpen(h);
    }

    /** Penalties over by {@code now} end: those hosts may take starts again. */
    void releasePenalties(long now) {
        while (!penalties.isEmpty() && penalties.peek().at() <= now) {
            Host h = penalties.poll().host();
            if (!h.lost && h.penalised && h.penalisedUntilMillis <= now) {
                h.penalised = false;
                touch(h);
                updateOpen(h);
            }
        }
    }

    /** Forgets a host that stopped reporting; null if it was unknown. */
    Host remove(String nodeId) {
        Host h = hosts.remove(nodeId);
        if (h != null) {
            h.lost = true;
            openHosts.remove(h);
            pullWaiters.remove(h);
        }
        return h;
    }
}
