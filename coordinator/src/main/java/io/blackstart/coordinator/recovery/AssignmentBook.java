package io.blackstart.coordinator.recovery;

import io.blackstart.coordinator.store.DesiredStateStore.AssignmentRecord;
import io.blackstart.coordinator.store.DesiredStateStore.AssignmentValue;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The assignment records of etcd as this recovery manager last saw them, and the rule that keeps two
 * coordinators (or an old and a new incarnation) from starting one instance on two hosts.
 *
 * <p><b>Rule.</b> A new assignment of an instance to node N is held back while the last known record names
 * another node, was written by another incarnation, and is younger than the start timeout of the instance plus
 * the outcome grace plus a clock-skew allowance (its start may still be in flight there: the new incarnation
 * cannot know, the old one's agent will report the container if it comes up). Records this incarnation wrote
 * are always superseded: its ledger knows their outcome. The hold ends when a whole hold has passed by the
 * writer's clock ({@code at} plus a skew allowance) or since this incarnation first saw the record, whichever
 * comes first — so a restarted coordinator does not wait for records written long before the blackout ended.
 * Pure and single-threaded; {@code now} comes in.
 */
public final class AssignmentBook {

    private record Known(AssignmentRecord record, long firstSeenMillis) {
    }

    private final String incarnation;
    private final long clockSkewMillis;
    private final Map<String, Known> known = new HashMap<>();

    AssignmentBook(String incarnation, long clockSkewMillis) {
        this.incarnation = incarnation;
        this.clockSkewMillis = clockSkewMillis;
    }

    void loaded(Map<String, AssignmentRecord> records, long now) {
        records.forEach((id, r) -> known.put(id, new Known(r, now)));
    }

    void recorded(String instanceId, AssignmentValue value, long modRevision, long now) {
        known.put(instanceId, new Known(new AssignmentRecord(instanceId, value, modRevision), now));
    }

    /** A compare-and-set failed: remember what is there now (absent: forget). */
    void conflicted(String instanceId, Optional<AssignmentRecord> current, long now) {
        if (current.isEmpty()) {
            known.remove(instanceId);
        } else {
            Known k = known.get(instanceId);
            if (k == null || k.record().modRevision() != current.get().modRevision()) {
                known.put(instanceId, new Known(current.get(), now));
            }
        }
    }

    /** The mod revision to compare against (0: the key must be absent). */
    long expectedRevision(String instanceId) {
        Known k = known.get(instanceId);
        return k == null ? 0 : k.record().modRevision();
    }

    Optional<AssignmentRecord> record(String instanceId) {
        return Optional.ofNullable(known.get(instanceId)).map(Known::record);
    }

    void forget(String instanceId) {
        known.remove(instanceId);
    }

    /**
     * Why assigning {@code instanceId} to {@code nodeId} must wait, or null if it may go ahead.
     *
     * @param holdMillis the instance's start timeout plus the outcome grace
     */
    String holdBack(String instanceId, String nodeId, long holdMillis, long now) {
        Known k = known.get(instanceId);
        if (k == null) {
            return null;
        }
        AssignmentValue v = k.record().value();
        if (incarnation.equals(v.coordinator()) || nodeId.equals(v.node())) {
            return null; // our own record, or the same host (one container per instance per engine)
        }
        // the start is over once either clock says a whole hold has passed: by the writer's clock (plus skew),
        // or since this incarnation first saw the record (which no clock error can shorten below one hold)
        long until = Math.min(v.atMillis() + holdMillis + clockSkewMillis, k.firstSeenMillis() + holdMillis);
        if (now >= until) {
            return null;
        }
        return "start may be in flight on " + v.node() + " (recorded by " + v.coordinator() + ", attempt "
                + v.attempt() + "); waiting until " + until;
    }
}
