package io.blackstart.coordinator.tracker;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Downtime ends at ready, not at running; the time an app ran before it served is reported per app. */
@Timeout(10)
public class TrackerReadinessTest {

    private static TrackedInstance i(String id, String state, String failure) {
        return new TrackedInstance(id, id.substring(0, id.lastIndexOf('-')), "database", state, "h1", failure, 0,
                true);
    }

    private static TrackerView observe(Tracker t, long at, TrackedInstance... instances) {
        return t.observe(at, "recovery", "auto", 0, List.of(instances), List.of("h1"), Map.of());
    }

    @Test
    void runningButUnreadyIsDownAndCountedAsUnreadyTime() {
        Tracker t = new Tracker(Tracker.Settings.DEFAULT);
        long t0 = 1_000_000;
        observe(t, t0, i("db-0", "running", null), i("cache-0", "running", null));
        observe(t, t0 + 1_000, i("db-0", "pending", null), i("cache-0", "running", null)); // db down
        observe(t, t0 + 2_000, i("db-0", "running-unready", null), i("cache-0", "running", null));
        TrackerView mid = observe(t, t0 + 12_000, i("db-0", "running-unready", null), i("cache-0",
                "needs-attention", "health check failing: exit 3"));
        AppDowntime dbMid = mid.downtime().stream().filter(d -> d.appId().equals("db")).findFirst().orElseThrow();
        assertTrue(dbMid.down(), "running but not ready is not up");
        assertEquals(0, mid.appsRunning(), "neither app is up");
        assertTrue(mid.timeline().stream().anyMatch(e -> e.kind().equals("needs-attention")
                && e.detail().equals("cache-0 needs attention: health check failing: exit 3")), mid.timeline().toString());

        TrackerView v = observe(t, t0 + 14_000, i("db-0", "running", null), i("cache-0", "needs-attention",
                "health check failing: exit 3"));
        AppDowntime db = v.downtime().stream().filter(d -> d.appId().equals("db")).findFirst().orElseThrow();
        assertEquals(13_000, db.downtimeMillis(), "down from the stop to ready, the 12 s unready included");
        assertEquals(List.of(new AppUnready("cache", "database", 1, 2_000, 2_000, 0, 1, "health check failing: exit 3"),
                new AppUnready("db", "database", 1, 12_000, 12_000, 0, 0, null)), v.unready());
        assertEquals(0, v.etaSeconds(), "needs attention is not work the ETA waits for");

        DowntimeReport r = DowntimeReport.of(v, 300, t0 + 14_000);
        assertEquals(List.of("db", "cache"), r.unready().stream().map(AppUnready::appId).toList(), "longest first");
    }
}
