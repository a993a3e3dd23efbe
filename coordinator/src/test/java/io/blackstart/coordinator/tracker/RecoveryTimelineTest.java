package io.blackstart.coordinator.tracker;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

@Timeout(10)
public class RecoveryTimelineTest {

    private static List<String> lines(RecoveryTimeline t) {
        return t.events().stream().map(e -> e.atMillis() + " " + e.kind() + " " + e.detail()).toList();
    }

    @Test
    void aBlackoutAndItsRecoveryAsAnIncidentReportWouldTellIt() {
        RecoveryTimeline t = new RecoveryTimeline(100);
        t.mode(1_000, "normal", "auto", 500);
        t.hostJoined(1_000, "h1");
        t.hostJoined(1_000, "h2");
        t.tiers(1_000, Map.of("platform", new int[]{2, 2}, "app", new int[]{4, 4}));
        t.tiers(2_000, Map.of("platform", new int[]{2, 0}, "app", new int[]{4, 1}));    // the power cut
        t.hostLost(2_000, "h2");
        t.mode(2_500, "recovery", "auto", 2_500);
        t.hostJoined(3_000, "h2");
        t.started(3_400, "platform", "api-0");                                             // confirmed at 3.4 s
        t.started(3_300, "platform", "api-1");                                             // seen later, earlier
        t.tiers(3_500, Map.of("platform", new int[]{2, 2}, "app", new int[]{4, 1}));
        t.failed(4_000, "web-3", "start timed out");
        t.tiers(4_000, Map.of("platform", new int[]{2, 2}, "app", new int[]{4, 3}));
        assertEquals(List.of(
                "500 mode mode is normal (auto)",
                "1000 host-joined host h1 reporting",
                "1000 host-joined host h2 reporting",
                "2000 tier-down 2 of 2 platform instances not running",
                "2000 tier-down 3 of 4 app instances not running",
                "2000 host-lost host h2 lost",
                "2500 mode mode changed to recovery (auto)",
                "3000 host-back host h2 back",
                "3300 tier-first-start first platform instance up (api-1)", // the earliest, though seen second
                "3500 tier-up every platform instance running (2, last start)",
                "4000 failure web-3 failed: start timed out"), lines(t));
    }

    @Test
    void boundedWithFailuresGivingWayFirst() {
        RecoveryTimeline t = new RecoveryTimeline(16);
        t.mode(0, "recovery", "auto", 0);
        for (int i = 0; i < 40; i++) {
            t.failed(i + 1, "web-" + i, "boom");
        }
        assertEquals(16, t.events().size());
        assertEquals("mode", t.events().get(0).kind());
        assertEquals(25, t.droppedFailures());
        assertEquals("web-39", t.events().get(15).subject());
    }
}
