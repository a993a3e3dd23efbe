package io.blackstart.scheduler;

import io.blackstart.protocol.AppSpec;
import io.blackstart.protocol.Catalog;
import io.blackstart.protocol.Tier;
import io.blackstart.protocol.wire.ContainerHealth;
import io.blackstart.protocol.wire.StartResult;
import io.blackstart.scheduler.event.EventSink;
import io.blackstart.scheduler.event.HostJoined;
import io.blackstart.scheduler.event.HostLost;
import io.blackstart.scheduler.event.InstanceTransition;

import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
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
 * <p><b>Algorithm.</b> Pending instances live in incremental indexes, never rebuilt per call ({@link PendingIndex}):
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
 *
 * <p><b>Parts.</b> This class is the façade; the work is done by package-private parts, one concept each:
 * {@link InstanceBook} (desired instances and apps, the catalog, the one state-change method and the event log),
 * {@link PlatformGate}, {@link HostBook} (hosts, credit, pull budget, penalties), {@link PendingIndex},
 * {@link Planner} (with {@link PlacementPolicy}), {@link Lifecycle} (recorded assignments, start outcomes, timeouts,
 * failures and retries), {@link HostReports} (reports and lost hosts) and {@link Explainer}.
 *
 * <p><b>Events.</b> Built with an {@link EventSink}, the ledger emits an {@link InstanceTransition} for every change
 * of an instance's state, {@link HostJoined} on a host's first report (and first after it was lost) and
 * {@link HostLost}, synchronously and in order, during the call that causes them.
 */
public final class Ledger {

    private final InstanceBook book;
    private final HostBook hosts;
    private final Lifecycle lifecycle;
    private final HostReports reports;
    private final Planner planner;
    private final Explainer explainer;

    /**
     * An empty ledger that emits no events.
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
        hosts = new HostBook(settings);
        book = new InstanceBook(events, hosts);
        PendingIndex pending = new PendingIndex(book, hosts);
        book.attach(pending);
        lifecycle = new Lifecycle(settings, random, book, hosts, pending);
        reports = new HostReports(events, book, hosts, pending, lifecycle);
        planner = new Planner(book, hosts, pending);
        explainer = new Explainer(settings, book, hosts);
    }

    // ---------------------------------------------------------------- inputs

    /**
     * Replaces the desired state. New instances become PENDING; instances no longer desired are forgotten and
     * each of their containers is returned as a {@link StopOrder}.
     */
    public List<StopOrder> setCatalog(Catalog catalog, long now) {
        return book.setCatalog(catalog, now);
    }

    /**
     * Takes a host's full report: its credits and memory, and the truth about its containers. Returns the
     * containers that must be removed (not desired, or duplicates of an instance running elsewhere).
     */
    public List<StopOrder> hostReported(HostReport report, long now) {
        return reports.hostReported(report, now);
    }

    /** A host stopped reporting (left the cluster): what it ran or was starting is pending again. */
    public void hostLost(String nodeId, long now) {
        reports.hostLost(nodeId, now);
    }

    /**
     * The assignment was recorded (etcd compare-and-set succeeded): the start may be sent.
     *
     * @param revision the record's etcd revision; the ledger does not need it (the caller keeps its records)
     */
    public void assignmentRecorded(String instanceId, String nodeId, long revision, long now) {
        lifecycle.assignmentRecorded(instanceId, nodeId, now);
    }

    /** Recording the assignment failed (another coordinator holds it, or etcd refused): back to pending. */
    public void assignmentConflict(String instanceId, String nodeId, String why, long now) {
        lifecycle.assignmentConflict(instanceId, nodeId, why, now);
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
        return lifecycle.startOutcome(nodeId, instanceId, attempt, result, detail, health, now);
    }

    /** Time passes: starts with no outcome past their deadline count as timed out; backoffs and penalties expire. */
    public void tick(long now) {
        lifecycle.timeouts(now);
        planner.releaseTimers(now);
    }

    /**
     * Late binding: for every host with free credit, picks the best pending instance for that host now, one
     * start per host per round so work spreads, until credits or eligible instances run out. Every returned
     * assignment is ASSIGNED and counts against its host's credit.
     */
    public List<Assignment> plan(long now) {
        return planner.plan(now);
    }

    /**
     * Why an instance is not (yet) running, named by the rule that holds it. For a PENDING instance, the first
     * rule that applies in this order: backoff, dependency (failed or not yet running), platform-gate,
     * restart-in-place (reserved for its host), no-credit (no open host), memory (no open host has room), pull-budget,
     * queued (behind more important work, or outside the scoring window of the hosts with credit).
     *
     * @return the explanation, or null if the instance is not desired
     */
    public Explanation explain(String instanceId, long now) {
        return explainer.explain(instanceId, now);
    }

    // ---------------------------------------------------------------- queries

    /** The state of one instance, or null if it is not desired. */
    public InstanceView instance(String instanceId) {
        Instance e = book.instances.get(instanceId);
        return e == null ? null : e.view();
    }

    /** Every desired instance, ordered by id. */
    public List<InstanceView> instances() {
        Instance[] all = book.sortedById();
        List<InstanceView> out = new ArrayList<>(all.length);
        for (Instance e : all) {
            out.add(e.view());
        }
        return out;
    }

    /** The number of desired instances. */
    public int instanceCount() {
        return book.instances.size();
    }

    /**
     * Visits every desired instance, ordered by id, without copying its history: what a status snapshot of a
     * whole platform (100,000 instances) needs, at a fraction of the garbage of {@link #instances()}.
     */
    public void forEachInstance(InstanceVisitor visitor) {
        for (Instance e : book.sortedById()) {
            visitor.visit(e.key, e.app.spec.id(), e.app.spec.tier(), e.state, e.node, e.attempt, e.failure);
        }
    }

    /** Receives one instance of {@link #forEachInstance}. */
    @FunctionalInterface
    public interface InstanceVisitor {
        void visit(String instanceId, String appId, Tier tier, InstanceState state, String nodeId, int attempt,
                   String failure);
    }

    /** Outstanding starts that need an image pull (see {@link LedgerSettings#maxPullsInFlight()}). */
    public int pullsInFlight() {
        return hosts.pullsOutstanding;
    }

    /** Counts per tier and state. O(1). */
    public Map<Tier, Map<InstanceState, Integer>> counts() {
        Map<Tier, Map<InstanceState, Integer>> out = new EnumMap<>(Tier.class);
        for (Tier t : Tier.values()) {
            Map<InstanceState, Integer> m = new EnumMap<>(InstanceState.class);
            for (InstanceState s : InstanceState.values()) {
                m.put(s, book.count(t, s));
            }
            out.put(t, m);
        }
        return out;
    }

    /** Share of desired instances not running (0 when nothing is desired). */
    public double downShare() {
        int n = book.instances.size();
        return n == 0 ? 0 : 1.0 - (double) book.total(InstanceState.RUNNING) / n;
    }

    /**
     * True when the scheduler has nothing left to do: every desired instance is RUNNING, FAILED or NEEDS_ATTENTION
     * (waiting for an operator).
     */
    public boolean converged() {
        return book.total(InstanceState.RUNNING) + book.total(InstanceState.FAILED)
                + book.total(InstanceState.NEEDS_ATTENTION) == book.instances.size();
    }

    /**
     * True when every platform-tier instance is RUNNING, FAILED or NEEDS_ATTENTION (the gate for every other tier
     * is open: a platform instance an operator must look at does not hold the whole platform back).
     */
    public boolean platformUp() {
        return !book.gate.closed();
    }

    /** Per-host view: node id → (granted, outstanding). */
    public List<HostView> hosts() {
        List<HostView> out = new ArrayList<>();
        hosts.hosts.values().forEach(h -> out.add(h.viewForQuery()));
        return out;
    }

    /** One host's view, or null if unknown. */
    public HostView host(String nodeId) {
        Host h = hosts.get(nodeId);
        return h == null ? null : h.viewForQuery();
    }

    /** Apps currently desired. */
    public Collection<AppSpec> apps() {
        return book.specs.values();
    }

    /** Read-only view of an instance. */
    public record InstanceView(String instanceId, String appId, Tier tier, InstanceState state, String nodeId,
                               int attempt, String failure, List<String> history) {
    }

    /** Read-only view of a host. */
    public record HostView(String nodeId, int granted, int outstanding, long memoryAvailableMb,
                           long penalisedUntilMillis, long lastReportMillis) {
    }
}
