package io.blackstart.coordinator.tracker;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A small recovery, observation by observation, with the timeline, downtime, rate and ETA it yields. */
@Timeout(10)
public class TrackerTest {

    private static TrackedInstance i(String id, String tier, String state) {
        return new TrackedInstance(id, id.substring(0, id.lastIndexOf('-')), tier, state, null,
                state.equals("failed") ? "start timed out" : null, 0, true);
    }

    @Test
    void aRecoveryObservedStepByStep() {
        Tracker t = new Tracker(new Tracker.Settings(10_000, 100, 100));
        Map<String, List<String>> deps = Map.of("web", List.of("db"));
        long t0 = 1_000_000;
        TrackerView v = t.observe(t0, "recovery", "auto", t0 - 500, List.of(i("api-0", "platform", "pending"),
                i("db-0", "database", "pending"), i("web-0", "app", "pending"), i("web-1", "app", "pending")),
                List.of("h1", "h2"), deps);
        assertEquals(-1, v.etaSeconds(), "nothing came up yet: unknown");
        assertEquals(3, v.remainingLevels(), "api, then db, then web");
        assertEquals(0, v.appsRunning());

        t.observe(t0 + 1000, "recovery", "auto", t0 - 500, List.of(i("api-0", "platform", "starting"),
                i("db-0", "database", "pending"), i("web-0", "app", "pending"), i("web-1", "app", "pending")),
                List.of("h1", "h2"), deps);
        v = t.observe(t0 + 3000, "recovery", "auto", t0 - 500, List.of(i("api-0", "platform", "running"),
                i("db-0", "database", "starting"), i("web-0", "app", "pending"), i("web-1", "app", "pending")),
                List.of("h1"), deps);
        // one start in 3 s of observation: 1/3 per second; it took 2 s; 3 remaining at 1/3 s = 9 s; 2 levels x 2 s = 4 s
        assertEquals(1 / 3.0, v.startsPerSecond(), 1e-9);
        assertEquals(2.0, v.meanStartSeconds(), 1e-9);
        assertEquals(2, v.remainingLevels());
        assertEquals(9, v.etaSeconds());

        v = t.observe(t0 + 5000, "recovery", "auto", t0 - 500, List.of(i("api-0", "platform", "running"),
                i("db-0", "database", "running"), i("web-0", "app", "running"), i("web-1", "app", "failed")),
                List.of("h1", "h2"), deps);
        v = t.observe(t0 + 6000, "normal", "auto", t0 + 6000, List.of(i("api-0", "platform", "running"),
                i("db-0", "database", "running"), i("web-0", "app", "running"), i("web-1", "app", "failed")),
                List.of("h1", "h2"), deps);
        assertEquals(0, v.etaSeconds(), "only a failed instance is left: nothing remains to wait for");
        assertEquals(3, v.appsDesired());
        assertEquals(2, v.appsRunning());

        List<String> kinds = v.timeline().stream().map(e -> e.kind() + ":" + e.subject()).toList();
        // within one observation: mode, hosts, starts and failures, then tiers that are all up
        assertEquals(List.of("mode:recovery", "host-joined:h1", "host-joined:h2", "host-lost:h2",
                "tier-first-start:platform", "tier-up:platform", "host-back:h2", "tier-first-start:database",
                "tier-first-start:app", "failure:web-1", "tier-up:database", "mode:normal"), kinds);
        assertEquals(t0 - 500, v.timeline().get(0).atMillis(), "the mode is dated from when it was entered");
        assertTrue(v.timeline().stream().anyMatch(e -> e.detail().contains("start timed out")));

        AppDowntime web = v.downtime().stream().filter(d -> d.appId().equals("web")).findFirst().orElseThrow();
        assertTrue(web.down());
        assertEquals(6000, web.downtimeMillis());
        AppDowntime api = v.downtime().get(0);
        assertEquals("api", api.appId());
        assertEquals(3000, api.downtimeMillis());
        assertEquals(List.of(0, 0, 1, 3, 3), v.curve().stream().map(CurvePoint::running).toList());
    }
}
