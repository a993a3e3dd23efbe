package io.blackstart.scheduler;

import io.blackstart.protocol.AppSpec;
import io.blackstart.protocol.Catalog;
import io.blackstart.protocol.InstanceId;
import io.blackstart.protocol.Tier;
import io.blackstart.protocol.wire.ContainerInfo;
import io.blackstart.protocol.wire.ContainerSpec;
import io.blackstart.protocol.wire.ContainerState;
import io.blackstart.protocol.wire.StartResult;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.random.RandomGenerator;

/**
 * The recovery ledger: the state of every desired instance and every host, and the only place placement
 * decisions are made. Pure and single-threaded: no clock (every call takes {@code now}, epoch millis), no
 * randomness of its own (a {@link RandomGenerator} is injected for backoff jitter), no I/O. The coordinator's
 * recovery manager and the drill drive the same code.
 *
 * <p><b>Invariants.</b>
 * <ul>
 *   <li>Credit: the starts the ledger has outstanding on a host (ASSIGNED or STARTING) never exceed what the
 *       host granted in its latest report ({@code credits + startsInFlight}).</li>
 *   <li>Memory: the memory of outstanding starts on a host never exceeds its reported available memory.</li>
 *   <li>Uniqueness: an instance is ASSIGNED, STARTING or RUNNING on at most one host; a second container of a
 *       running instance is answered with a {@link StopOrder}.</li>
 *   <li>Every desired instance is in exactly one {@link InstanceState}; FAILED ones keep their reason.</li>
 * </ul>
 */
public final class Ledger {

    private final LedgerSettings settings;
    private final RandomGenerator random;
    private final PlacementPolicy policy;
    private final Map<String, Entry> instances = new TreeMap<>();
    private final Map<String, AppSpec> apps = new TreeMap<>();
    private final Map<String, Host> hosts = new TreeMap<>();

    public Ledger(LedgerSettings settings, RandomGenerator random) {
        this(settings, random, new PlacementPolicy());
    }

    public Ledger(LedgerSettings settings, RandomGenerator random, PlacementPolicy policy) {
        this.settings = settings;
        this.random = random;
        this.policy = policy;
    }

    // ---------------------------------------------------------------- inputs

    /**
     * Replaces the desired state. New instances become PENDING; instances no longer desired are forgotten and
     * each of their containers is returned as a {@link StopOrder}.
     */
    public List<StopOrder> setCatalog(Catalog catalog, long now) {
        apps.clear();
        apps.putAll(catalog.apps());
        Set<String> wanted = new HashSet<>();
        for (AppSpec app : catalog.apps().values()) {
            for (int i = 0; i < app.instances(); i++) {
                InstanceId id = app.instance(i);
                wanted.add(id.toString());
                Entry e = instances.get(id.toString());
                if (e == null) {
                    e = new Entry(id, app);
                    e.history(now, "desired");
                    instances.put(id.toString(), e);
                } else {
                    e.app = app;
                }
            }
        }
        List<StopOrder> stops = new ArrayList<>();
        for (var it = instances.values().iterator(); it.hasNext(); ) {
            Entry e = it.next();
            if (!wanted.contains(e.key())) {
                for (String node : e.containers.keySet()) {
                    stops.add(new StopOrder(e.key(), node, "no longer desired"));
                }
                if (e.node != null && !e.containers.containsKey(e.node)) {
                    stops.add(new StopOrder(e.key(), e.node, "no longer desired"));
                }
                releaseOutstanding(e);
                it.remove();
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
        Host host = hosts.computeIfAbsent(report.nodeId(), Host::new);
        host.report = report;
        host.lastReportMillis = now;
        List<StopOrder> stops = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (ContainerInfo c : report.containers()) {
            seen.add(c.instanceId());
            Entry e = instances.get(c.instanceId());
            if (e == null) {
                stops.add(new StopOrder(c.instanceId(), report.nodeId(), "no longer desired"));
                continue;
            }
            e.containers.put(report.nodeId(), c);
            if (c.state() == ContainerState.RUNNING) {
                if (e.state == InstanceState.RUNNING && !report.nodeId().equals(e.node)) {
                    stops.add(new StopOrder(e.key(), report.nodeId(), "duplicate: already running on " + e.node));
                } else if (e.state != InstanceState.RUNNING) {
                    if (e.node != null && !report.nodeId().equals(e.node)) {
                        // started elsewhere meanwhile: the outstanding start will be stopped when it reports
                        e.supersededOn = e.node;
                    }
                    releaseOutstanding(e);
                    e.markRunning(report.nodeId(), now, "running (reported by " + report.nodeId() + ")");
                }
            } else if (e.state == InstanceState.RUNNING && report.nodeId().equals(e.node)) {
                e.state = InstanceState.PENDING;
                e.node = null;
                e.attempt = 0;
                e.history(now, "down: container " + c.state().name().toLowerCase() + " on " + report.nodeId());
            }
        }
        for (Entry e : instances.values()) {
            if (!seen.contains(e.key())) {
                e.containers.remove(report.nodeId());
                if (e.state == InstanceState.RUNNING && report.nodeId().equals(e.node)) {
                    e.state = InstanceState.PENDING;
                    e.node = null;
                    e.attempt = 0;
                    e.history(now, "down: container gone from " + report.nodeId());
                }
            }
        }
        return stops;
    }

    /** A host stopped reporting (left the cluster): what it ran or was starting is pending again. */
    public void hostLost(String nodeId, long now) {
        hosts.remove(nodeId);
        for (Entry e : instances.values()) {
            e.containers.remove(nodeId);
            if (nodeId.equals(e.node) && e.state != InstanceState.FAILED) {
                e.state = InstanceState.PENDING;
                e.node = null;
                e.history(now, "host " + nodeId + " lost");
            }
        }
    }

    /** The assignment was recorded (etcd compare-and-set succeeded): the start may be sent. */
    public void assignmentRecorded(String instanceId, String nodeId, long revision, long now) {
        Entry e = instances.get(instanceId);
        if (e == null || e.state != InstanceState.ASSIGNED || !nodeId.equals(e.node)) {
            return;
        }
        e.state = InstanceState.STARTING;
        e.assignmentRevision = revision;
        e.deadlineMillis = now + e.app.startTimeoutSeconds() * 1000L + settings.outcomeGraceMillis();
        e.history(now, "starting on " + nodeId + " (attempt " + e.attempt + ")");
    }

    /** Recording the assignment failed (another coordinator holds it, or etcd refused): back to pending. */
    public void assignmentConflict(String instanceId, String nodeId, String why, long now) {
        Entry e = instances.get(instanceId);
        if (e == null || e.state != InstanceState.ASSIGNED || !nodeId.equals(e.node)) {
            return;
        }
        releaseOutstanding(e);
        e.state = InstanceState.PENDING;
        e.node = null;
        e.attempt = Math.max(0, e.attempt - 1);
        e.notBeforeMillis = now + settings.backoffBaseMillis();
        e.history(now, "assignment not recorded: " + why);
    }

    /**
     * The agent's answer to a start. Returns stop orders when the start produced a duplicate (the instance was
     * meanwhile found running elsewhere).
     */
    public List<StopOrder> startOutcome(String nodeId, String instanceId, int attempt, StartResult result,
                                        String detail, long now) {
        Entry e = instances.get(instanceId);
        if (e == null) {
            return result == StartResult.STARTED ? List.of(new StopOrder(instanceId, nodeId, "no longer desired")) : List.of();
        }
        if (result == StartResult.STARTED && e.state == InstanceState.RUNNING && !nodeId.equals(e.node)) {
            return List.of(new StopOrder(instanceId, nodeId, "duplicate: already running on " + e.node));
        }
        boolean current = (e.state == InstanceState.STARTING || e.state == InstanceState.ASSIGNED)
                && nodeId.equals(e.node) && e.attempt == attempt;
        if (!current) {
            return List.of();
        }
        releaseOutstanding(e);
        if (result == StartResult.STARTED) {
            e.markRunning(nodeId, now, "started on " + nodeId);
            return List.of();
        }
        fail(e, nodeId, result.name().toLowerCase() + (detail == null ? "" : ": " + detail), result != StartResult.REJECTED, now);
        return List.of();
    }

    /** Time passes: starts with no outcome past their deadline count as timed out. */
    public void tick(long now) {
        for (Entry e : instances.values()) {
            if (e.state == InstanceState.STARTING && now >= e.deadlineMillis) {
                releaseOutstanding(e);
                fail(e, e.node, "timed_out: no outcome within " + e.app.startTimeoutSeconds() + " s", true, now);
            }
        }
    }

    // ---------------------------------------------------------------- placement

    /**
     * Late binding: for every host with free credit, picks the best pending instance for that host now, one
     * start per host per round so work spreads, until credits or eligible instances run out. Every returned
     * assignment is ASSIGNED and counts against its host's credit.
     */
    public List<Assignment> plan(long now) {
        List<Entry> eligible = eligible(now);
        if (eligible.isEmpty()) {
            return List.of();
        }
        List<Assignment> out = new ArrayList<>();
        List<Host> open = new ArrayList<>();
        for (Host h : hosts.values()) {
            if (h.report != null && h.freeCredit() > 0 && now >= h.penalisedUntilMillis) {
                open.add(h);
            }
        }
        open.sort(Comparator.comparingInt(Host::freeCredit).reversed().thenComparing(h -> h.nodeId));
        Set<Entry> taken = new HashSet<>();
        boolean progress = true;
        while (progress && !open.isEmpty()) {
            progress = false;
            for (var it = open.iterator(); it.hasNext(); ) {
                Host h = it.next();
                PlacementPolicy.Choice choice = policy.choose(h.view(), candidates(eligible, taken), this::liveElsewhere);
                if (choice == null) {
                    it.remove();
                    continue;
                }
                Entry e = instances.get(choice.instanceId());
                taken.add(e);
                e.state = InstanceState.ASSIGNED;
                e.node = h.nodeId;
                e.attempt++;
                h.outstanding++;
                h.outstandingMemoryMb += e.app.memoryMb();
                h.appCounts.merge(e.app.id(), 1, Integer::sum);
                e.history(now, "assigned to " + h.nodeId + " (" + choice.explanation() + ")");
                out.add(new Assignment(e.key(), e.app.id(), h.nodeId, e.attempt, containerSpec(e.app),
                        choice.explanation()));
                progress = true;
                if (h.freeCredit() <= 0) {
                    it.remove();
                }
            }
        }
        return out;
    }

    private List<PlacementPolicy.Candidate> candidates(List<Entry> eligible, Set<Entry> taken) {
        List<PlacementPolicy.Candidate> out = new ArrayList<>(eligible.size());
        for (Entry e : eligible) {
            if (!taken.contains(e)) {
                out.add(e.candidate());
            }
        }
        return out;
    }

    /** True if the instance has a container on a live host other than {@code nodeId} that could restart it. */
    private boolean liveElsewhere(String instanceId, String nodeId) {
        Entry e = instances.get(instanceId);
        for (String node : e.containers.keySet()) {
            Host h = hosts.get(node);
            if (!node.equals(nodeId) && h != null && !e.failedOn.contains(node) && h.penalisedUntilMillis <= 0) {
                return true;
            }
        }
        return false;
    }

    /** Pending instances allowed to start now, in start order: tier gate, dependencies, backoff. */
    private List<Entry> eligible(long now) {
        boolean platformUp = true;
        Map<String, int[]> appRunning = new HashMap<>(); // [running, failed, total]
        for (Entry e : instances.values()) {
            int[] c = appRunning.computeIfAbsent(e.app.id(), k -> new int[3]);
            c[2]++;
            if (e.state == InstanceState.RUNNING) {
                c[0]++;
            } else if (e.state == InstanceState.FAILED) {
                c[1]++;
            }
            if (e.app.tier() == Tier.PLATFORM && e.state != InstanceState.RUNNING && e.state != InstanceState.FAILED) {
                platformUp = false;
            }
        }
        List<Entry> out = new ArrayList<>();
        for (Entry e : instances.values()) {
            if (e.state != InstanceState.PENDING || now < e.notBeforeMillis) {
                continue;
            }
            if (!platformUp && e.app.tier() != Tier.PLATFORM) {
                continue;
            }
            String failedDep = null;
            boolean ready = true;
            for (String dep : e.app.dependsOn()) {
                int[] c = appRunning.get(dep);
                if (c == null || c[2] == 0) {
                    continue; // dependency with no instances: nothing to wait for
                }
                if (c[0] == 0) {
                    ready = false;
                    if (c[1] == c[2]) {
                        failedDep = dep;
                    }
                }
            }
            if (failedDep != null) {
                e.state = InstanceState.FAILED;
                e.failure = "dependency '" + failedDep + "' failed";
                e.history(now, "failed: " + e.failure);
                continue;
            }
            if (ready) {
                out.add(e);
            }
        }
        out.sort(START_ORDER);
        return out;
    }

    /** Start order: tier, then priority (higher first), then app id, then index. */
    static final Comparator<Entry> START_ORDER = Comparator
            .comparing((Entry e) -> e.app.tier())
            .thenComparing(e -> -e.app.priority())
            .thenComparing(e -> e.id);

    private void fail(Entry e, String nodeId, String reason, boolean hostFault, long now) {
        if (nodeId != null && hostFault) {
            e.failedOn.add(nodeId);
            Host h = hosts.get(nodeId);
            if (h != null) {
                h.recordFailure(now, settings);
            }
        }
        e.node = null;
        e.failure = reason;
        if (e.attempt >= settings.maxAttempts()) {
            e.state = InstanceState.FAILED;
            e.history(now, "failed after " + e.attempt + " attempts: " + reason);
            return;
        }
        long delay = Math.min(settings.backoffMaxMillis(),
                settings.backoffBaseMillis() * (1L << Math.min(20, Math.max(0, e.attempt - 1))));
        // "equal jitter": half fixed, half random, so retries of a burst do not land together
        delay = delay / 2 + (long) (random.nextDouble() * (delay / 2.0));
        e.state = InstanceState.PENDING;
        e.notBeforeMillis = now + delay;
        e.history(now, "attempt " + e.attempt + " failed on " + nodeId + ": " + reason + "; retry in " + delay + " ms");
    }

    private void releaseOutstanding(Entry e) {
        if ((e.state == InstanceState.ASSIGNED || e.state == InstanceState.STARTING) && e.node != null) {
            Host h = hosts.get(e.node);
            if (h != null) {
                h.outstanding = Math.max(0, h.outstanding - 1);
                h.outstandingMemoryMb = Math.max(0, h.outstandingMemoryMb - e.app.memoryMb());
                h.appCounts.computeIfPresent(e.app.id(), (k, v) -> v > 1 ? v - 1 : null);
            }
        }
    }

    static ContainerSpec containerSpec(AppSpec app) {
        return new ContainerSpec(app.image(), app.command(), app.env(), app.memoryMb(), app.cpus(),
                app.startTimeoutSeconds());
    }

    // ---------------------------------------------------------------- queries

    /** The state of one instance, or null if it is not desired. */
    public InstanceView instance(String instanceId) {
        Entry e = instances.get(instanceId);
        return e == null ? null : e.view();
    }

    /** Every desired instance, ordered by id. */
    public List<InstanceView> instances() {
        List<InstanceView> out = new ArrayList<>(instances.size());
        instances.values().forEach(e -> out.add(e.view()));
        return out;
    }

    /** Counts per tier and state. */
    public Map<Tier, Map<InstanceState, Integer>> counts() {
        Map<Tier, Map<InstanceState, Integer>> out = new EnumMap<>(Tier.class);
        for (Tier t : Tier.values()) {
            Map<InstanceState, Integer> m = new EnumMap<>(InstanceState.class);
            for (InstanceState s : InstanceState.values()) {
                m.put(s, 0);
            }
            out.put(t, m);
        }
        for (Entry e : instances.values()) {
            out.get(e.app.tier()).merge(e.state, 1, Integer::sum);
        }
        return out;
    }

    /** Share of desired instances not running (0 when nothing is desired). */
    public double downShare() {
        if (instances.isEmpty()) {
            return 0;
        }
        long running = instances.values().stream().filter(e -> e.state == InstanceState.RUNNING).count();
        return 1.0 - (double) running / instances.size();
    }

    /** True when every desired instance is RUNNING or FAILED. */
    public boolean converged() {
        return instances.values().stream()
                .allMatch(e -> e.state == InstanceState.RUNNING || e.state == InstanceState.FAILED);
    }

    /** Per-host view: node id → (granted, outstanding). */
    public List<HostView> hosts() {
        List<HostView> out = new ArrayList<>();
        hosts.values().forEach(h -> out.add(h.viewForQuery()));
        return out;
    }

    /** Apps currently desired. */
    public Collection<AppSpec> apps() {
        return apps.values();
    }

    // ---------------------------------------------------------------- state

    /** Read-only view of an instance. */
    public record InstanceView(String instanceId, String appId, Tier tier, InstanceState state, String nodeId,
                               int attempt, String failure, List<String> history) {
    }

    private static final class Entry {
        final InstanceId id;
        AppSpec app;
        InstanceState state = InstanceState.PENDING;
        String node;
        int attempt;
        long notBeforeMillis;
        long deadlineMillis;
        long assignmentRevision;
        String failure;
        String supersededOn;
        final Map<String, ContainerInfo> containers = new LinkedHashMap<>();
        final Set<String> failedOn = new HashSet<>();
        final List<String> history = new ArrayList<>();

        Entry(InstanceId id, AppSpec app) {
            this.id = id;
            this.app = app;
        }

        String key() {
            return id.toString();
        }

        void markRunning(String nodeId, long now, String why) {
            state = InstanceState.RUNNING;
            node = nodeId;
            failure = null;
            history(now, why);
        }

        void history(long now, String what) {
            if (history.size() >= 32) {
                history.remove(1); // keep the first event and the latest ones
            }
            history.add(now + " " + what);
        }

        PlacementPolicy.Candidate candidate() {
            return new PlacementPolicy.Candidate(key(), app.id(), app.tier(), app.priority(), app.memoryMb(),
                    app.image(), Set.copyOf(containers.keySet()), Set.copyOf(failedOn));
        }

        InstanceView view() {
            return new InstanceView(key(), app.id(), app.tier(), state, node, attempt, failure, List.copyOf(history));
        }
    }

    private static final class Host {
        final String nodeId;
        HostReport report;
        long lastReportMillis;
        int outstanding;
        long outstandingMemoryMb;
        long penalisedUntilMillis;
        final List<Long> failures = new ArrayList<>();
        final Map<String, Integer> appCounts = new HashMap<>();

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

        void recordFailure(long now, LedgerSettings s) {
            failures.add(now);
            failures.removeIf(t -> t < now - s.hostPenaltyWindowMillis());
            if (failures.size() >= s.hostPenaltyFailures()) {
                penalisedUntilMillis = now + s.hostPenaltyMillis();
                failures.clear();
            }
        }

        PlacementPolicy.HostState view() {
            Map<String, Integer> running = new HashMap<>(appCounts);
            if (report != null) {
                for (ContainerInfo c : report.containers()) {
                    if (c.state() == ContainerState.RUNNING) {
                        running.merge(c.appId(), 1, Integer::sum);
                    }
                }
            }
            return new PlacementPolicy.HostState(nodeId, freeCredit(), freeMemoryMb(),
                    report == null ? Set.of() : report.images(), running);
        }

        HostView viewForQuery() {
            return new HostView(nodeId, granted(), outstanding, report == null ? 0 : report.memoryAvailableMb(),
                    penalisedUntilMillis, lastReportMillis);
        }
    }

    /** Read-only view of a host. */
    public record HostView(String nodeId, int granted, int outstanding, long memoryAvailableMb,
                           long penalisedUntilMillis, long lastReportMillis) {
    }
}
