package io.blackstart.coordinator.status;

import io.blackstart.protocol.Tier;
import io.blackstart.scheduler.InstanceState;
import io.blackstart.scheduler.event.InstanceTransition;
import io.blackstart.scheduler.event.LedgerEvent;
import io.blackstart.scheduler.event.ModeChanged;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(10)
public class EventLogTest {

    private static LedgerEvent t(int i) {
        return new InstanceTransition("web-" + i, "web", Tier.APP, InstanceState.RUNNING, InstanceState.PENDING,
                null, "container exited", i);
    }

    @Test
    void eventsAreNumberedFromOneAndCutIntoBoundedBatches() {
        EventLog log = new EventLog("inc-1");
        assertTrue(log.drain().isEmpty());
        for (int i = 0; i < 300; i++) {
            log.append(t(i));
        }
        List<EventBatch> batches = log.drain();
        assertEquals(List.of(1L, 129L, 257L), batches.stream().map(EventBatch::firstSeq).toList());
        assertEquals(List.of(128, 128, 44), batches.stream().map(b -> b.events().size()).toList());
        assertEquals("web-0", ((InstanceTransition) batches.get(0).events().get(0)).instanceId());
        assertFalse(log.hasPending());
        log.append(new ModeChanged("normal", "auto", 1));
        assertEquals(301, log.drain().get(0).firstSeq(), "numbers go on after a drain");
    }

    @Test
    void tooManyWaitingDropsTheOldestButKeepsTheirNumbers() {
        EventLog log = new EventLog("inc-1", 10);
        for (int i = 0; i < 25; i++) {
            log.append(t(i));
        }
        List<EventBatch> b = log.drain();
        assertEquals(1, b.size());
        assertEquals(16, b.get(0).firstSeq(), "1..15 dropped: the receivers see the gap");
        assertEquals(25, b.get(0).lastSeq());
        assertEquals(15, log.dropped());
    }

    @Test
    void aLongReasonIsCut() {
        EventLog log = new EventLog("inc-1");
        log.append(new InstanceTransition("web-0", "web", Tier.APP, InstanceState.STARTING, InstanceState.FAILED,
                null, "x".repeat(10_000), 1));
        String reason = ((InstanceTransition) log.drain().get(0).events().get(0)).reason();
        assertEquals(EventLog.MAX_REASON_CHARS, reason.length());
    }
}
