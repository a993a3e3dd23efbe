package io.blackstart.scheduler;

import io.blackstart.protocol.AppSpec;
import io.blackstart.protocol.Catalog;
import io.blackstart.protocol.InstanceId;
import io.blackstart.protocol.Tier;
import io.blackstart.protocol.wire.ContainerHealth;
import io.blackstart.protocol.wire.ContainerInfo;
import io.blackstart.protocol.wire.ContainerSpec;
import io.blackstart.protocol.wire.ContainerState;
import io.blackstart.protocol.wire.StartResult;
import io.blackstart.scheduler.event.EventSink;
import io.blackstart.scheduler.event.HostJoined;
import io.blackstart.scheduler.event.HostLost;
import io.blackstart.scheduler.event.InstanceTransition;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.random.RandomGenerator;

/**
 * The recovery ledger: the state of every desired instance and every host, and the only place placement
 * decisions are made. Pure and single-threaded: no clock (every call takes {@code now}, epoch millis), no
 * randomness of its own (a {@link RandomGenerator} is injected for backoff jitter), no I/O. The coordinator's
 * recovery manager and the drill drive the same code.
 *
 * <p><b>Goals.</b> Start every desired instance exactly once, in the recovery order (platform tier gate, then
 * database before app, then priority, dependencies first), on a host that has room for it now (credits), restarting
 * in place where a stopped container waits, without ever overcommitting a host.
 *
 * <p><b>Invariants.</b>
 * <ul>
 *   <li>Credit: the starts the ledger has outstanding on a host (ASSIGNED or STARTING) never exceed what the
 *       host granted in its latest report ({@code credits + startsInFlight}).</li>
 *   <li>Memory: the memory of outstanding starts on a host never exceeds its reported available memory.</li>
 *   <li>Uniqueness: an instance is ASSIGNED, STARTING or has a container (RUNNING_UNREADY, RUNNING,
 *       NEEDS_ATTENTION) on at most one host; a second container of a
 *       running instance is answered with a {@link StopOrder}.</li>
 *   <li>Every desired instance is in exactly one {@link InstanceState}; FAILED ones keep their reason; every
 *       PENDING one has an {@link #explain explanation} naming the rule that holds it.</li>
 * </ul>
 *
 * <p><b>Algorithm.</b> Pending instances live in incremental indexes, never rebuilt per call:
 * <ul>
 *   <li><i>ready</i>: one ordered set (tier, −priority, instance index, app id) of instances that may start
 *       anywhere;</li>
 *   <li><i>home</i>: per host, the same order over instances whose stopped container sits on that live host
 *       (restart-in-place reservation);</li>
 *   <li><i>backoff</i>: a queue by retry time; <i>parked</i>: per app, instances waiting for a dependency, released
 *       when the dependency's first instance runs;</li>
 *   <li><i>open hosts</i>: hosts with free credit that are not penalised.</li>
 * </ul>
 * {@link #plan} visits open hosts round-robin, one start per host per round (spread), and for each takes the best of
 * its home queue's head and at most {@link PlacementPolicy#WINDOW} candidates of the leading band of the ready set
 * (see {@link PlacementPolicy}). A placement is O(log n) plus a constant. A host that found nothing is asked again
 * only when its own state changed or the ready set offers something new, so a plan with nothing to do is cheap.
 * Starts on a host that lacks the image count against a cluster-wide pull budget
 * ({@link LedgerSettings#maxPullsInFlight()}): the registry is shared, and while the budget is spent a host only
 * takes instances it can start without a pull (rule {@code pull-budget}); freed pull slots wake as many waiting hosts.
 * A restart-in-place reservation whose host cannot fit it (memory) is released to the other hosts.
 */
public final class Ledger {

    private static final byte NOWHERE = 0;
    private static final byte READY = 1;
    private static final byte HOME = 2;
    private static final byte BACKOFF = 3;
    private static final byte PARKED = 4;
    private static final int HISTORY = 16;

    /**
     * Start order: band (tier, then priority, higher first), then instance index (every app's first instance before
     * any app's second: an app serves with one instance, redundancy comes after), then app id.
     */
    private static final Comparator<Entry> ORDER = (a, b) -> a.band != b.band ? Long.compare(a.band, b.band)
            : Integer.compare(a.seq, b.seq);

    private final LedgerSettings settings;
    private final RandomGenerator random;
    private final EventSink events;
    private final PlacementPolicy policy = new PlacementPolicy();
    private final Map<String, Entry> instances = new HashMap<>();
    /** {@code instances} ordered by id, or null when the catalog changed them since it was sorted. */
    private Entry[] byId;
    private final Map<String, AppRec> apps = new TreeMap<>();
    private final Map<String, AppSpec> specs = new TreeMap<>();
    private final Map<String, Host> hosts = new TreeMap<>();
    private final TreeSet<Entry> ready = new TreeSet<>(ORDER);
    private final PriorityQueue<Timed> backoff = new PriorityQueue<>();
    private final PriorityQueue<Timed> deadlines = new PriorityQueue<>();
    private final PriorityQueue<Timed> penalties = new PriorityQueue<>();
    private final Set<Host> openHosts = new LinkedHashSet<>();
    private final Set<Host> homeHosts = new LinkedHashSet<>();
    /**
     * Hosts whose restart-in-place head lost to a better-ranked leading ready instance that did not fit them (see
     * placeOne), by that head's rank: once the lead's rank reaches it, the host must be asked again even though
     * nothing about it changed.
     */
    private final TreeSet<Host> blockedByLead = new TreeSet<>(Comparator.comparingLong((Host h) -> h.blockBand)
            .thenComparingInt(h -> h.blockIndex).thenComparing(h -> h.nodeId));
    /** Hosts that found nothing but pull-needing work while the pull budget was spent, oldest first. */
    private final Set<Host> pullWaiters = new LinkedHashSet<>();
    private boolean blockedByPulls;
    /** Hosts whose state changed since the last plan. */
    private final Set<Host> touched = new LinkedHashSet<>();
    private long lastPlanEpoch = -1;
    private final int[][] counts = new int[Tier.values().length][InstanceState.values().length];
    private int platformNotUp;
    /** Platform instances in NEEDS_ATTENTION; while there are none the gate is simply {@code platformNotUp > 0}. */
    private int platformAttention;
    /** The apps of the platform tier (set with the catalog): what {@link #gateClosed} looks at. */
    private List<AppRec> platformApps = List.of();
    /** Grows with every state change of a platform instance: {@link #gateClosed} is recomputed only then. */
    private long platformVersion;
    private long gateCheckedVersion = -1;
    private boolean gateClosedCached;
    /** Outstanding starts placed on a host that did not report the instance's image. */
    private int pullsOutstanding;
    /** Grows when the ready set may offer a host something it could not take before (an addition, a new band). */
    private long readyEpoch;
    private long lastLeadBand = -1;
    private boolean gateWasOpen;
    private int nextSeq;
    private long timedSeq;

    /**
     * An empty ledger with the default placement stack.
     *
     * @param settings tunables
     * @param random   the only source of randomness (retry jitter); seed it for reproducible decisions
     */
    public Ledger(LedgerSettings settings, RandomGenerator random) {
        this(settings, random, EventSink.NONE);
    }

    /**
     * An empty ledger that emits its event log: an {@link InstanceTransition} for every change of an instance's
     * state (catalog additions and removals included), {@link HostJoined} and {@link HostLost}, to {@code events},
     * in the order it applies them, during the call that causes them.
     *
     * @param events where the events go, called on the ledger's thread; {@link EventSink#NONE} for none
     */
    public Ledger(LedgerSettings settings, RandomGenerator random, EventSink events) {
        this.settings = settings;
        this.random = random;
        this.events = events;
    }

    // ---------------------------------------------------------------- inputs

    /**
     * Replaces the desired state. New instances become PENDING; instances no longer desired are forgotten and
     * each of their containers is returned as a {@link StopOrder}.
     */
    public List<StopOrder> setCatalog(Catalog catalog, long now) {
        specs.clear();
        specs.putAll(catalog.apps());
        Map<String, AppRec> old = new HashMap<>(apps);
        apps.clear();
        for (AppSpec spec : catalog.apps().values()) {
            AppRec a = old.containsKey(spec.id()) ? old.get(spec.id()) : new AppRec();
            a.spec = spec;
            a.dependents = new ArrayList<>();
            a.total = spec.instances();
            apps.put(spec.id(), a);
        }
        List<AppRec> platform = new ArrayList<>();
        for (AppRec a : apps.values()) {
            for (String dep : a.spec.dependsOn()) {
                AppRec d = apps.get(dep);
                if (d != null) {
                    d.dependents.add(a);
                }
            }
            if (a.spec.tier() == Tier.PLATFORM) {
                platform.add(a);
            }
        }
        platformApps = platform;
        List<StopOrder> stops = new ArrayList<>();
        List<Entry> removed = new ArrayList<>();
        for (Entry e : instances.values()) {
            AppRec a = apps.get(e.id.appId());
            if (a == null || e.id.index() >= a.spec.instances()) {
                removed.add(e);
            }
        }
        for (Entry e : removed) {
            if (e.containers != null) {
                for (String node : e.containers.keySet()) {
                    stops.add(new StopOrder(e.key, node, "no longer desired"));
                }
            }
            if (e.node != null && (e.containers == null || !e.containers.containsKey(e.node))) {
                stops.add(new StopOrder(e.key, e.node, "no longer desired"));
            }
            dequeue(e);
            releaseOutstanding(e);
            setNode(e, null);
            count(e, -1);
            emit(e, e.state, null, "no longer desired", now);
            instances.remove(e.key);
            e.removed = true;
            byId = null;
        }
        List<Entry> toQueue = new ArrayList<>();
        // new instances in start order within a band: every app's first instance before any app's second
        // (service before redundancy), then app id
        List<InstanceId> fresh = new ArrayList<>();
        for (AppRec a : apps.values()) {
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
        for (AppRec a : apps.values()) {
            for (int i = 0; i < a.spec.instances(); i++) {
                InstanceId id = a.spec.instance(i);
                Entry e = instances.get(id.toString());
                if (e == null) {
                    e = new Entry(id, a, seqOf.get(id));
                    e.history(now, "desired");
                    emit(e, null, e.state, "desired", now);
                    instances.put(e.key, e);
                    byId = null;
                    count(e, +1);
                    toQueue.add(e);
                } else {
                    boolean queued = e.where == READY || e.where == HOME;
                    dequeue(e);
                    count(e, -1);
                    e.app = a;
                    e.band = band(a.spec);
                    e.cand = null;
                    count(e, +1);
                    if (queued || (e.state == InstanceState.PENDING)) {
                        toQueue.add(e);
                    }
                }
            }
        }
        recomputeAppCounts(now);
        for (Entry e : toQueue) {
            if (e.state == InstanceState.PENDING && e.where == NOWHERE) {
                enqueue(e, now);
            }
        }
        // containers of instances we never knew (e.g. index beyond the new instance count) are caught by reports
        return stops;
    }

    /**
     * Takes a host's full report: its credits and memory, and the truth about its containers. Returns the
     * containers that must be removed (not desired, or duplicates of an instance running elsewhere).
     */
    public List<StopOrder> hostReported(HostReport report, long now) {
        Host host = hosts.get(report.nodeId());
        if (host == null) {
            host = new Host(report.nodeId());
            hosts.put(host.nodeId, host);
            if (events != EventSink.NONE) {
                events.accept(new HostJoined(host.nodeId, now));
            }
        }
        boolean sameContainers = host.report != null && host.report.containers() == report.containers();
        host.report = report;
        host.lastReportMillis = now;
        if (sameContainers) {
            // the agent's container list is unchanged (the same immutable list): only credits, memory, images
            pullsShownDone(host, report);
            touch(host);
            updateOpen(host);
            return List.of();
        }
        String node = report.nodeId();
        List<StopOrder> stops = new ArrayList<>();
        long epoch = ++host.reportEpoch;
        int listed = 0;
        for (ContainerInfo c : report.containers()) {
            Slot slot = host.slots.get(c.instanceId());
            if (slot != null && slot.epoch != epoch) {
                listed++;
            }
            if (slot != null && unchanged(slot, c, node)) {
                // the same container in the same state as in the last report, and the ledger agrees with it
                slot.epoch = epoch;
                continue;
            }
            if (slot == null) {
                slot = new Slot();
                host.slots.put(c.instanceId(), slot);
                listed++;
            }
            slot.epoch = epoch;
            slot.container = c;
            Entry e = instances.get(c.instanceId());
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
                if (e.where == READY && host != e.refusedBy && homeEligible(host, e)) {
                    dequeue(e);
                    enqueue(e, now);
                }
            }
            if (c.state() == ContainerState.RUNNING) {
                if (e.state.hasContainer() && !node.equals(e.node)) {
                    stops.add(new StopOrder(e.key, node, "duplicate: already running on " + e.node));
                } else if (!e.state.hasContainer()) {
                    dequeue(e);
                    releaseOutstanding(e);
                    setNode(e, host);
                    e.history(now, "running (reported by " + node + ")");
                    healthSeen(e, c.health(), c.healthDetail(), "running (reported)", now);
                } else {
                    healthSeen(e, c.health(), c.healthDetail(), null, now);
                }
            } else if (e.state.hasContainer() && node.equals(e.node)) {
                down(e, "container " + c.state().name().toLowerCase() + " on " + node, now);
            }
        }
        if (listed < host.slots.size()) {
            // containers of the last report that this one no longer lists
            for (Iterator<Map.Entry<String, Slot>> it = host.slots.entrySet().iterator(); it.hasNext(); ) {
                Map.Entry<String, Slot> gone = it.next();
                if (gone.getValue().epoch == epoch) {
                    continue;
                }
                it.remove();
                countRunning(host, gone.getValue(), null);
                Entry e = instances.get(gone.getKey());
                if (e == null || e.containers == null) {
                    continue;
                }
                e.containers.remove(node);
                e.cand = null;
                if (e.state.hasContainer() && node.equals(e.node)) {
                    down(e, "container gone from " + node, now);
                } else if (e.where == HOME && e.homeHost == host) {
                    dequeue(e);
                    enqueue(e, now);
                }
            }
        }
        pullsShownDone(host, report);
        touch(host);
        updateOpen(host);
        return stops;
    }

    /**
     * Whether a listed container needs no work: it is the one the last report listed (same id, state and since),
     * its instance is still desired, and the ledger's view of the instance already agrees with it (running here
     * exactly when the container runs, in the state its health calls for). Anything else goes the full way, so a
     * duplicate's stop is re-sent with every report until the duplicate is gone, as is the stop of a container that
     * is no longer desired.
     */
    private static boolean unchanged(Slot slot, ContainerInfo c, String node) {
        Entry e = slot.entry;
        if (e == null || e.removed || !sameContainer(slot.container, c)) {
            return false;
        }
        boolean runsHere = e.state.hasContainer() && node.equals(e.node);
        return runsHere == (c.state() == ContainerState.RUNNING) && (!runsHere || e.state == stateFor(c.health()));
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

    /** The state of an instance whose container runs with this health. */
    private static InstanceState stateFor(ContainerHealth health) {
        return switch (health) {
            case NONE, HEALTHY -> InstanceState.RUNNING;
            case STARTING -> InstanceState.RUNNING_UNREADY;
            case UNHEALTHY -> InstanceState.NEEDS_ATTENTION;
        };
    }

    /**
     * The instance's container runs (on {@code e.node}) with this health: ready, not yet, or needs attention.
     * {@code cause} names why it has a container now (it did not before), or is null when it had one already.
     */
    private void healthSeen(Entry e, ContainerHealth health, String detail, String cause, long now) {
        InstanceState to = stateFor(health);
        if (to == InstanceState.NEEDS_ATTENTION) {
            e.failure = "health check failing" + (detail == null || detail.isBlank() ? "" : ": " + detail);
            if (e.state != to) {
                e.history(now, "needs attention on " + e.node + ": " + e.failure);
            }
        } else {
            e.failure = null;
            if (e.state != to && health != ContainerHealth.NONE) {
                e.history(now, to == InstanceState.RUNNING ? "ready (health check passed)"
                        : "waiting for its health check");
            }
        }
        transition(e, to, cause != null ? cause : to == InstanceState.NEEDS_ATTENTION ? e.failure
                : to == InstanceState.RUNNING ? "health check passed" : "waiting for its health check", now);
    }

    /** Counts the slot's container as a running instance of {@code appId} on the host (null: as nothing). */
    private static void countRunning(Host host, Slot slot, String appId) {
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

    /** Starts placed as pulls on this host whose image the host now reports: their pull is over. */
    private void pullsShownDone(Host host, HostReport report) {
        if (pullsOutstanding == 0) {
            return;
        }
        for (Entry e : host.members) {
            if (e.pulling && report.images().contains(e.app.spec.image())) {
                pullEnded(e);
            }
        }
    }

    /** A host stopped reporting (left the cluster): what it ran or was starting is pending again. */
    public void hostLost(String nodeId, long now) {
        Host h = hosts.remove(nodeId);
        if (h == null) {
            return;
        }
        h.lost = true;
        if (events != EventSink.NONE) {
            events.accept(new HostLost(nodeId, now));
        }
        openHosts.remove(h);
        pullWaiters.remove(h);
        homeHosts.remove(h);
        for (String key : h.slots.keySet()) {
            Entry e = instances.get(key);
            if (e != null && e.containers != null) {
                e.containers.remove(nodeId);
                e.cand = null;
            }
        }
        for (Entry e : new ArrayList<>(h.members)) {
            pullEnded(e);
            if (e.state != InstanceState.FAILED) {
                setNode(e, null);
                String why = "host " + nodeId + " lost";
                transition(e, InstanceState.PENDING, why, now);
                e.history(now, why);
                enqueue(e, now);
            }
        }
        for (Entry e : new ArrayList<>(h.home)) {
            dequeue(e);
            enqueue(e, now);
        }
    }

    /** The assignment was recorded (etcd compare-and-set succeeded): the start may be sent. */
    public void assignmentRecorded(String instanceId, String nodeId, long revision, long now) {
        Entry e = instances.get(instanceId);
        if (e == null || e.state != InstanceState.ASSIGNED || !nodeId.equals(e.node)) {
            return;
        }
        transition(e, InstanceState.STARTING, "assignment recorded", now);
        e.assignmentRevision = revision;
        // a start that needs a pull may first pull for up to the agents' pull timeout: its start timeout begins after
        e.deadlineMillis = now + e.app.spec.startTimeoutSeconds() * 1000L + settings.outcomeGraceMillis()
                + (e.pulling ? settings.pullTimeoutMillis() : 0);
        deadlines.add(new Timed(e.deadlineMillis, timedSeq++, e, null));
        e.history(now, "starting on " + nodeId + " (attempt " + e.attempt + ")");
    }

    /** Recording the assignment failed (another coordinator holds it, or etcd refused): back to pending. */
    public void assignmentConflict(String instanceId, String nodeId, String why, long now) {
        Entry e = instances.get(instanceId);
        if (e == null || e.state != InstanceState.ASSIGNED || !nodeId.equals(e.node)) {
            return;
        }
        releaseOutstanding(e);
        setNode(e, null);
        String reason = "assignment not recorded: " + why;
        transition(e, InstanceState.PENDING, reason, now);
        e.attempt = Math.max(0, e.attempt - 1);
        e.notBeforeMillis = now + settings.backoffBaseMillis();
        e.history(now, reason);
        enqueue(e, now);
    }

    /** The agent's answer to a start of a container without a health check; see the full form. */
    public List<StopOrder> startOutcome(String nodeId, String instanceId, int attempt, StartResult result,
                                        String detail, long now) {
        return startOutcome(nodeId, instanceId, attempt, result, detail, ContainerHealth.NONE, now);
    }

    /**
     * The agent's answer to a start. A started container is RUNNING when it has no health check
     * ({@code health} NONE), else RUNNING_UNREADY until a report shows its check passed; its host's credit is free
     * either way. Returns stop orders when the start produced a duplicate (the instance was meanwhile found running
     * elsewhere).
     */
    public List<StopOrder> startOutcome(String nodeId, String instanceId, int attempt, StartResult result,
                                        String detail, ContainerHealth health, long now) {
        Entry e = instances.get(instanceId);
        if (e == null) {
            return result == StartResult.STARTED ? List.of(new StopOrder(instanceId, nodeId, "no longer desired")) : List.of();
        }
        if (result == StartResult.STARTED && e.state.hasContainer() && !nodeId.equals(e.node)) {
            return List.of(new StopOrder(instanceId, nodeId, "duplicate: already running on " + e.node));
        }
        boolean current = (e.state == InstanceState.STARTING || e.state == InstanceState.ASSIGNED)
                && nodeId.equals(e.node) && e.attempt == attempt;
        if (!current) {
            return List.of();
        }
        releaseOutstanding(e);
        if (result == StartResult.STARTED) {
            Host h = hosts.get(nodeId);
            setNode(e, h);
            e.node = nodeId;
            e.history(now, "started on " + nodeId);
            healthSeen(e, health == null ? ContainerHealth.NONE : health, null, "started", now);
            return List.of();
        }
        fail(e, nodeId, result.name().toLowerCase() + (detail == null ? "" : ": " + detail),
                result != StartResult.REJECTED, now);
        return List.of();
    }

    /** Time passes: starts with no outcome past their deadline count as timed out; backoffs and penalties expire. */
    public void tick(long now) {
        while (!deadlines.isEmpty() && deadlines.peek().at <= now) {
            Entry e = deadlines.poll().entry;
            if (e.state == InstanceState.STARTING && now >= e.deadlineMillis) {
                String node = e.node;
                releaseOutstanding(e);
                fail(e, node, "timed_out: no outcome within " + e.app.spec.startTimeoutSeconds() + " s", true, now);
            }
        }
        releaseTimers(now);
    }

    // ---------------------------------------------------------------- placement

    /**
     * Late binding: for every host with free credit, picks the best pending instance for that host now, one
     * start per host per round so work spreads, until credits or eligible instances run out. Every returned
     * assignment is ASSIGNED and counts against its host's credit.
     */
    public List<Assignment> plan(long now) {
        releaseTimers(now);
        if (openHosts.isEmpty()) {
            return List.of();
        }
        List<Host> round = new ArrayList<>();
        Entry lead = leadingReady(now);
        long leadBand = lead == null ? -1 : lead.band;
        boolean gateOpen = !gateClosed();
        if (leadBand != lastLeadBand || gateOpen && !gateWasOpen) {
            readyEpoch++;
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
            touch(h);
        }
        // a host that found nothing to take is asked again only when it or the ready set changed
        boolean everyone = readyEpoch != lastPlanEpoch;
        lastPlanEpoch = readyEpoch;
        Collection<Host> candidates = everyone ? (lead != null ? openHosts : homeHosts) : touched;
        for (Host h : candidates) {
            if (h.open && (lead != null || !h.home.isEmpty())
                    && (h.noFitEpoch != readyEpoch || h.noFitVersion != h.stateVersion)) {
                round.add(h);
            }
        }
        touched.clear();
        List<Assignment> out = new ArrayList<>();
        while (!round.isEmpty()) {
            int w = 0;
            for (Host h : round) {
                Assignment a = h.open ? placeOne(h, now) : null;
                if (a == null) {
                    h.noFitEpoch = readyEpoch;
                    h.noFitVersion = h.stateVersion;
                    if (blockedByPulls) {
                        pullWaiters.add(h);
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
        Entry home = leadingHome(h, now);
        while (home != null && !policy.fits(home.candidate(), hs)) {
            // its own host cannot take it (memory): the reservation would be a black hole, so it may go elsewhere
            dequeue(home);
            home.refusedBy = h;
            enqueue(home, now);
            home = leadingHome(h, now);
        }
        Entry lead = leadingReady(now);
        Entry chosen = null;
        String leadingRule = null;
        // order beats locality: in place wins within the leading band and instance rank (first instances first)
        if (home != null && (lead == null || home.band < lead.band
                || home.band == lead.band && home.id.index() <= lead.id.index())) {
            chosen = home;
            leadingRule = "restart-in-place";
        } else if (lead != null) {
            PlacementPolicy.Choice<Entry> pick = policy.choose(hs, ready.tailSet(lead, true),
                    pullsOutstanding >= settings.maxPullsInFlight());
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
        dequeue(chosen);
        setNode(chosen, h);
        transition(chosen, InstanceState.ASSIGNED, "assigned", now);
        if (leadingRule == null && !hs.images().contains(chosen.app.spec.image())) {
            chosen.pulling = true;
            pullsOutstanding++;
        }
        chosen.attempt++;
        h.outstanding++;
        h.outstandingMemoryMb += chosen.app.spec.memoryMb();
        h.outstandingApps.merge(chosen.app.spec.id(), 1, Integer::sum);
        h.appCount.merge(chosen.app.spec.id(), 1, Integer::sum);
        updateOpen(h);
        chosen.history(now, "assigned to " + h.nodeId + " (" + why + ")");
        return new Assignment(chosen.key, chosen.app.spec.id(), h.nodeId, chosen.attempt,
                containerSpec(chosen.app.spec), why);
    }

    /** Head of the ready set that may start now (gate and dependencies), parking or failing blocked heads. */
    private Entry leadingReady(long now) {
        while (!ready.isEmpty()) {
            Entry e = ready.first();
            if (e.app.spec.tier() != Tier.PLATFORM && gateClosed()) {
                return null;
            }
            if (!admitHead(e, now)) {
                continue;
            }
            return e;
        }
        return null;
    }

    private Entry leadingHome(Host h, long now) {
        while (!h.home.isEmpty()) {
            Entry e = h.home.first();
            if (e.app.spec.tier() != Tier.PLATFORM && gateClosed()) {
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
    private boolean admitHead(Entry e, long now) {
        if (e.app.deadDep != null) {
            dequeue(e);
            failDependency(e, now);
            return false;
        }
        if (e.app.unmet > 0) {
            dequeue(e);
            e.where = PARKED;
            e.app.parked.add(e);
            return false;
        }
        return true;
    }

    private void releaseTimers(long now) {
        while (!backoff.isEmpty() && backoff.peek().at <= now) {
            Entry e = backoff.poll().entry;
            if (e.where == BACKOFF && e.state == InstanceState.PENDING && e.notBeforeMillis <= now) {
                e.where = NOWHERE;
                enqueue(e, now);
            }
        }
        while (!penalties.isEmpty() && penalties.peek().at <= now) {
            Host h = penalties.poll().host;
            if (!h.lost && h.penalised && h.penalisedUntilMillis <= now) {
                h.penalised = false;
                touch(h);
                updateOpen(h);
            }
        }
    }

    // ---------------------------------------------------------------- explanation

    /**
     * Why an instance is not (yet) running, named by the rule that holds it. For a PENDING instance, the first
     * rule that applies in this order: backoff, dependency (failed or not yet running), platform-gate,
     * restart-in-place (reserved for its host), no-credit (no open host), memory (no open host has room), queued
     * (behind more important work, or outside the scoring window of the hosts with credit).
     *
     * @return the explanation, or null if the instance is not desired
     */
    public Explanation explain(String instanceId, long now) {
        Entry e = instances.get(instanceId);
        if (e == null) {
            return null;
        }
        InstanceState s = e.state;
        switch (s) {
            case RUNNING:
                return new Explanation(e.key, s, "running", "on " + e.node, false);
            case RUNNING_UNREADY:
                return new Explanation(e.key, s, "running-unready", "on " + e.node + ", waiting for its health check"
                        + (e.app.spec.health() == null ? " (the image's HEALTHCHECK)" : " (" + e.app.spec.health()
                        .describe() + ")"), true);
            case NEEDS_ATTENTION:
                return new Explanation(e.key, s, "needs-attention", "on " + e.node + ": " + e.failure, false);
            case FAILED:
                return new Explanation(e.key, s, "failed", e.failure, false);
            case ASSIGNED:
                return new Explanation(e.key, s, "assigned", "to " + e.node + ", recording the assignment", true);
            case STARTING:
                return new Explanation(e.key, s, "starting", "on " + e.node + " (attempt " + e.attempt + ")", true);
            default:
                break;
        }
        if (e.notBeforeMillis > now) {
            return new Explanation(e.key, s, "backoff", "retry not before " + e.notBeforeMillis
                    + " after attempt " + e.attempt + ": " + e.failure, true);
        }
        if (e.app.deadDep != null) {
            return new Explanation(e.key, s, "dependency", "dependency '" + e.app.deadDep + "' failed", true);
        }
        if (e.app.unmet > 0) {
            List<String> waiting = new ArrayList<>();
            for (String dep : e.app.spec.dependsOn()) {
                AppRec d = apps.get(dep);
                if (d != null && d.total > 0 && d.running == 0) {
                    waiting.add(dep + (d.attention > 0 ? " (needs attention)" : d.unready > 0 ? " (not ready yet)" : ""));
                }
            }
            return new Explanation(e.key, s, "dependency", "waiting for " + String.join(", ", waiting)
                    + " to be ready", true);
        }
        if (e.app.spec.tier() != Tier.PLATFORM && gateClosed()) {
            return new Explanation(e.key, s, "platform-gate", platformNotUp + " platform instances not up yet", true);
        }
        if (e.where == HOME) {
            return new Explanation(e.key, s, "restart-in-place", "reserved for its stopped container on "
                    + e.homeHost.nodeId + " (" + e.homeHost.freeCredit() + " free credits)", true);
        }
        if (openHosts.isEmpty()) {
            return new Explanation(e.key, s, "no-credit", "no host has a free start slot", true);
        }
        boolean fits = false;
        for (Host h : openHosts) {
            if (h.freeMemoryMb() >= e.app.spec.memoryMb()) {
                fits = true;
                break;
            }
        }
        if (!fits) {
            return new Explanation(e.key, s, "memory", "no host with a free slot has " + e.app.spec.memoryMb()
                    + " MiB free", true);
        }
        if (pullsOutstanding >= settings.maxPullsInFlight()) {
            boolean held = false;
            for (Host h : openHosts) {
                if (h.report.images().contains(e.app.spec.image())) {
                    held = true;
                    break;
                }
            }
            if (!held) {
                return new Explanation(e.key, s, "pull-budget", pullsOutstanding + " pulls in flight (cap "
                        + settings.maxPullsInFlight() + ") and no host with a free slot has its image", true);
            }
        }
        return new Explanation(e.key, s, "queued", "behind more important work or outside the scoring window", true);
    }

    // ---------------------------------------------------------------- state machine

    private void fail(Entry e, String nodeId, String reason, boolean hostFault, long now) {
        if (nodeId != null && hostFault) {
            if (e.failedOn == null) {
                e.failedOn = new HashSet<>(2);
            }
            e.failedOn.add(nodeId);
            e.cand = null;
            Host h = hosts.get(nodeId);
            if (h != null) {
                recordHostFailure(h, now);
            }
        }
        setNode(e, null);
        e.failure = reason;
        if (e.attempt >= settings.maxAttempts()) {
            transition(e, InstanceState.FAILED, reason, now);
            e.history(now, "failed after " + e.attempt + " attempts: " + reason);
            return;
        }
        long delay = Backoff.delayMillis(e.attempt, settings.backoffBaseMillis(), settings.backoffMaxMillis(), random);
        transition(e, InstanceState.PENDING, reason, now);
        e.notBeforeMillis = now + delay;
        e.history(now, "attempt " + e.attempt + " failed on " + nodeId + ": " + reason + "; retry in " + delay + " ms");
        enqueue(e, now);
    }

    private void down(Entry e, String why, long now) {
        setNode(e, null);
        transition(e, InstanceState.PENDING, why, now);
        e.attempt = 0;
        e.history(now, "down: " + why);
        enqueue(e, now);
    }

    private void failDependency(Entry e, long now) {
        e.failure = "dependency '" + e.app.deadDep + "' failed";
        transition(e, InstanceState.FAILED, e.failure, now);
        e.history(now, "failed: " + e.failure);
    }

    /** A host that keeps failing starts gets no new ones for a while (swarmkit #1552: it must not look "free"). */
    private void recordHostFailure(Host h, long now) {
        h.failures.addLast(now);
        while (!h.failures.isEmpty() && h.failures.peekFirst() < now - settings.hostPenaltyWindowMillis()) {
            h.failures.pollFirst();
        }
        if (h.failures.size() >= settings.hostPenaltyFailures()) {
            h.failures.clear();
            h.penalised = true;
            h.penalisedUntilMillis = now + settings.hostPenaltyMillis();
            penalties.add(new Timed(h.penalisedUntilMillis, timedSeq++, null, h));
            updateOpen(h);
            for (Entry e : new ArrayList<>(h.home)) {
                dequeue(e);
                enqueue(e, now);
            }
        }
    }

    /** Puts a PENDING instance into the index that matches why it waits. */
    private void enqueue(Entry e, long now) {
        if (e.state != InstanceState.PENDING || e.where != NOWHERE) {
            return;
        }
        if (e.notBeforeMillis > now) {
            e.where = BACKOFF;
            backoff.add(new Timed(e.notBeforeMillis, timedSeq++, e, null));
        } else if (e.app.deadDep != null) {
            failDependency(e, now);
        } else if (e.app.unmet > 0) {
            e.where = PARKED;
            e.app.parked.add(e);
        } else {
            Host home = homeFor(e);
            if (home != null) {
                e.where = HOME;
                e.homeHost = home;
                home.home.add(e);
                homeHosts.add(home);
                touch(home);
            } else {
                e.where = READY;
                ready.add(e);
                readyEpoch++;
            }
        }
    }

    private void dequeue(Entry e) {
        if (e.where == READY) {
            ready.remove(e);
        } else if (e.where == HOME) {
            e.homeHost.home.remove(e);
            if (e.homeHost.home.isEmpty()) {
                homeHosts.remove(e.homeHost);
            }
            e.homeHost = null;
        }
        e.where = NOWHERE; // BACKOFF and PARKED are lazy: stale queue items are skipped
    }

    private Host homeFor(Entry e) {
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

    private static boolean homeEligible(Host h, Entry e) {
        return h.report != null && !h.penalised && !h.lost && (e.failedOn == null || !e.failedOn.contains(h.nodeId));
    }

    /**
     * The one place an instance's state changes: emits the transition (to the host {@code e.node} is on now, which
     * the caller sets first), then updates the counters, the gate and the dependants. No change of state without it.
     */
    private void transition(Entry e, InstanceState s, String reason, long now) {
        InstanceState was = e.state;
        if (was == s) {
            return;
        }
        emit(e, was, s, reason, now);
        count(e, -1);
        e.state = s;
        count(e, +1);
        AppRec a = e.app;
        a.unready += (s == InstanceState.RUNNING_UNREADY ? 1 : 0) - (was == InstanceState.RUNNING_UNREADY ? 1 : 0);
        a.attention += (s == InstanceState.NEEDS_ATTENTION ? 1 : 0) - (was == InstanceState.NEEDS_ATTENTION ? 1 : 0);
        if (was == InstanceState.RUNNING) {
            if (--a.running == 0) {
                for (AppRec d : a.dependents) {
                    d.unmet++;
                }
            }
        }
        if (s == InstanceState.RUNNING) {
            if (a.running++ == 0) {
                for (AppRec d : a.dependents) {
                    if (--d.unmet == 0) {
                        releaseParked(d, now);
                    }
                }
            }
        }
        if (was == InstanceState.FAILED) {
            boolean wasDead = a.failed == a.total;
            a.failed--;
            if (wasDead) {
                for (AppRec d : a.dependents) {
                    d.deadDep = deadDependency(d);
                }
            }
        }
        if (s == InstanceState.FAILED) {
            if (++a.failed == a.total) {
                for (AppRec d : a.dependents) {
                    if (d.deadDep == null) {
                        d.deadDep = a.spec.id();
                        releaseParked(d, now);
                    }
                }
            }
        }
    }

    /** Hands one instance transition to the event sink (nothing to build when there is none). */
    private void emit(Entry e, InstanceState from, InstanceState to, String reason, long now) {
        if (events != EventSink.NONE) {
            AppSpec spec = e.app.spec;
            events.accept(new InstanceTransition(e.key, spec.id(), spec.tier(), from, to, e.node, reason, now));
        }
    }

    private void releaseParked(AppRec a, long now) {
        if (a.parked.isEmpty()) {
            return;
        }
        List<Entry> list = a.parked;
        a.parked = new ArrayList<>();
        for (Entry e : list) {
            if (e.where == PARKED && e.state == InstanceState.PENDING) {
                e.where = NOWHERE;
                enqueue(e, now);
            }
        }
    }

    /** Adds (+1) or removes (-1) the entry from the counters, under the tier it was counted with. */
    private void count(Entry e, int delta) {
        if (delta > 0) {
            e.countedTier = e.app.spec.tier();
        }
        Tier t = e.countedTier;
        counts[t.ordinal()][e.state.ordinal()] += delta;
        if (t == Tier.PLATFORM) {
            platformVersion++;
            if (!e.state.settled()) {
                platformNotUp += delta;
            }
            if (e.state == InstanceState.NEEDS_ATTENTION) {
                platformAttention += delta;
            }
        }
    }

    /**
     * The platform gate: closed while a platform instance is not settled (RUNNING, FAILED or NEEDS_ATTENTION) —
     * except instances of platform apps that wait, directly or through other platform apps, for a platform app none
     * of whose instances is up and some of which need attention: those cannot come up before an operator acts, and
     * they do not hold every other tier back. Computed only when a platform instance needs attention, over the
     * platform apps, and then cached until a platform instance changes state.
     */
    private boolean gateClosed() {
        if (platformNotUp == 0) {
            return false;
        }
        if (platformAttention == 0) {
            return true;
        }
        if (gateCheckedVersion != platformVersion) {
            gateCheckedVersion = platformVersion;
            gateClosedCached = !onlyAttentionHoldsThePlatform();
        }
        return gateClosedCached;
    }

    private boolean onlyAttentionHoldsThePlatform() {
        Set<String> stuck = new HashSet<>();
        for (AppRec a : platformApps) {
            if (a.running == 0 && a.attention > 0) {
                stuck.add(a.spec.id());
            }
        }
        for (boolean grew = true; grew; ) {
            grew = false;
            for (AppRec a : platformApps) {
                if (a.running == 0 && !stuck.contains(a.spec.id()) && waitsFor(a, stuck)) {
                    stuck.add(a.spec.id());
                    grew = true;
                }
            }
        }
        for (AppRec a : platformApps) {
            int unsettled = a.total - a.running - a.failed - a.attention;
            if (unsettled > 0 && !waitsFor(a, stuck)) {
                return false;
            }
        }
        return true;
    }

    private static boolean waitsFor(AppRec a, Set<String> stuck) {
        for (String dep : a.spec.dependsOn()) {
            if (stuck.contains(dep)) {
                return true;
            }
        }
        return false;
    }

    private void recomputeAppCounts(long now) {
        platformVersion++;
        for (AppRec a : apps.values()) {
            a.running = 0;
            a.failed = 0;
            a.unready = 0;
            a.attention = 0;
        }
        for (Entry e : instances.values()) {
            switch (e.state) {
                case RUNNING -> e.app.running++;
                case FAILED -> e.app.failed++;
                case RUNNING_UNREADY -> e.app.unready++;
                case NEEDS_ATTENTION -> e.app.attention++;
                default -> { }
            }
        }
        for (AppRec a : apps.values()) {
            int unmet = 0;
            for (String dep : a.spec.dependsOn()) {
                AppRec d = apps.get(dep);
                if (d != null && d.total > 0 && d.running == 0) {
                    unmet++;
                }
            }
            a.unmet = unmet;
            a.deadDep = deadDependency(a);
        }
        for (AppRec a : apps.values()) {
            if (a.unmet == 0 || a.deadDep != null) {
                releaseParked(a, now);
            }
        }
    }

    private String deadDependency(AppRec a) {
        for (String dep : a.spec.dependsOn()) {
            AppRec d = apps.get(dep);
            if (d != null && d.total > 0 && d.failed == d.total) {
                return dep;
            }
        }
        return null;
    }

    private void setNode(Entry e, Host h) {
        if (e.host != null) {
            e.host.members.remove(e);
        }
        e.host = h;
        e.node = h == null ? null : h.nodeId;
        if (h != null) {
            h.members.add(e);
        }
    }

    private void pullEnded(Entry e) {
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

    private void releaseOutstanding(Entry e) {
        pullEnded(e);
        if ((e.state == InstanceState.ASSIGNED || e.state == InstanceState.STARTING) && e.node != null) {
            Host h = hosts.get(e.node);
            if (h != null) {
                h.outstanding = Math.max(0, h.outstanding - 1);
                h.outstandingMemoryMb = Math.max(0, h.outstandingMemoryMb - e.app.spec.memoryMb());
                h.outstandingApps.computeIfPresent(e.app.spec.id(), (k, v) -> v > 1 ? v - 1 : null);
                h.appCount.computeIfPresent(e.app.spec.id(), (k, v) -> v > 1 ? v - 1 : null);
                touch(h);
                updateOpen(h);
            }
        }
    }

    /** What the host may take has changed: ask it again at the next plan. */
    private void touch(Host h) {
        h.stateVersion++;
        touched.add(h);
    }

    private void updateOpen(Host h) {
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

    private static long band(AppSpec spec) {
        return ((long) spec.tier().ordinal() << 33) | ((long) Integer.MAX_VALUE - spec.priority());
    }

    static ContainerSpec containerSpec(AppSpec app) {
        return new ContainerSpec(app.image(), app.command(), app.env(), app.memoryMb(), app.cpus(),
                app.startTimeoutSeconds(), app.health());
    }

    // ---------------------------------------------------------------- queries

    /** The state of one instance, or null if it is not desired. */
    public InstanceView instance(String instanceId) {
        Entry e = instances.get(instanceId);
        return e == null ? null : e.view();
    }

    /** Every desired instance, ordered by id. */
    public List<InstanceView> instances() {
        Entry[] all = sortedById();
        List<InstanceView> out = new ArrayList<>(all.length);
        for (Entry e : all) {
            out.add(e.view());
        }
        return out;
    }

    /** The number of desired instances. */
    public int instanceCount() {
        return instances.size();
    }

    /**
     * Visits every desired instance, ordered by id, without copying its history: what a status snapshot of a
     * whole platform (100,000 instances) needs, at a fraction of the garbage of {@link #instances()}.
     */
    public void forEachInstance(InstanceVisitor visitor) {
        for (Entry e : sortedById()) {
            visitor.visit(e.key, e.app.spec.id(), e.app.spec.tier(), e.state, e.node, e.attempt, e.failure);
        }
    }

    /** Receives one instance of {@link #forEachInstance}. */
    @FunctionalInterface
    public interface InstanceVisitor {
        void visit(String instanceId, String appId, Tier tier, InstanceState state, String nodeId, int attempt,
                   String failure);
    }

    /** The desired instances ordered by id, sorted again only after the catalog changed them. */
    private Entry[] sortedById() {
        if (byId == null) {
            byId = instances.values().toArray(new Entry[0]);
            Arrays.sort(byId, Comparator.comparing(e -> e.key));
        }
        return byId;
    }

    /** Outstanding starts that need an image pull (see {@link LedgerSettings#maxPullsInFlight()}). */
    public int pullsInFlight() {
        return pullsOutstanding;
    }

    /** Counts per tier and state. O(1). */
    public Map<Tier, Map<InstanceState, Integer>> counts() {
        Map<Tier, Map<InstanceState, Integer>> out = new EnumMap<>(Tier.class);
        for (Tier t : Tier.values()) {
            Map<InstanceState, Integer> m = new EnumMap<>(InstanceState.class);
            for (InstanceState s : InstanceState.values()) {
                m.put(s, counts[t.ordinal()][s.ordinal()]);
            }
            out.put(t, m);
        }
        return out;
    }

    private int total(InstanceState s) {
        int n = 0;
        for (int[] perTier : counts) {
            n += perTier[s.ordinal()];
        }
        return n;
    }

    /** Share of desired instances not running (0 when nothing is desired). */
    public double downShare() {
        return instances.isEmpty() ? 0 : 1.0 - (double) total(InstanceState.RUNNING) / instances.size();
    }

    /**
     * True when the scheduler has nothing left to do: every desired instance is RUNNING, FAILED or NEEDS_ATTENTION
     * (waiting for an operator).
     */
    public boolean converged() {
        return total(InstanceState.RUNNING) + total(InstanceState.FAILED) + total(InstanceState.NEEDS_ATTENTION)
                == instances.size();
    }

    /**
     * True when every platform-tier instance is RUNNING, FAILED or NEEDS_ATTENTION (the gate for every other tier
     * is open: a platform instance an operator must look at does not hold the whole platform back).
     */
    public boolean platformUp() {
        return !gateClosed();
    }

    /** Per-host view: node id → (granted, outstanding). */
    public List<HostView> hosts() {
        List<HostView> out = new ArrayList<>();
        hosts.values().forEach(h -> out.add(h.viewForQuery()));
        return out;
    }

    /** One host's view, or null if unknown. */
    public HostView host(String nodeId) {
        Host h = hosts.get(nodeId);
        return h == null ? null : h.viewForQuery();
    }

    /** Apps currently desired. */
    public Collection<AppSpec> apps() {
        return specs.values();
    }

    // ---------------------------------------------------------------- state

    /** Read-only view of an instance. */
    public record InstanceView(String instanceId, String appId, Tier tier, InstanceState state, String nodeId,
                               int attempt, String failure, List<String> history) {
    }

    /** Read-only view of a host. */
    public record HostView(String nodeId, int granted, int outstanding, long memoryAvailableMb,
                           long penalisedUntilMillis, long lastReportMillis) {
    }

    private record Timed(long at, long seq, Entry entry, Host host) implements Comparable<Timed> {
        @Override
        public int compareTo(Timed o) {
            return at != o.at ? Long.compare(at, o.at) : Long.compare(seq, o.seq);
        }
    }

    private static final class AppRec {
        AppSpec spec;
        int total;
        /** Instances RUNNING (up). */
        int running;
        int failed;
        /** Instances RUNNING_UNREADY, and NEEDS_ATTENTION (explanations of the dependants). */
        int unready;
        int attention;
        /** Dependencies with instances of which none is up. */
        int unmet;
        /** A dependency whose every instance failed, or null. */
        String deadDep;
        List<AppRec> dependents = new ArrayList<>();
        List<Entry> parked = new ArrayList<>();
    }

    private static final class Entry implements PlacementPolicy.Queued {
        final InstanceId id;
        final String key;
        final int seq;
        AppRec app;
        long band;
        InstanceState state = InstanceState.PENDING;
        String node;
        Host host;
        int attempt;
        long notBeforeMillis;
        long deadlineMillis;
        long assignmentRevision;
        String failure;
        Map<String, ContainerInfo> containers;
        Set<String> failedOn;
        /** No longer desired (dropped by a catalog update). */
        boolean removed;
        byte where;
        /** The tier the counters hold it under (its app's tier may change with the catalog). */
        Tier countedTier;
        Host homeHost;
        /** Placed on a host without its image: counts against {@link LedgerSettings#maxPullsInFlight()}. */
        boolean pulling;
        /** A home host whose memory could not take it: not reserved for that host again. */
        Host refusedBy;
        PlacementPolicy.Candidate cand;
        final List<String> history = new ArrayList<>(4);

        Entry(InstanceId id, AppRec app, int seq) {
            this.id = id;
            this.key = id.toString();
            this.app = app;
            this.seq = seq;
            this.band = Ledger.band(app.spec);
        }

        void history(long now, String what) {
            if (history.size() >= HISTORY) {
                history.remove(1); // keep the first event and the latest ones
            }
            history.add(now + " " + what);
        }

        @Override
        public long band() {
            return band;
        }

        @Override
        public boolean waitsForDependency() {
            return app.unmet > 0 || app.deadDep != null;
        }

        @Override
        public PlacementPolicy.Candidate candidate() {
            if (cand == null) {
                AppSpec a = app.spec;
                cand = new PlacementPolicy.Candidate(key, a.id(), a.tier(), a.priority(), a.memoryMb(), a.image(),
                        containers == null ? Set.of() : Collections.unmodifiableSet(containers.keySet()),
                        failedOn == null ? Set.of() : Collections.unmodifiableSet(failedOn));
            }
            return cand;
        }

        InstanceView view() {
            return new InstanceView(key, app.spec.id(), app.spec.tier(), state, node, attempt, failure,
                    List.copyOf(history));
        }
    }

    /** One container of a host's last report, and what the ledger made of it. */
    private static final class Slot {
        ContainerInfo container;
        /** The desired instance it belongs to when it was last looked at, or null. */
        Entry entry;
        /** The app it counts as a running instance of in {@code Host.appCount}, or null. */
        String countedApp;
        /** The host's report epoch that last listed it. */
        long epoch;
    }

    private static final class Host {
        final String nodeId;
        HostReport report;
        long lastReportMillis;
        int outstanding;
        long outstandingMemoryMb;
        boolean penalised;
        long penalisedUntilMillis;
        boolean open;
        boolean lost;
        final ArrayDeque<Long> failures = new ArrayDeque<>();
        final Map<String, Integer> outstandingApps = new HashMap<>();
        /** Instances per app on this host: running as last reported (desired ones), plus outstanding starts. */
        final Map<String, Integer> appCount = new HashMap<>();
        /** Changes whenever what the host can take may have grown (report, released start, penalty over). */
        long stateVersion;
        long noFitEpoch = -1;
        long noFitVersion = -1;
        /** In {@code blockedByLead}, keyed by the rank (band, index) of its in-place head that waited. */
        boolean blocked;
        long blockBand;
        int blockIndex;
        /** The containers of the last report, by instance id. */
        final Map<String, Slot> slots = new HashMap<>();
        long reportEpoch;
        final TreeSet<Entry> home = new TreeSet<>(ORDER);
        final Set<Entry> members = new HashSet<>();

        Host(String nodeId) {
            this.nodeId = nodeId;
        }

        int granted() {
            return report == null ? 0 : Math.max(0, report.credits()) + Math.max(0, report.startsInFlight());
        }

        int freeCredit() {
            return granted() - outstanding;
        }

        long freeMemoryMb() {
            return report == null ? 0 : report.memoryAvailableMb() - outstandingMemoryMb;
        }

        PlacementPolicy.HostState state() {
            return new PlacementPolicy.HostState(nodeId, freeCredit(), freeMemoryMb(),
                    report == null ? Set.of() : report.images(), Collections.unmodifiableMap(appCount));
        }

        HostView viewForQuery() {
            return new HostView(nodeId, granted(), outstanding, report == null ? 0 : report.memoryAvailableMb(),
                    penalised ? penalisedUntilMillis : 0, lastReportMillis);
        }
    }
}
