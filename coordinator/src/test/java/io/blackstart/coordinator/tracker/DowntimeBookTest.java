package io.blackstart.coordinator.tracker;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Down periods from transitions, dated by the agents' stop times where they are known. */
@Timeout(10)
public class DowntimeBookTest {

    private static String app(String instanceId) {
        return instanceId.substring(0, instanceId.lastIndexOf('-'));
    }

    private static void up(DowntimeBook b, String id, long at) {
        b.transition(id, app(id), "app", true, at);
    }

    private static void down(DowntimeBook b, String id, long at) {
        b.transition(id, app(id), "app", false, at);
    }

    @Test
    void stopsOfInstancesNeverDesiredAreBounded() {
        DowntimeBook b = new DowntimeBook();
        for (int n = 0; n < DowntimeBook.MAX_UNDESIRED_STOPS + 1_000; n++) {
            b.stopReported(1_000, "old-" + n, 500); // stopped containers of apps the catalog no longer has
        }
        assertEquals(DowntimeBook.MAX_UNDESIRED_STOPS, b.undesiredStops());
        // one of them becomes desired: its reported stop still dates its downtime
        down(b, "old-7", 2_000);
        assertEquals(500, b.downtimes(3_000).get(0).downSinceMillis());
        assertEquals(DowntimeBook.MAX_UNDESIRED_STOPS - 1, b.undesiredStops());
        b.removed("old-8", 3_000);
        assertEquals(DowntimeBook.MAX_UNDESIRED_STOPS - 2, b.undesiredStops());
    }

    @Test
    void aFirstDeploymentIsNotDowntimeButAStopAfterwardsIs() {
        DowntimeBook b = new DowntimeBook();
        down(b, "new-0", 1_000); // added by the catalog, pending
        down(b, "new-0", 2_000); // starting
        up(b, "new-0", 3_000);
        assertEquals(new AppDowntime("new", "app", 1, 0, 0, 0, false, 0), b.downtimes(3_000).get(0));
        // its container vanished with its host: it ran, so it is down now
        down(b, "new-0", 5_000);
        up(b, "new-0", 6_500);
        assertEquals(new AppDowntime("new", "app", 1, 5_000, 6_500, 1_500, false, 1), b.downtimes(7_000).get(0));
    }

    @Test
    void aPeriodRunsFromTheEarliestKnownStopToEveryInstanceUpAgain() {
        DowntimeBook b = new DowntimeBook();
        up(b, "web-0", 1_000);
        up(b, "web-1", 1_000);
        up(b, "db-0", 1_000);
        // web-1's agent saw its container stop at 4.0 s; its report reaches the ledger at 5.0 s
        b.stopReported(5_000, "web-1", 4_000);
        down(b, "web-1", 5_000);
        b.stopReported(7_000, "web-0", 6_500);
        down(b, "web-0", 7_000);
        up(b, "web-0", 9_000);
        assertEquals(List.of(new AppDowntime("db", "app", 1, 0, 0, 0, false, 0),
                new AppDowntime("web", "app", 2, 4_000, 0, 6_000, true, 1)), b.downtimes(10_000));
        up(b, "web-1", 12_000);
        // 4.0 s .. 12.0 s = 8 s
        assertEquals(new AppDowntime("web", "app", 2, 4_000, 12_000, 8_000, false, 1), b.downtimes(20_000).get(1));
    }

    @Test
    void afterABlackoutTheAgentsStopTimeDatesThePeriodAndUnknownCountsFromWhenItWasLearnt() {
        DowntimeBook b = new DowntimeBook();
        // the catalog first, then the host's first report: the container stopped at 2 s (the power cut)
        down(b, "api-0", 10_000);
        assertEquals(0, b.downtimes(10_000).get(0).periods(), "nothing says it ran before");
        b.stopReported(11_000, "api-0", 2_000);
        up(b, "api-0", 13_000);
        assertEquals(new AppDowntime("api", "app", 1, 2_000, 13_000, 11_000, false, 1), b.downtimes(13_000).get(0));
        // the report first, then the catalog; the agent does not know when it stopped: from the catalog
        b.stopReported(20_000, "web-0", 0);
        down(b, "web-0", 21_000);
        up(b, "web-0", 24_000);
        assertEquals(3_000, b.downtimes(24_000).get(1).downtimeMillis());
    }

    @Test
    void aRunningContainerReportedBeforeItsStartIsConfirmedIsNotDowntime() {
        // a first deployment: the agent's report shows the container running before the ledger has the outcome;
        // the tracker hears of it only through the transition, so nothing opens (a CI run caught the old rule)
        Tracker t = new Tracker(Tracker.Settings.DEFAULT);
        t.apply(new io.blackstart.scheduler.event.InstanceTransition("api-0", "api", io.blackstart.protocol.Tier.APP,
                null, io.blackstart.scheduler.InstanceState.PENDING, null, "desired", 1_000));
        t.apply(new io.blackstart.scheduler.event.InstanceTransition("api-0", "api", io.blackstart.protocol.Tier.APP,
                io.blackstart.scheduler.InstanceState.PENDING, io.blackstart.scheduler.InstanceState.STARTING, "h1",
                "assignment recorded", 1_100));
        t.containersReported(1_200, List.of(new io.blackstart.protocol.wire.ContainerInfo("api-0", "api", "c-0",
                "busybox", io.blackstart.protocol.wire.ContainerState.RUNNING, 1_150, null, null)));
        t.apply(new io.blackstart.scheduler.event.InstanceTransition("api-0", "api", io.blackstart.protocol.Tier.APP,
                io.blackstart.scheduler.InstanceState.STARTING, io.blackstart.scheduler.InstanceState.RUNNING, "h1",
                "started", 1_300));
        assertEquals(new AppDowntime("api", "app", 1, 0, 0, 0, false, 0),
                t.view(1_400, "normal", "auto", 0, java.util.Map.of()).downtime().get(0));
    }

    @Test
    void periodsAddAndAStaleStopTimeIsNotCountedTwice() {
        DowntimeBook b = new DowntimeBook();
        b.stopReported(10_000, "api-0", 0);
        down(b, "api-0", 10_000);
        up(b, "api-0", 12_000);                 // 2 s
        b.stopReported(15_000, "api-0", 5_000);     // a stale stop time from before 12 s
        down(b, "api-0", 15_000);
        up(b, "api-0", 16_000);                 // 1 s, from the transition
        AppDowntime d = b.downtimes(30_000).get(0);
        assertEquals(3_000, d.downtimeMillis());
        assertEquals(2, d.periods());
        assertEquals(15_000, d.downSinceMillis(), "the latest period");
        assertEquals(16_000, d.upAgainMillis());
    }

    @Test
    void aKillAndRestartInPlaceBetweenTwoSnapshotsIsAPeriod() {
        DowntimeBook b = new DowntimeBook();
        up(b, "api-0", 1_000);
        // killed at 1.2 s by the agent's clock, reported at 1.25 s, restarted in place and up at 1.4 s: no status
        // snapshot (every 500 ms) ever shows it down
        b.stopReported(1_250, "api-0", 1_200);
        down(b, "api-0", 1_250);
        up(b, "api-0", 1_400);
        assertEquals(new AppDowntime("api", "app", 1, 1_200, 1_400, 200, false, 1), b.downtimes(1_500).get(0));
        for (int k = 1; k <= 19; k++) {
            down(b, "api-0", 1_400 + k * 100);
            up(b, "api-0", 1_450 + k * 100);
        }
        AppDowntime d = b.downtimes(5_000).get(0);
        assertEquals(20, d.periods(), "every kill is a period");
        assertEquals(200 + 19 * 50, d.downtimeMillis());
    }

    @Test
    void appsNoLongerDesiredAreForgottenAndAnInstanceRemovedMayEndAPeriod() {
        DowntimeBook b = new DowntimeBook();
        up(b, "old-0", 1_000);
        up(b, "web-0", 1_000);
        up(b, "web-1", 1_000);
        b.removed("old-0", 2_000);
        assertEquals(List.of("web"), b.downtimes(2_000).stream().map(AppDowntime::appId).toList());
        down(b, "web-1", 3_000);
        b.removed("web-1", 4_000); // scaled down: the one left is up
        assertEquals(new AppDowntime("web", "app", 1, 3_000, 4_000, 1_000, false, 1), b.downtimes(5_000).get(0));
    }
}
