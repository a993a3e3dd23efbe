package io.blackstart.coordinator.recovery;

import io.blackstart.coordinator.store.DesiredStateStore.AssignmentRecord;
import io.blackstart.coordinator.store.DesiredStateStore.AssignmentValue;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

/** The hold-back rule of assignment records, case by case. */
@Timeout(10)
public class AssignmentBookTest {

    private static final long HOLD = 70_000;
    private static final long SKEW = 2_000;
    private static final long NOW = 1_000_000;

    private static AssignmentBook bookWith(String node, String coordinator, long at) {
        AssignmentBook b = new AssignmentBook("me/1", SKEW);
        b.loaded(Map.of("web-0", new AssignmentRecord("web-0", new AssignmentValue(node, 1, coordinator, at), 42)), NOW);
        return b;
    }

    @Test
    void unknownInstanceGoesAheadAgainstAnAbsentKey() {
        AssignmentBook b = new AssignmentBook("me/1", SKEW);
        assertNull(b.holdBack("web-0", "a", HOLD, NOW));
        assertEquals(0, b.expectedRevision("web-0"));
    }

    @Test
    void freshRecordOfAnotherIncarnationForAnotherHostHoldsBack() {
        AssignmentBook b = bookWith("a", "old/1", NOW - 1_000);
        assertNotNull(b.holdBack("web-0", "b", HOLD, NOW));
        assertNotNull(b.holdBack("web-0", "b", HOLD, NOW + HOLD - 2_000));
        assertNull(b.holdBack("web-0", "b", HOLD, NOW + HOLD), "a whole hold since first seen");
        assertEquals(42, b.expectedRevision("web-0"));
    }

    @Test
    void sameHostOrOwnRecordNeverHoldsBack() {
        assertNull(bookWith("a", "old/1", NOW).holdBack("web-0", "a", HOLD, NOW));
        assertNull(bookWith("a", "me/1", NOW).holdBack("web-0", "b", HOLD, NOW));
    }

    @Test
    void recordOlderThanAHoldByTheWritersClockDoesNotHoldBack() {
        assertNull(bookWith("a", "old/1", NOW - HOLD - SKEW).holdBack("web-0", "b", HOLD, NOW));
        assertNotNull(bookWith("a", "old/1", NOW - HOLD + 1).holdBack("web-0", "b", HOLD, NOW), "within the skew allowance");
    }

    @Test
    void writerClockAheadCannotExtendTheWaitBeyondOneHoldFromFirstSight() {
        AssignmentBook b = bookWith("a", "old/1", NOW + 3_600_000);
        assertNotNull(b.holdBack("web-0", "b", HOLD, NOW + 1));
        assertNull(b.holdBack("web-0", "b", HOLD, NOW + HOLD));
    }

    @Test
    void conflictReplacesTheKnownRecordAndAbsenceForgetsIt() {
        AssignmentBook b = new AssignmentBook("me/1", SKEW);
        b.recorded("web-0", new AssignmentValue("a", 1, "me/1", NOW), 10, NOW);
        assertEquals(10, b.expectedRevision("web-0"));
        b.conflicted("web-0", Optional.of(new AssignmentRecord("web-0", new AssignmentValue("b", 1, "other/2", NOW), 11)), NOW);
        assertEquals(11, b.expectedRevision("web-0"));
        assertNotNull(b.holdBack("web-0", "a", HOLD, NOW + 1), "another coordinator just sent it to b");
        b.conflicted("web-0", Optional.empty(), NOW);
        assertEquals(0, b.expectedRevision("web-0"));
        assertNull(b.holdBack("web-0", "a", HOLD, NOW + 1));
    }
}
