package io.blackstart.coordinator.tracker;

import io.blackstart.protocol.Tier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.List;
import java.util.Map;

import static io.blackstart.scheduler.InstanceState.NEEDS_ATTENTION;
import static io.blackstart.scheduler.InstanceState.PENDING;
import static io.blackstart.scheduler.InstanceState.RUNNING;
import static io.blackstart.scheduler.InstanceState.RUNNING_UNREADY;
import static io.blackstart.scheduler.InstanceState.STARTING;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Downtime ends at ready, not at running; the time an app ran before it served is reported per app. */
@Timeout(10)
public class TrackerReadinessTest {

    private static TrackerView view(Tracker t, long at) {
        return t.view(at, "recovery", "auto", 0, Map.of());
    }

    @Test
    void runningButUnreadyIsDownAndCountedAsUnreadyTime() {
        Tracker t = new Tracker(Tracker.Settings.DEFAULT);
        LedgerEvents log = new LedgerEvents(t);
        long t0 = 1_000_000;
        log.add(t0, "db-0", Tier.DATABASE).add(t0, "cache-0", Tier.DATABASE).move(t0, "db-0", STARTING)
                .move(t0, "db-0", RUNNING).move(t0, "cache-0", STARTING).move(t0, "cache-0", RUNNING);
        view(t, t0);
        log.move(t0 + 1_000, "db-0", PENDING, "container exited").move(t0 + 1_500, "db-0", STARTING)
                .move(t0 + 2_000, "db-0", RUNNING_UNREADY).move(t0 + 10_000, "cache-0", NEEDS_ATTENTION,
                        "health check failing: exit 3");
        TrackerView mid = view(t, t0 + 12_000);
        AppDowntime dbMid = mid.downtime().stream().filter(d -> d.appId().equals("db")).findFirst().orElseThrow();
        assertTrue(dbMid.down(), "running but not ready is not up");
        assertEquals(0, mid.appsRunning(), "neither app is up");
        assertEquals(List.of(new AppUnready("cache", "database", 1, 2_000, 2_000, 0, 1, "health check failing: exit 3"),
                new AppUnready("db", "database", 1, 10_000, 10_000, 1, 0, null)), mid.unready(),
                "open periods count up to now, with what is unready and what needs attention now");
        assertTrue(mid.timeline().stream().anyMatch(e -> e.kind().equals("needs-attention")
                && e.detail().equals("cache-0 needs attention: health check failing: exit 3")), mid.timeline().toString());

        log.move(t0 + 14_000, "db-0", RUNNING);
        TrackerView v = view(t, t0 + 14_000);
        AppDowntime db = v.downtime().stream().filter(d -> d.appId().equals("db")).findFirst().orElseThrow();
        assertEquals(13_000, db.downtimeMillis(), "down from the stop to ready, the 12 s unready included");
        assertEquals(List.of(new AppUnready("cache", "database", 1, 4_000, 4_000, 0, 1, "health check failing: exit 3"),
                new AppUnready("db", "database", 1, 12_000, 12_000, 0, 0, null)), v.unready());
        assertEquals(0, v.etaSeconds(), "needs attention is not work the ETA waits for");

        DowntimeReport r = DowntimeReport.of(v, 300, t0 + 14_000);
        assertEquals(List.of("db", "cache"), r.unready().stream().map(AppUnready::appId).toList(), "longest first");
    }
}
