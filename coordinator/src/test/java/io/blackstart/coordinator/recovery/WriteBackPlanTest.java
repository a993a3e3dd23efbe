package io.blackstart.coordinator.recovery;

import io.blackstart.coordinator.store.AssignmentJournal;

import io.blackstart.coordinator.store.DesiredStateStore.AssignmentRecord;
import io.blackstart.coordinator.store.DesiredStateStore.AssignmentValue;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

/** The write-back rule, case by case: journal entry, etcd's record now, where the container runs. */
@Timeout(30)
public class WriteBackPlanTest {

    private static AssignmentJournal.Entry journaled(long seq, String id, String node, long base) {
        return new AssignmentJournal.Entry(seq, id, new AssignmentValue(node, 1, "degraded", 1000 + seq), base);
    }

    private static AssignmentRecord etcd(String id, String node, long rev) {
        return new AssignmentRecord(id, new AssignmentValue(node, 3, "other", 500), rev);
    }

    private static List<WriteBackPlan.Step> plan(List<AssignmentJournal.Entry> j, Map<String, AssignmentRecord> e,
                                                 Map<String, String> running, Set<String> desired) {
        return WriteBackPlan.plan(j, e, id -> Optional.ofNullable(running.get(id)), desired::contains);
    }

    @Test
    void absentInEtcdIsWrittenAsJournaled() {
        var steps = plan(List.of(journaled(1, "web-0", "a", 0)), Map.of(), Map.of("web-0", "a"), Set.of("web-0"));
        var w = assertInstanceOf(WriteBackPlan.Write.class, steps.get(0));
        assertEquals("a", w.value().node());
        assertEquals(0, w.expectedRevision(), "the key must still be absent");
    }

    @Test
    void unchangedRecordIsOverwrittenAgainstItsRevision() {
        var steps = plan(List.of(journaled(1, "web-0", "a", 7)), Map.of("web-0", etcd("web-0", "b", 7)), Map.of(),
                Set.of("web-0"));
        var w = assertInstanceOf(WriteBackPlan.Write.class, steps.get(0));
        assertEquals("a", w.value().node());
        assertEquals(7, w.expectedRevision());
    }

    @Test
    void theLatestEntryOfAnInstanceCounts() {
        var steps = plan(List.of(journaled(1, "web-0", "a", 0), journaled(2, "web-1", "a", 0),
                journaled(3, "web-0", "c", 0)), Map.of(), Map.of(), Set.of("web-0", "web-1"));
        assertEquals(2, steps.size());
        assertEquals("web-1", steps.get(0).instanceId());
        assertEquals("c", assertInstanceOf(WriteBackPlan.Write.class, steps.get(1)).value().node());
    }

    @Test
    void aContainerThatRunsElsewhereWinsOverTheJournal() {
        var steps = plan(List.of(journaled(1, "web-0", "a", 0)), Map.of(), Map.of("web-0", "b"), Set.of("web-0"));
        assertEquals("b", assertInstanceOf(WriteBackPlan.Write.class, steps.get(0)).value().node());
    }

    @Test
    void aRecordChangedMeanwhileStandsUnlessAContainerRunsElsewhere() {
        Map<String, AssignmentRecord> now = Map.of("web-0", etcd("web-0", "b", 12));
        var kept = plan(List.of(journaled(1, "web-0", "a", 7)), now, Map.of(), Set.of("web-0"));
        assertEquals(12, assertInstanceOf(WriteBackPlan.Keep.class, kept.get(0)).current().modRevision());
        var same = plan(List.of(journaled(1, "web-0", "b", 7)), now, Map.of(), Set.of("web-0"));
        var refreshed = assertInstanceOf(WriteBackPlan.Write.class, same.get(0));
        assertEquals("b", refreshed.value().node(), "etcd already names the host: refreshed, not a conflict");
        assertEquals(12, refreshed.expectedRevision());
        var runsThere = plan(List.of(journaled(1, "web-0", "a", 7)), now, Map.of("web-0", "b"), Set.of("web-0"));
        assertEquals("b", assertInstanceOf(WriteBackPlan.Write.class, runsThere.get(0)).value().node());

        var won = plan(List.of(journaled(1, "web-0", "a", 7)), now, Map.of("web-0", "a"), Set.of("web-0"));
        var w = assertInstanceOf(WriteBackPlan.Write.class, won.get(0));
        assertEquals("a", w.value().node(), "the container exists on a");
        assertEquals(12, w.expectedRevision(), "against the record that is there now");
    }

    @Test
    void noLongerDesiredIsSkipped() {
        var steps = plan(List.of(journaled(1, "old-0", "a", 0)), Map.of(), Map.of(), Set.of());
        assertInstanceOf(WriteBackPlan.Skip.class, steps.get(0));
    }
}
