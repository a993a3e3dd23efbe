package io.blackstart.coordinator.store;

import io.blackstart.coordinator.recovery.AssignmentBook;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;

/**
 * The coordinator's port to the desired-state store (etcd in production, {@link EtcdDesiredStateStore}).
 *
 * <p><b>Keys</b> (all under one prefix, default {@code /blackstart}):
 * <ul>
 *   <li>{@code <prefix>/apps/<appId>} — an app spec (JSON, DESIGN.md "App spec"), written by operators;</li>
 *   <li>{@code <prefix>/assignments/<instanceId>} — where an instance was last sent to start, JSON
 *       {@code {"node":"local-1","attempt":1,"coordinator":"<incarnation>","at":<epoch millis>}}, written only by
 *       {@link #recordAssignment} (compare-and-set);</li>
 *   <li>{@code <prefix>/mode} — JSON {@code {"mode":"recovery"|"normal","since":<epoch millis>,"by":"auto"|"operator"}};</li>
 *   <li>{@code <prefix>/agents/<nodeId>} — an agent a coordinator has seen, JSON
 *       {@code {"nodeId":"local-1","address":"pekko://blackstart@10.0.0.7:25520","firstSeen":<epoch millis>,
 *       "lastSeen":<epoch millis>}}, written by {@link #recordAgent} (compare-and-set, like assignments) and read by
 *       {@code blackstart doctor} straight from etcd as the agents to expect. Operators delete the record of a host
 *       that is gone for good.</li>
 * </ul>
 *
 * <p><b>Bounded calls.</b> Every returned stage completes — normally or exceptionally — within the store's call
 * timeout, also when the store is dead, frozen or without quorum. Stages complete on the store's threads: actors
 * must use {@code pipeToSelf}, never block on them.
 *
 * <p><b>Assignment compare-and-set rule</b> (no instance is ever recorded for a start by two coordinators at once):
 * a write of {@code assignments/<id>} succeeds only if the key's current mod revision equals
 * {@code expectedModRevision} — {@code 0} meaning "the key must be absent". The caller passes the mod revision
 * of the record it last saw (from {@link #loadAssignments} or from its own last successful write). etcd applies
 * transactions one at a time, so of two writers that saw the same revision exactly one succeeds; the other gets
 * {@link CasResult.Conflict} with the record that won, and must treat the instance as possibly starting there
 * (the recovery manager holds back until that start's timeout has passed, see {@link AssignmentBook}).
 */
public interface DesiredStateStore extends AutoCloseable {

    /** One app document as stored. */
    record AppDocument(String key, String appId, String json, long modRevision) {
    }

    /** All app documents at one store revision; a watch from {@code revision + 1} misses nothing. */
    record AppsSnapshot(List<AppDocument> apps, long revision) {
        public AppsSnapshot {
            apps = List.copyOf(apps);
        }
    }

    /** A change under {@code <prefix>/apps/}. */
    sealed interface AppChange {
        String key();

        long modRevision();

        /** The last segment of the key. */
        default String appId() {
            return key().substring(key().lastIndexOf('/') + 1);
        }

        record Put(String key, String json, long modRevision) implements AppChange {
        }

        record Delete(String key, long modRevision) implements AppChange {
        }
    }

    /** Receives watch events; called on the store's threads, so implementations must only forward (tell). */
    interface WatchListener {
        /** Changes in revision order (one store transaction may produce several). */
        void onChanges(List<AppChange> changes);

        /** The watch ended (compaction, cancellation, store error): reload and watch again. */
        void onError(Throwable error);
    }

    /** A running watch; closing it stops the callbacks. */
    interface Subscription extends AutoCloseable {
        @Override
        void close();
    }

    /**
     * The value of {@code assignments/<instanceId>}.
     *
     * @param node        node id of the host the start was sent to
     * @param attempt     the ledger's attempt number
     * @param coordinator the recovery manager incarnation that wrote it
     * @param atMillis    epoch millis of the write (informational; decisions use local clocks only)
     */
    record AssignmentValue(String node, int attempt, String coordinator, long atMillis) {
    }

    /** A stored assignment with its mod revision. */
    record AssignmentRecord(String instanceId, AssignmentValue value, long modRevision) {
    }

    /** The outcome of {@link #recordAssignment}. */
    sealed interface CasResult {
        /** Written; {@code modRevision} is the key's new mod revision. */
        record Recorded(long modRevision) implements CasResult {
        }

        /** Not written: the key changed since the caller saw it. {@code current} is what is there (empty if absent). */
        record Conflict(Optional<AssignmentRecord> current) implements CasResult {
        }
    }

    /** The recovery mode record. */
    record ModeRecord(boolean recovery, long sinceMillis, String by) {
        public static final String AUTO = "auto";
        public static final String OPERATOR = "operator";

        public String mode() {
            return recovery ? "recovery" : "normal";
        }
    }

    /**
     * The value of {@code agents/<nodeId>}.
     *
     * @param nodeId          the agent's node id
     * @param address         the agent's actor system address ({@code pekko://blackstart@host:port})
     * @param firstSeenMillis epoch millis a coordinator first recorded it
     * @param lastSeenMillis  epoch millis of the latest write (refreshed at most every
     *                        {@code agents.record-refresh}, not on every report)
     */
    record AgentRecord(String nodeId, String address, long firstSeenMillis, long lastSeenMillis) {
    }

    /** A stored agent record with its mod revision. */
    record StoredAgent(AgentRecord agent, long modRevision) {
    }

    /** The outcome of {@link #recordAgent}. */
    sealed interface AgentWrite {
        /** Written; {@code modRevision} is the key's new mod revision. */
        record Written(long modRevision) implements AgentWrite {
        }

        /** Not written: the key changed since the caller saw it. {@code current} is what is there (empty if absent). */
        record Conflict(Optional<StoredAgent> current) implements AgentWrite {
        }
    }

    /** Loads every app document and the revision they were read at. */
    CompletionStage<AppsSnapshot> loadApps();

    /**
     * Watches {@code <prefix>/apps/} from {@code fromRevision} (inclusive). The listener is called until the
     * subscription is closed or {@link WatchListener#onError} was called once.
     */
    Subscription watchApps(long fromRevision, WatchListener listener);

    /** Writes an app document (catalog import, tests); returns the new mod revision. No validation here. */
    CompletionStage<Long> putApp(String appId, String json);

    /** Deletes an app document; true if it existed. */
    CompletionStage<Boolean> deleteApp(String appId);

    /** Every assignment record, by instance id. */
    CompletionStage<Map<String, AssignmentRecord>> loadAssignments();

    /** Compare-and-set of one assignment (see the class comment for the rule). */
    CompletionStage<CasResult> recordAssignment(String instanceId, AssignmentValue value, long expectedModRevision);

    /** Removes the assignment record of an instance that is no longer desired; true if it existed. */
    CompletionStage<Boolean> deleteAssignment(String instanceId);

    /** The stored recovery mode, empty if never written. */
    CompletionStage<Optional<ModeRecord>> readMode();

    /** Stores the recovery mode. */
    CompletionStage<Void> writeMode(ModeRecord mode);

    /** Every agent record, by node id. */
    CompletionStage<Map<String, StoredAgent>> loadAgents();

    /**
     * Compare-and-set of {@code agents/<nodeId>}: written only if the key's mod revision equals
     * {@code expectedModRevision} (0 = the key must be absent), so a writer that saw an older record learns the
     * current one instead of overwriting, e.g., its {@code firstSeen}.
     */
    CompletionStage<AgentWrite> recordAgent(AgentRecord agent, long expectedModRevision);

    /** A cheap bounded round trip (used to notice a dead store while the watch is silent). */
    CompletionStage<Void> ping();

    /** Releases the client; pending stages fail. */
    @Override
    void close();
}
