package io.blackstart.coordinator.api;

import io.blackstart.coordinator.status.StatusBoard;
import io.blackstart.coordinator.status.StatusSnapshot;
import io.blackstart.scheduler.InstanceState;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.ToDoubleFunction;

/**
 * {@code GET /metrics}: the latest {@link StatusSnapshot} of this node as Prometheus text, via Micrometer. Every
 * name starts with {@code blackstart_}: instances per tier and state, recovery mode, throughput, ETA (NaN when
 * unknown), apps running, and per host credits, starts in flight, outstanding starts, CPU pressure and free
 * memory; and the counter {@code blackstart_instance_transitions_total{to}} of the event log's transitions. Gauges
 * and the counter read the snapshot at scrape time; nothing asks an actor. One registry per node.
 */
public final class Metrics {

    private static final List<String> TIERS = List.of("platform", "database", "app");
    private static final List<String> STATES = List.of("running", "starting", "pending", "failed", "running-unready",
            "needs-attention");

    private final StatusBoard board;
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final MultiGauge instances;
    private final Map<String, MultiGauge> perHost;

    public Metrics(StatusBoard board) {
        this.board = board;
        gauge("blackstart.recovery.mode", "1 while recovery mode is on", s -> "recovery".equals(s.mode()) ? 1 : 0);
        gauge("blackstart.instances.desired", "desired instances", s -> s.total().desired());
        gauge("blackstart.throughput.starts.per.second", "starts per second over the sliding window",
                StatusSnapshot::throughputPerSecond);
        gauge("blackstart.eta.seconds", "estimated seconds until every remaining instance runs (NaN: unknown)",
                s -> s.etaSeconds() < 0 ? Double.NaN : s.etaSeconds());
        gauge("blackstart.apps.desired", "apps with desired instances", s -> s.tracking().appsDesired());
        gauge("blackstart.apps.running", "apps whose every instance runs", s -> s.tracking().appsRunning());
        gauge("blackstart.hosts.reporting", "hosts whose agent reports", s -> s.hosts().size());
        gauge("blackstart.degraded", "1 while assignments are journaled locally or written back (etcd down)",
                s -> s.degraded().active() ? 1 : 0);
        gauge("blackstart.journal.pending.assignments", "journaled assignments not yet written back to etcd",
                s -> s.degraded().pending());
        gauge("blackstart.status.age.seconds", "age of this node's status snapshot",
                s -> Math.max(0, System.currentTimeMillis() - s.generatedAt()) / 1000.0);
        for (InstanceState state : InstanceState.values()) {
            String to = state.wireName();
            FunctionCounter.builder("blackstart.instance.transitions", board,
                            b -> b.latest().map(x -> x.tracking().transitionsTo().getOrDefault(to, 0L).doubleValue())
                                    .orElse(0.0))
                    .description("instance transitions in the recovery manager's event log, by the state entered "
                            + "(counted since the singleton started; a catalog addition enters pending)")
                    .tag("to", to).register(registry);
        }
        instances = MultiGauge.builder("blackstart.instances").description("instances per tier and state")
                .register(registry);
        perHost = Map.of(
                "credits", MultiGauge.builder("blackstart.host.credits").description("free start credits the host grants").register(registry),
                "inflight", MultiGauge.builder("blackstart.host.starts.in.flight").description("starts the agent runs").register(registry),
                "outstanding", MultiGauge.builder("blackstart.host.outstanding.starts").description("starts sent and not finished").register(registry),
                "cpu", MultiGauge.builder("blackstart.host.cpu.pressure").description("CPU pressure (0..1)").register(registry),
                "memory", MultiGauge.builder("blackstart.host.memory.available.megabytes").description("free memory").register(registry));
    }

    private void gauge(String name, String help, ToDoubleFunction<StatusSnapshot> f) {
        Gauge.builder(name, board, b -> b.latest().map(f::applyAsDouble).orElse(Double.NaN)).description(help)
                .register(registry);
    }

    /** The Prometheus text exposition of the latest snapshot. */
    public String scrape() {
        Optional<StatusSnapshot> latest = board.latest();
        latest.ifPresent(this::update);
        return registry.scrape();
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
        perHost.get("memory").register(hostRows(s, h -> h.memoryAvailableMb()), true);
    }

    private static List<MultiGauge.Row<?>> hostRows(StatusSnapshot s, ToDoubleFunction<StatusSnapshot.HostStatus> f) {
        List<MultiGauge.Row<?>> rows = new ArrayList<>();
        for (StatusSnapshot.HostStatus h : s.hosts()) {
            rows.add(MultiGauge.Row.of(Tags.of("node", h.nodeId()), f.applyAsDouble(h)));
        }
        return rows;
    }
}
