package io.blackstart.coordinator.tracker;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

@Timeout(10)
public class DowntimeBookTest {

    private static TrackedInstance i(String id, String state, long stoppedSince) {
        // every instance here has a container (it ran before): a blackout, not a first deployment
        return new TrackedInstance(id, id.substring(0, id.lastIndexOf('-')), "app", state, null, null, stoppedSince,
                true);
    }

    private static TrackedInstance fresh(String id, String state) {
        return new TrackedInstance(id, id.substring(0, id.lastIndexOf('-')), "app", state, null, null, 0, false);
    }

    @Test
    void aFirstDeploymentIsNotDowntimeButAStopAfterwardsIs() {
        DowntimeBook b = new DowntimeBook();
        b.observe(1_000, List.of(fresh("new-0", "pending")));
        b.observe(2_000, List.of(fresh("new-0", "starting")));
        b.observe(3_000, List.of(fresh("new-0", "running")));
        assertEquals(new AppDowntime("new", "app", 1, 0, 0, 0, false, 0), b.downtimes(3_000).get(0));
        // its container vanished with its host: seen running before, so it is down now
        b.observe(5_000, List.of(fresh("new-0", "pending")));
        b.observe(6_500, List.of(fresh("new-0", "running")));
        assertEquals(new AppDowntime("new", "app", 1, 5_000, 6_500, 1_500, false, 1), b.downtimes(7_000).get(0));
    }

    @Test
    void aPeriodRunsFromTheEarliestKnownStopToEveryInstanceRunningAgain() {
        DowntimeBook b = new DowntimeBook();
        b.observe(1_000, List.of(i("web-0", "running", 0), i("web-1", "running", 0), i("db-0", "running", 0)));
        // web-1's agent saw its container stop at 4.0 s; the coordinator sees it at 5.0 s
        b.observe(5_000, List.of(i("web-0", "running", 0), i("web-1", "pending", 4_000), i("db-0", "running", 0)));
        b.observe(7_000, List.of(i("web-0", "pending", 6_500), i("web-1", "starting", 4_000), i("db-0", "running", 0)));
        b.observe(9_000, List.of(i("web-0", "running", 0), i("web-1", "starting", 4_000), i("db-0", "running", 0)));
        assertEquals(List.of(new AppDowntime("db", "app", 1, 0, 0, 0, false, 0),
                new AppDowntime("web", "app", 2, 4_000, 0, 6_000, true, 1)), b.downtimes(10_000));
        b.observe(12_000, List.of(i("web-0", "running", 0), i("web-1", "running", 0), i("db-0", "running", 0)));
        // 4.0 s .. 12.0 s = 8 s
        assertEquals(new AppDowntime("web", "app", 2, 4_000, 12_000, 8_000, false, 1), b.downtimes(20_000).get(1));
    }

    @Test
    void unknownStopTimeCountsFromFirstSeenAndPeriodsAdd() {
        DowntimeBook b = new DowntimeBook();
        b.observe(10_000, List.of(i("api-0", "pending", 0)));   // after a blackout: stop time unknown
        b.observe(13_000, List.of(i("api-0", "running", 0)));   // 3 s
        b.observe(20_000, List.of(i("api-0", "failed", 19_000)));
        b.observe(21_000, List.of(i("api-0", "running", 0)));   // 2 s more (from 19 s)
        AppDowntime d = b.downtimes(30_000).get(0);
        assertEquals(5_000, d.downtimeMillis());
        assertEquals(2, d.periods());
        assertEquals(19_000, d.downSinceMillis(), "the latest period");
        assertEquals(21_000, d.upAgainMillis());
    }

    @Test
    void aStopTimeBeforeThePreviousRecoveryIsNotCountedTwice() {
        DowntimeBook b = new DowntimeBook();
        b.observe(10_000, List.of(i("api-0", "pending", 0)));
        b.observe(12_000, List.of(i("api-0", "running", 0)));
        b.observe(15_000, List.of(i("api-0", "pending", 5_000))); // a stale stop time from before 12 s
        b.observe(16_000, List.of(i("api-0", "running", 0)));
        assertEquals(2_000 + 4_000, b.downtimes(16_000).get(0).downtimeMillis());
    }

    @Test
    void aStopAndRestartBetweenTwoObservationsIsStillAPeriod() {
        DowntimeBook b = new DowntimeBook();
        b.observe(1_000, List.of(i("api-0", "running", 0)));
        // killed at 1.2 s (the agent's stop time), restarted and confirmed at 1.4 s; next observation at 1.5 s
        b.observe(1_500, List.of(new TrackedInstance("api-0", "api", "app", "running", null, null, 1_200, true, 1_400)));
        assertEquals(new AppDowntime("api", "app", 1, 1_200, 1_400, 200, false, 1), b.downtimes(2_000).get(0));
        // without a known stop time: from the previous observation
        b.observe(2_000, List.of(new TrackedInstance("api-0", "api", "app", "running", null, null, 0, true, 1_900)));
        assertEquals(new AppDowntime("api", "app", 1, 1_500, 1_900, 600, false, 2), b.downtimes(2_000).get(0));
    }

    @Test
    void aFirstStartSeenRunningBeforeItsOutcomeIsNotDowntime() {
        DowntimeBook b = new DowntimeBook();
        b.observe(1_000, List.of(fresh("api-0", "starting")));
        // the agent's report (running) reached the ledger before the start's outcome did
        b.observe(1_500, List.of(fresh("api-0", "running")));
        b.observe(2_000, List.of(new TrackedInstance("api-0", "api", "app", "running", null, null, 0, true, 1_530)));
        assertEquals(new AppDowntime("api", "app", 1, 0, 0, 0, false, 0), b.downtimes(2_000).get(0));
        // a later confirmed start while it was running both times is a restart, even without a stop time
        b.observe(2_500, List.of(new TrackedInstance("api-0", "api", "app", "running", null, null, 0, true, 2_300)));
        assertEquals(new AppDowntime("api", "app", 1, 2_000, 2_300, 300, false, 1), b.downtimes(2_500).get(0));
    }

    @Test
    void aPeriodSeenOpenClosesWhenTheStartWasConfirmed() {
        DowntimeBook b = new DowntimeBook();
        b.observe(1_000, List.of(i("api-0", "running", 0)));
        b.observe(1_500, List.of(i("api-0", "pending", 1_100)));
        b.observe(2_000, List.of(new TrackedInstance("api-0", "api", "app", "running", null, null, 0, true, 1_700)));
        assertEquals(new AppDowntime("api", "app", 1, 1_100, 1_700, 600, false, 1), b.downtimes(2_000).get(0));
    }

    @Test
    void appsNoLongerDesiredAreForgotten() {
        DowntimeBook b = new DowntimeBook();
        b.observe(1_000, List.of(i("old-0", "pending", 0)));
        b.observe(2_000, List.of(i("new-0", "running", 0)));
        assertEquals(List.of("new"), b.downtimes(2_000).stream().map(AppDowntime::appId).toList());
    }
}
