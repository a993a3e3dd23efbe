package io.blackstart.coordinator.api;

import io.blackstart.coordinator.store.CasTimings;
import io.blackstart.coordinator.status.EventBatch;
import io.blackstart.coordinator.status.StatusBoard;
import io.blackstart.coordinator.status.StatusSnapshot;
import io.blackstart.scheduler.InstanceState;
import io.blackstart.scheduler.event.InstanceTransition;
import io.blackstart.scheduler.event.LedgerEvent;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.ToDoubleFunction;

/**
 * {@code GET /metrics} of one coordinator node, as Prometheus text via Micrometer, in base units (seconds, bytes).
 *
 * <p>Two parts. The node's own: JVM memory, GC, threads, classes, CPU, uptime, file descriptors, and
 * {@code blackstart_singleton_here} (1 on the node that hosts the recovery manager), and the histogram {@code
 * blackstart_etcd_cas_latency_seconds{op,outcome}} of this node's etcd compare-and-sets (it is the {@link CasTimings}
 * of the node's store): {@code op="assignment"} is the recovery manager's write of an assignment, so only the
 * singleton's host has such observations; {@code op="agent"} the write of an agent's record, on any coordinator
 * agents report to; {@code outcome} is succeeded, conflict (the compare failed) or failed (error, timeout). The
 * cluster's: every
 * {@code blackstart_*} figure of the recovery — instances per tier and state, mode, throughput, ETA, apps, hosts,
 * degraded recovery, per host credits, starts, CPU pressure and free memory (gauges read the latest
 * {@link StatusSnapshot} at scrape time), and what the event log counts as it arrives: {@code
 * blackstart_instance_transitions_total{to}}, {@code blackstart_starts_total{outcome}} and the histogram {@code
 * blackstart_start_latency_seconds} (assignment to up). Every node's board receives the same snapshots and events,
 * so the cluster's part is exported only by the node hosting the singleton: {@code sum()} over all coordinators is
 * right, and after a failover the new host's counters go on from what it received as a replica. Nothing asks an
 * actor; event listeners run on the board replica's thread.
 */
public final class Metrics implements CasTimings {

    private static final List<String> TIERS = List.of("platform", "database", "app");
    private static final List<String> STATES = List.of("running", "starting", "pending", "failed", "running-unready",
            "needs-attention");
    private static final double BYTES_PER_MB = 1024.0 * 1024.0;
    private static final Duration[] LATENCY_BUCKETS = {Duration.ofSeconds(1), Duration.ofSeconds(2),
            Duration.ofSeconds(5), Duration.ofSeconds(10), Duration.ofSeconds(20), Duration.ofSeconds(30),
            Duration.ofMinutes(1), Duration.ofMinutes(2), Duration.ofMinutes(5), Duration.ofMinutes(10)};
    private static final Duration[] CAS_BUCKETS = {Duration.ofMillis(1), Duration.ofMillis(5), Duration.ofMillis(10),
            Duration.ofMillis(25), Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(250),
            Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofMillis(2500), Duration.ofSeconds(5),
            Duration.ofSeconds(10)};
    private static final List<String> CAS_OPS = List.of(CasTimings.ASSIGNMENT, CasTimings.AGENT);
    private static final List<String> CAS_OUTCOMES = List.of(CasTimings.SUCCEEDED, CasTimings.CONFLICT,
            CasTimings.FAILED);

    private final StatusBoard board;
    private final BooleanSupplier singletonHere;
    private final PrometheusMeterRegistry node = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final PrometheusMeterRegistry cluster = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final MultiGauge instances;
    private final Map<String, MultiGauge> perHost;
    private final Map<InstanceState, Counter> transitions = new EnumMap<>(InstanceState.class);
    private final Counter started;
    private final Counter failed;
    private final Timer startLatency;
    /** Instances assigned and not up yet: when their current attempt was assigned. */
    private final Map<String, Long> assignedAt = new HashMap<>();

    /** Metrics of a node that always exports the cluster's part (a single node, tests). */
    public Metrics(StatusBoard board) {
        this(board, () -> true);
    }

    /** @param singletonHere true while this node hosts the recovery manager singleton */
    @SuppressWarnings("resource") // JvmGcMetrics lives as long as the registry
    public Metrics(StatusBoard board, BooleanSupplier singletonHere) {
        this.board = board;
        this.singletonHere = singletonHere;
        new JvmMemoryMetrics().bindTo(node);
        new JvmGcMetrics().bindTo(node);
        new JvmThreadMetrics().bindTo(node);
        new ClassLoaderMetrics().bindTo(node);
        new ProcessorMetrics().bindTo(node);
        new UptimeMetrics().bindTo(node);
        new FileDescriptorMetrics().bindTo(node);
        Gauge.builder("blackstart.singleton.here", singletonHere, s -> s.getAsBoolean() ? 1 : 0)
                .description("1 on the coordinator hosting the recovery manager singleton (it exports the cluster's "
                        + "blackstart_* figures), 0 elsewhere").register(node);
        for (String op : CAS_OPS) {
            for (String outcome : CAS_OUTCOMES) {
                casTimer(op, outcome); // registered up front: every series exists before the first CAS
            }
        }

        gauge("blackstart.recovery.mode", "1 while recovery mode is on", s -> "recovery".equals(s.mode()) ? 1 : 0);
        gauge("blackstart.instances.desired", "desired instances", s -> s.total().desired());
        gauge("blackstart.throughput.starts.per.second", "starts per second over the sliding window",
                StatusSnapshot::throughputPerSecond);
        Gauge.builder("blackstart.eta", board, b -> b.latest().map(s -> s.etaSeconds() < 0 ? Double.NaN
                        : (double) s.etaSeconds()).orElse(Double.NaN))
                .description("estimated time until every remaining instance runs (NaN: unknown)").baseUnit("seconds")
                .register(cluster);
        gauge("blackstart.apps.desired", "apps with desired instances", s -> s.tracking().appsDesired());
        gauge("blackstart.apps.running", "apps whose every instance runs", s -> s.tracking().appsRunning());
        gauge("blackstart.hosts.reporting", "hosts whose agent reports", s -> s.hosts().size());
        gauge("blackstart.degraded", "1 while assignments are journaled locally or written back (etcd down)",
                s -> s.degraded().active() ? 1 : 0);
        gauge("blackstart.journal.pending.assignments", "journaled assignments not yet written back to etcd",
                s -> s.degraded().pending());
        Gauge.builder("blackstart.status.age", board, b -> b.latest()
                        .map(s -> Math.max(0, System.currentTimeMillis() - s.generatedAt()) / 1000.0)
                        .orElse(Double.NaN))
                .description("age of this node's status snapshot").baseUnit("seconds").register(cluster);
        instances = MultiGauge.builder("blackstart.instances").description("instances per tier and state")
                .register(cluster);
        perHost = Map.of(
                "credits", MultiGauge.builder("blackstart.host.credits").description("free start credits the host grants").register(cluster),
                "inflight", MultiGauge.builder("blackstart.host.starts.in.flight").description("starts the agent runs").register(cluster),
                "outstanding", MultiGauge.builder("blackstart.host.outstanding.starts").description("starts sent and not finished").register(cluster),
                "cpu", MultiGauge.builder("blackstart.host.cpu.pressure").description("CPU pressure (0..1)").register(cluster),
                "memory", MultiGauge.builder("blackstart.host.memory.available").description("free memory")
                        .baseUnit("bytes").register(cluster));

        for (InstanceState s : InstanceState.values()) {
            transitions.put(s, Counter.builder("blackstart.instance.transitions")
                    .description("instance transitions of the recovery's event log, by the state entered (a catalog "
                            + "addition enters pending)").tag("to", s.wireName()).register(cluster));
        }
        started = startCounter("started");
        failed = startCounter("failed");
        startLatency = Timer.builder("blackstart.start.latency")
                .description("from an attempt's assignment to the instance up (running, ready if checked)")
                .serviceLevelObjectives(LATENCY_BUCKETS).register(cluster);
        board.subscribeEvents(this::events);
    }

    /** The timer of {@code op} and {@code outcome}: the registry's, registered on first use. */
    private Timer casTimer(String op, String outcome) {
        return Timer.builder("blackstart.etcd.cas.latency")
                .description("etcd compare-and-set latency of this node, by op (assignment: singleton host only; "
                        + "agent) and outcome (succeeded, conflict, failed: error or timeout)")
                .tags("op", op, "outcome", outcome).serviceLevelObjectives(CAS_BUCKETS).register(node);
    }

    /** One etcd compare-and-set of this node's store took {@code nanos}. */
    @Override
    public void observe(String op, String outcome, long nanos) {
        casTimer(op, outcome).record(Math.max(0, nanos), TimeUnit.NANOSECONDS);
    }

    private Counter startCounter(String outcome) {
        return Counter.builder("blackstart.starts").description("start attempts ended, by outcome: started (its "
                + "container runs) or failed (error, timeout, host lost while starting)").tag("outcome", outcome)
                .register(cluster);
    }

    private void gauge(String name, String help, ToDoubleFunction<StatusSnapshot> f) {
        Gauge.builder(name, board, b -> b.latest().map(f::applyAsDouble).orElse(Double.NaN)).description(help)
                .register(cluster);
    }

    /** The Prometheus text: the node's part, and the cluster's where this node hosts the singleton. */
    public String scrape() {
        if (!singletonHere.getAsBoolean()) {
            return node.scrape();
        }
        Optional<StatusSnapshot> latest = board.latest();
        latest.ifPresent(this::update);
        return node.scrape() + cluster.scrape();
    }

    private synchronized void events(EventBatch batch) {
        for (LedgerEvent e : batch.events()) {
            if (e instanceof InstanceTransition t) {
                transition(t);
            }
        }
    }

    private void transition(InstanceTransition t) {
        InstanceState to = t.to();
        if (to == null) {
            assignedAt.remove(t.instanceId());
            return;
        }
        transitions.get(to).increment();
        if (t.from() == InstanceState.STARTING) {
            (to.hasContainer() ? started : failed).increment();
        }
        switch (to) {
            case ASSIGNED -> assignedAt.put(t.instanceId(), t.at());
            case RUNNING -> {
                Long since = assignedAt.remove(t.instanceId());
                if (since != null) {
                    startLatency.record(Duration.ofMillis(Math.max(0, t.at() - since)));
                }
            }
            case PENDING, FAILED -> assignedAt.remove(t.instanceId());
            default -> {
                // starting, running but not ready, needing attention: the attempt goes on
            }
        }
    }

    private synchronized void update(StatusSnapshot s) {
        List<MultiGauge.Row<?>> rows = new ArrayList<>();
        for (String tier : TIERS) {
            StatusSnapshot.Counts c = s.tiers().getOrDefault(tier, StatusSnapshot.Counts.ZERO);
            int[] v = {c.running(), c.starting(), c.pending(), c.failed(), c.unready(), c.needsAttention()};
            for (int i = 0; i < STATES.size(); i++) {
                rows.add(MultiGauge.Row.of(Tags.of("tier", tier, "state", STATES.get(i)), v[i]));
            }
        }
        instances.register(rows, true);
        perHost.get("credits").register(hostRows(s, h -> h.credits()), true);
        perHost.get("inflight").register(hostRows(s, h -> h.startsInFlight()), true);
        perHost.get("outstanding").register(hostRows(s, h -> h.outstanding()), true);
        perHost.get("cpu").register(hostRows(s, StatusSnapshot.HostStatus::cpuPressure), true);
        perHost.get("memory").register(hostRows(s, h -> h.memoryAvailableMb() * BYTES_PER_MB), true);
    }

    private static List<MultiGauge.Row<?>> hostRows(StatusSnapshot s, ToDoubleFunction<StatusSnapshot.HostStatus> f) {
        List<MultiGauge.Row<?>> rows = new ArrayList<>();
        for (StatusSnapshot.HostStatus h : s.hosts()) {
            rows.add(MultiGauge.Row.of(Tags.of("node", h.nodeId()), f.applyAsDouble(h)));
        }
        return rows;
    }
}
