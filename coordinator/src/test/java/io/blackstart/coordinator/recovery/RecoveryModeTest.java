package io.blackstart.coordinator.recovery;

import io.blackstart.coordinator.store.DesiredStateStore.ModeRecord;
import io.blackstart.scheduler.event.ModeChanged;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The recovery mode's policy: when it comes on and goes off by itself, and what an operator's command changes. */
@Timeout(10)
public class RecoveryModeTest {

    @Test
    void itComesOnAboveTheThresholdAndGoesOffOnceConvergedAfterWork() {
        RecoveryMode m = new RecoveryMode(0.3, 1_000);
        assertEquals(new ModeRecord(false, 1_000, ModeRecord.AUTO), m.record());
        assertFalse(m.shouldEnter(0.3), "at the threshold: not above it");
        assertTrue(m.shouldEnter(0.31));
        assertEquals(new ModeChanged("recovery", ModeRecord.AUTO, 2_000), m.set(true, ModeRecord.AUTO, 2_000, true));
        assertFalse(m.shouldEnter(0.9), "already on");
        assertFalse(m.shouldLeave(true, false), "work left");
        assertTrue(m.shouldLeave(true, true));
        assertEquals(new ModeChanged("normal", ModeRecord.AUTO, 9_000), m.set(false, ModeRecord.AUTO, 9_000, false));
        assertEquals("normal", m.name());
        assertEquals(9_000, m.since());
    }

    @Test
    void anOperatorsStartOnAConvergedPlatformStaysOnUntilThereWasWork() {
        RecoveryMode m = new RecoveryMode(0.3, 0);
        assertTrue(m.operatorChanges(true));
        m.set(true, ModeRecord.OPERATOR, 5_000, false); // converged: nothing to recover yet
        assertFalse(m.shouldLeave(true, true), "no work since it came on");
        assertFalse(m.shouldLeave(true, false), "a host lost: work");
        assertTrue(m.shouldLeave(true, true), "recovered");
        assertFalse(m.shouldLeave(false, true), "never before the catalog is applied");
    }

    @Test
    void anOperatorTakingOverTheSameModeIsAnEventButKeepsItsSince() {
        RecoveryMode m = new RecoveryMode(0.3, 0);
        m.set(true, ModeRecord.AUTO, 2_000, true);
        assertTrue(m.operatorChanges(true), "on by auto, asked on by an operator: now the operator's");
        assertEquals(new ModeChanged("recovery", ModeRecord.OPERATOR, 2_000), m.set(true, ModeRecord.OPERATOR, 3_000, true));
        assertEquals(2_000, m.since(), "still on since it came on");
        assertFalse(m.operatorChanges(true));
        assertNull(m.set(true, ModeRecord.OPERATOR, 4_000, true), "nothing changed: no event");
    }

    @Test
    void aStoredOnModeMeansARecoveryWasUnderWay() {
        RecoveryMode m = new RecoveryMode(0.3, 0);
        m.loaded(new ModeRecord(true, 7_000, ModeRecord.OPERATOR));
        assertEquals(new RecoveryManager.ModeReply("recovery", 7_000, ModeRecord.OPERATOR, "x"), m.reply("x"));
        assertTrue(m.shouldLeave(true, true), "the earlier incarnation had work: converged now, so off");
    }
}
