package io.blackstart.coordinator.recovery;

import io.blackstart.coordinator.store.AssignmentJournal;

import io.blackstart.coordinator.store.DesiredStateStore.AssignmentRecord;
import io.blackstart.coordinator.store.DesiredStateStore.AssignmentValue;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * What to write to etcd for the assignments journaled while it had no quorum ({@link AssignmentJournal}), given
 * what etcd holds now and where the ledger sees each instance's container. Pure.
 *
 * <p><b>Rule</b>, per instance, for its latest journal entry:
 * <ul>
 *   <li>no longer desired: nothing is written ({@link Skip});</li>
 *   <li>etcd's record is absent or still the one the journal entry was based on (no one wrote it meanwhile): the
 *       journaled assignment is written by compare-and-set against that revision ({@link Write}) — naming the node
 *       the container runs on if the agents report it elsewhere (a container that exists wins over a plan);</li>
 *   <li>someone wrote the record meanwhile (or it predates an outage in which this incarnation never read etcd):
 *       if it names the host the assignment targets, or a container of the instance runs on a host other than the
 *       record's, that host is written against the record's current revision (the container that exists wins);
 *       else etcd's record stands ({@link Keep}), and is what the recovery manager knows from then on.</li>
 * </ul>
 * A second container of one instance, if any, is stopped by the ledger from the agents' reports, not here.
 */
public final class WriteBackPlan {

    private WriteBackPlan() {
    }

    /** One instance's decision. */
    sealed interface Step {
        String instanceId();
    }

    /** Write {@code value} by compare-and-set against {@code expectedRevision} (0: the key must be absent). */
    record Write(String instanceId, AssignmentValue value, long expectedRevision, String why) implements Step {
    }

    /** etcd's record stands. */
    record Keep(String instanceId, AssignmentRecord current, String why) implements Step {
    }

    /** The instance is no longer desired: its journal entry is dropped. */
    record Skip(String instanceId) implements Step {
    }

    /**
     * @param journal   journal entries in file order (the last one of an instance counts)
     * @param etcd      etcd's assignment records now, by instance id
     * @param runningOn the node a container of the instance runs on, if the ledger knows one
     * @param desired   whether the instance is still desired
     * @return one step per journaled instance, in the order of their latest entries
     */
    static List<Step> plan(List<AssignmentJournal.Entry> journal, Map<String, AssignmentRecord> etcd,
                           Function<String, Optional<String>> runningOn, Predicate<String> desired) {
        Map<String, AssignmentJournal.Entry> latest = new LinkedHashMap<>();
        for (AssignmentJournal.Entry e : journal) {
            latest.remove(e.instanceId());
            latest.put(e.instanceId(), e);
        }
        List<Step> steps = new ArrayList<>(latest.size());
        for (AssignmentJournal.Entry e : latest.values()) {
            String id = e.instanceId();
            if (!desired.test(id)) {
                steps.add(new Skip(id));
                continue;
            }
            AssignmentRecord current = etcd.get(id);
            Optional<String> running = runningOn.apply(id);
            String target = running.orElse(e.value().node());
            AssignmentValue v = target.equals(e.value().node()) ? e.value()
                    : new AssignmentValue(target, e.value().attempt(), e.value().coordinator(), e.value().atMillis());
            String where = target.equals(e.value().node()) ? "" : "; its container runs on " + target;
            if (current == null || current.modRevision() == e.baseRevision()) {
                steps.add(new Write(id, v, current == null ? 0 : current.modRevision(), "journaled" + where));
            } else if (current.value().node().equals(target)) {
                // written meanwhile (or before an outage this incarnation never read etcd in), naming the same host
                steps.add(new Write(id, v, current.modRevision(), "journaled; etcd's record names the same host"));
            } else if (running.isPresent()) {
                steps.add(new Write(id, v, current.modRevision(), "etcd names " + current.value().node()
                        + " (written by " + current.value().coordinator() + "), but its container runs on " + target));
            } else {
                steps.add(new Keep(id, current, "etcd's record changed meanwhile (now " + current.value().node()
                        + " by " + current.value().coordinator() + ") and no container of it is reported"));
            }
        }
        return steps;
    }
}
