package io.blackstart.scheduler;

import io.blackstart.protocol.AppSpec;
import io.blackstart.protocol.InstanceId;
import io.blackstart.protocol.Tier;
import io.blackstart.protocol.wire.ContainerInfo;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One desired instance as the ledger keeps it: its state, its host, its attempts, the containers reports show of
 * it, and which pending queue holds it ({@link #where}). Mutable; only the ledger's parts change it, and its state
 * only through {@link InstanceBook#transition}.
 */
final class Instance implements PlacementPolicy.Queued {

    /** {@link #where}: in no queue (not pending, or being moved). */
    static final byte NOWHERE = 0;
    /** {@link #where}: in the ready set, may start anywhere. */
    static final byte READY = 1;
    /** {@link #where}: reserved for {@link #homeHost}, where its stopped container waits. */
    static final byte HOME = 2;
    /** {@link #where}: waiting for its retry time. */
    static final byte BACKOFF = 3;
    /** {@link #where}: waiting for a dependency, in its app's parked list. */
    static final byte PARKED = 4;

    /**
     * Start order: band (tier, then priority, higher first), then instance index (every app's first instance before
     * any app's second: an app serves with one instance, redundancy comes after), then app id.
     */
    static final Comparator<Instance> ORDER = (a, b) -> a.band != b.band ? Long.compare(a.band, b.band)
            : Integer.compare(a.seq, b.seq);

    private static final int HISTORY = 16;

    final InstanceId id;
    final String key;
    /** Rank within a band: instance index, then app id, fixed when the catalog first desired it. */
    final int seq;
    AppRecord app;
    long band;
    InstanceState state = InstanceState.PENDING;
    String node;
    Host host;
    int attempt;
    long notBeforeMillis;
    long deadlineMillis;
    /** The multiple of its spec's start timeout its current (or last) attempt was sent with. */
    int timeoutFactor = 1;
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

    Instance(InstanceId id, AppRecord app, int seq) {
        this.id = id;
        this.key = id.toString();
        this.app = app;
        this.seq = seq;
        this.band = band(app.spec);
    }

    /** The rank of an app's instances without their index: tier, then priority (higher first). */
    static long band(AppSpec spec) {
        return ((long) spec.tier().ordinal() << 33) | ((long) Integer.MAX_VALUE - spec.priority());
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

    Ledger.InstanceView view() {
        return new Ledger.InstanceView(key, app.spec.id(), app.spec.tier(), state, node, attempt, failure,
                List.copyOf(history));
    }
}
