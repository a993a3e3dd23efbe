package io.blackstart.coordinator.status;

import io.blackstart.coordinator.tracker.TrackerView;
import io.blackstart.protocol.SpecError;
import io.blackstart.protocol.wire.CborSerializable;

import java.util.List;
import java.util.Map;

/**
 * What the coordinator knows, as one immutable value published by the recovery manager to every coordinator
 * node (see {@link StatusBoard}); the HTTP API reads it without asking any actor.
 *
 * @param phase       {@code rebuilding} (a new recovery manager waits for agents' reports) or {@code running}
 * @param mode        {@code recovery} or {@code normal}
 * @param modeSince   epoch millis the mode was entered
 * @param modeBy      {@code auto} or {@code operator}
 * @param generatedAt epoch millis of this snapshot
 * @param total       counts over every desired instance
 * @param tiers       counts per tier ({@code platform}, {@code database}, {@code app})
 * @param rejected    rejected app documents with reasons
 * @param etcdOk      false while etcd is unreachable (degraded)
 * @param etcdDetail  why etcd is considered degraded
 * @param catalogSource {@code etcd} or {@code cache}
 * @param hosts       every reporting host
 * @param instances   every desired instance
 * @param throughputPerSecond instances that came up per second over the last half minute
 * @param etaSeconds  estimated seconds until every desired instance is up, -1 if unknown
 * @param tracking    the recovery tracker's view (timeline, downtime, running curve); {@link TrackerView#EMPTY}
 *                    when none
 * @param rejectedTotal all rejected app documents ({@code rejected} lists at most catalog.status-rejected)
 * @param degraded    degraded recovery (etcd down, assignments journaled locally); {@link Degraded#NONE} when not
 */
public record StatusSnapshot(String phase, String mode, long modeSince, String modeBy, long generatedAt, Counts total,
                             Map<String, Counts> tiers, List<SpecError> rejected, boolean etcdOk, String etcdDetail,
                             String catalogSource, List<HostStatus> hosts, List<InstanceStatus> instances,
                             double throughputPerSecond, long etaSeconds, TrackerView tracking, int rejectedTotal,
                             Degraded degraded)
        implements BoardUpdate {

    public StatusSnapshot {
        degraded = degraded == null ? Degraded.NONE : degraded;
        tiers = Map.copyOf(tiers);
        rejected = List.copyOf(rejected);
        hosts = List.copyOf(hosts);
        instances = List.copyOf(instances);
        tracking = tracking == null ? TrackerView.EMPTY : tracking;
        rejectedTotal = Math.max(rejectedTotal, rejected.size());
    }

    /** Not degraded. */
    public StatusSnapshot(String phase, String mode, long modeSince, String modeBy, long generatedAt, Counts total,
                          Map<String, Counts> tiers, List<SpecError> rejected, boolean etcdOk, String etcdDetail,
                          String catalogSource, List<HostStatus> hosts, List<InstanceStatus> instances,
                          double throughputPerSecond, long etaSeconds, TrackerView tracking, int rejectedTotal) {
        this(phase, mode, modeSince, modeBy, generatedAt, total, tiers, rejected, etcdOk, etcdDetail, catalogSource,
                hosts, instances, throughputPerSecond, etaSeconds, tracking, rejectedTotal, Degraded.NONE);
    }

    /** Every rejected document listed. */
    public StatusSnapshot(String phase, String mode, long modeSince, String modeBy, long generatedAt, Counts total,
                          Map<String, Counts> tiers, List<SpecError> rejected, boolean etcdOk, String etcdDetail,
                          String catalogSource, List<HostStatus> hosts, List<InstanceStatus> instances,
                          double throughputPerSecond, long etaSeconds, TrackerView tracking) {
        this(phase, mode, modeSince, modeBy, generatedAt, total, tiers, rejected, etcdOk, etcdDetail, catalogSource,
                hosts, instances, throughputPerSecond, etaSeconds, tracking, rejected.size());
    }

    /** A snapshot without the tracker's view. */
    public StatusSnapshot(String phase, String mode, long modeSince, String modeBy, long generatedAt, Counts total,
                          Map<String, Counts> tiers, List<SpecError> rejected, boolean etcdOk, String etcdDetail,
                          String catalogSource, List<HostStatus> hosts, List<InstanceStatus> instances,
                          double throughputPerSecond, long etaSeconds) {
        this(phase, mode, modeSince, modeBy, generatedAt, total, tiers, rejected, etcdOk, etcdDetail, catalogSource,
                hosts, instances, throughputPerSecond, etaSeconds, TrackerView.EMPTY);
    }

    /** This snapshot with the tracker's view; throughput and ETA become the tracker's (starts/s, tiers and order). */
    public StatusSnapshot withTracking(TrackerView view) {
        return new StatusSnapshot(phase, mode, modeSince, modeBy, generatedAt, total, tiers, rejected, etcdOk,
                etcdDetail, catalogSource, hosts, instances, view.startsPerSecond(), view.etaSeconds(), view,
                rejectedTotal, degraded);
    }

    /** This snapshot with the degraded-recovery state {@code d}. */
    public StatusSnapshot withDegraded(Degraded d) {
        return new StatusSnapshot(phase, mode, modeSince, modeBy, generatedAt, total, tiers, rejected, etcdOk,
                etcdDetail, catalogSource, hosts, instances, throughputPerSecond, etaSeconds, tracking, rejectedTotal, d);
    }

    /**
     * Degraded recovery: etcd has no quorum and an operator allowed the stale catalog, so assignments go to the
     * local journal ({@code journaling}) until etcd answers and they are written back ({@code writing-back}).
     *
     * @param state           {@code journaling}, {@code writing-back}, or empty when not degraded
     * @param sinceMillis     epoch millis degraded recovery began
     * @param catalogCachedAt epoch millis the catalog in use was cached (0: unknown)
     * @param journaled       assignments journaled since it began
     * @param pending         journaled assignments not yet written back
     * @param writtenBack     assignments written back to etcd since it began
     * @param keptEtcd        write-back conflicts resolved in etcd's favour (its record stood)
     * @param detail          the last write-back or journal problem (empty if none)
     */
    public record Degraded(String state, long sinceMillis, long catalogCachedAt, int journaled, int pending,
                           int writtenBack, int keptEtcd, String detail) implements CborSerializable {
        public static final Degraded NONE = new Degraded("", 0, 0, 0, 0, 0, 0, "");

        public boolean active() {
            return !state.isEmpty();
        }
    }

    /**
     * Instance counts. {@code running} counts the instances that are up (running and ready); {@code unready} those
     * whose container runs but whose health check has not passed yet; {@code needsAttention} those whose check kept
     * failing; {@code starting} includes instances whose assignment is being recorded.
     */
    public record Counts(int desired, int running, int starting, int pending, int failed, int unready,
                         int needsAttention) {
        public static final Counts ZERO = new Counts(0, 0, 0, 0, 0, 0, 0);

        /** Counts without health checks in play. */
        public Counts(int desired, int running, int starting, int pending, int failed) {
            this(desired, running, starting, pending, failed, 0, 0);
        }
    }

    /**
     * One host as its agent last reported it, plus the coordinator's outstanding starts on it.
     *
     * @param granted     credits + starts in flight of the latest report
     * @param outstanding starts the coordinator has assigned or sent and not yet seen finish
     * @param peakOutstanding    the most outstanding starts this recovery manager ever had on the host
     * @param peakStartsInFlight the most starts in flight the agent ever reported to this recovery manager
     */
    public record HostStatus(String nodeId, int credits, int startsInFlight, int maxCredits, int granted,
                             int outstanding, long memoryAvailableMb, double cpuPressure, int containers,
                             int runningContainers, boolean gcHeld, long lastReportMillis, long penalisedUntilMillis,
                             int peakOutstanding, int peakStartsInFlight) {
    }

    /** One desired instance; {@code failure} is the reason of the last failed attempt (or why it failed). */
    public record InstanceStatus(String instanceId, String appId, String tier, String state, String nodeId, int attempt,
                                 String failure) {
    }
}
