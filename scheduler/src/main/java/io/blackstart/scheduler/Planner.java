package io.blackstart.scheduler;

import io.blackstart.protocol.AppSpec;
import io.blackstart.protocol.wire.ContainerSpec;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.TreeSet;

/**
 * Late binding: visits open hosts round-robin, one start per host per round (spread), and for each takes the best
 * of its home queue's head and the leading band of the ready set ({@link PlacementPolicy#choose}); order beats
 * locality. A host that found nothing is asked again only when its own state changed, the ready set offers
 * something new, the pull budget freed up, or the lead that held back its in-place instance went elsewhere, so a
 * plan with nothing to do is cheap. Makes every assignment.
 */
final class Planner {

    private final InstanceBook book;
    private final HostBook hosts;
    private final PendingIndex pending;
    private final PlacementPolicy policy = new PlacementPolicy();
    /**
     * Hosts whose restart-in-place head lost to a better-ranked leading ready instance that did not fit them (see
     * placeOne), by that head's rank: once the lead's rank reaches it, the host must be asked again even though
     * nothing about it changed.
     */
    private final TreeSet<Host> blockedByLead = new TreeSet<>(Comparator.comparingLong((Host h) -> h.blockBand)
            .thenComparingInt(h -> h.blockIndex).thenComparing(h -> h.nodeId));
    /** Whether the last decision found only pull-needing work while the pull budget was spent. */
    private boolean blockedByPulls;
    private long lastPlanEpoch = -1;
    private long lastLeadBand = -1;
    private boolean gateWasOpen;

    Planner(InstanceBook book, HostBook hosts, PendingIndex pending) {
        this.book = book;
        this.hosts = hosts;
        this.pending = pending;
    }

    /** Retries and host penalties due by {@code now} end. */
    void releaseTimers(long now) {
        pending.releaseBackoffs(now);
        hosts.releasePenalties(now);
    }

    /** See {@link Ledger#plan}. */
    List<Assignment> plan(long now) {
        releaseTimers(now);
        if (hosts.openHosts.isEmpty()) {
            return List.of();
        }
        List<Host> round = new ArrayList<>();
        Instance lead = pending.leadingReady(now);
        long leadBand = lead == null ? -1 : lead.band;
        boolean gateOpen = !book.gate.closed();
        if (leadBand != lastLeadBand || gateOpen && !gateWasOpen) {
            pending.readyEpoch++;
            lastLeadBand = leadBand;
            gateWasOpen = gateOpen;
        }
        // a host whose in-place instance waited behind a better-ranked lead is asked again once the lead's rank
        // has reached it (O(log n) per host released; hosts still behind the lead stay untouched)
        while (!blockedByLead.isEmpty()) {
            Host h = blockedByLead.first();
            if (lead != null && !(h.blockBand < lead.band
                    || h.blockBand == lead.band && h.blockIndex <= lead.id.index())) {
                break;
            }
            blockedByLead.pollFirst();
            h.blocked = false;
            hosts.touch(h);
        }
        // a host that found nothing to take is asked again only when it or the ready set changed
        long readyEpoch = pending.readyEpoch;
        boolean everyone = readyEpoch != lastPlanEpoch;
        lastPlanEpoch = readyEpoch;
        Collection<Host> candidates = everyone ? (lead != null ? hosts.openHosts : pending.homeHosts) : hosts.touched;
        for (Host h : candidates) {
            if (h.open && (lead != null || !h.home.isEmpty())
                    && (h.noFitEpoch != readyEpoch || h.noFitVersion != h.stateVersion)) {
                round.add(h);
            }
        }
        hosts.touched.clear();
        List<Assignment> out = new ArrayList<>();
        while (!round.isEmpty()) {
            int w = 0;
            for (Host h : round) {
                Assignment a = h.open ? placeOne(h, now) : null;
                if (a == null) {
                    h.noFitEpoch = pending.readyEpoch;
                    h.noFitVersion = h.stateVersion;
                    if (blockedByPulls) {
                        hosts.pullWaiters.add(h);
                    }
                } else {
                    out.add(a);
                    if (h.open) {
                        round.set(w++, h);
                    }
                }
            }
            round.subList(w, round.size()).clear();
        }
        return out;
    }

    /** One decision for one host, or null when nothing fits it now. */
    private Assignment placeOne(Host h, long now) {
        blockedByPulls = false;
        PlacementPolicy.HostState hs = h.state();
        Instance home = pending.leadingHome(h, now);
        while (home != null && !policy.fits(home.candidate(), hs)) {
            // its own host cannot take it (memory): the reservation would be a black hole, so it may go elsewhere
            home.refusedBy = h;
            pending.requeue(home, now);
            home = pending.leadingHome(h, now);
        }
        Instance lead = pending.leadingReady(now);
        Instance chosen = null;
        String leadingRule = null;
        // order beats locality: in place wins within the leading band and instance rank (first instances first)
        if (home != null && (lead == null || home.band < lead.band
                || home.band == lead.band && home.id.index() <= lead.id.index())) {
            chosen = home;
            leadingRule = "restart-in-place";
        } else if (lead != null) {
            PlacementPolicy.Choice<Instance> pick = policy.choose(hs, pending.ready.tailSet(lead, true),
                    hosts.pullBudgetSpent());
            chosen = pick.chosen();
            blockedByPulls = pick.heldByPullBudget();
        }
        if (chosen == null) {
            if (home != null) {
                // its in-place instance ranks behind the lead, which does not fit here: when the lead goes
                // elsewhere, this host must be asked again even if nothing else about it changes
                if (h.blocked) {
                    blockedByLead.remove(h);
                }
                h.blockBand = home.band;
                h.blockIndex = home.id.index();
                h.blocked = true;
                blockedByLead.add(h);
            }
            return null;
        }
        PlacementPolicy.Candidate c = chosen.candidate();
        String why = policy.explain(c, hs, leadingRule);
        pending.dequeue(chosen);
        book.setNode(chosen, h);
        book.transition(chosen, InstanceState.ASSIGNED, "assigned", now);
        chosen.attempt++;
        chosen.timeoutFactor = book.timeoutFactor();
        hosts.placed(chosen, h, leadingRule == null && !hs.images().contains(chosen.app.spec.image()));
        chosen.history(now, "assigned to " + h.nodeId + " (" + why + ")");
        return new Assignment(chosen.key, chosen.app.spec.id(), h.nodeId, chosen.attempt,
                containerSpec(chosen.app.spec, InstanceBook.startTimeoutSeconds(chosen.app.spec, chosen.timeoutFactor)),
                why);
    }

    static ContainerSpec containerSpec(AppSpec app) {
        return containerSpec(app, app.startTimeoutSeconds());
    }

    /** The container to start, with the start timeout this attempt gets (the agent enforces it). */
    static ContainerSpec containerSpec(AppSpec app, int startTimeoutSeconds) {
        return new ContainerSpec(app.image(), app.command(), app.env(), app.memoryMb(), app.cpus(),
                startTimeoutSeconds, app.health());
    }
}
