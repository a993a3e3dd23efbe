package io.blackstart.coordinator.tracker;

import io.blackstart.protocol.Tier;
import io.blackstart.protocol.wire.ContainerInfo;
import io.blackstart.protocol.wire.ContainerState;
import io.blackstart.scheduler.event.ModeChanged;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.List;
import java.util.Map;

import static io.blackstart.scheduler.InstanceState.ASSIGNED;
import static io.blackstart.scheduler.InstanceState.FAILED;
import static io.blackstart.scheduler.InstanceState.PENDING;
import static io.blackstart.scheduler.InstanceState.RUNNING;
import static io.blackstart.scheduler.InstanceState.STARTING;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A small recovery, event by event, with the timeline, downtime, rate and ETA it yields. */
@Timeout(10)
public class TrackerTest {

    private static final Map<String, List<String>> DEPS = Map.of("web", List.of("db"));

    @Test
    void aRecoveryFedByTheEventLog() {
        Tracker t = new Tracker(new Tracker.Settings(10_000, 100, 100));
        LedgerEvents log = new LedgerEvents(t);
        long t0 = 1_000_000;
        log.add(t0, "api-0", Tier.PLATFORM).add(t0, "db-0", Tier.DATABASE).add(t0, "web-0", Tier.APP)
                .add(t0, "web-1", Tier.APP).joined(t0, "h1").joined(t0, "h2");
        // every instance ran before the blackout: its agent still has its stopped container
        t.containersReported(t0, List.of(stopped("api-0", t0 - 60_000), stopped("db-0", t0 - 60_000),
                stopped("web-0", t0 - 60_000), stopped("web-1", t0 - 60_000)));
        TrackerView v = t.view(t0, "recovery", "auto", t0 - 500, DEPS);
        assertEquals(-1, v.etaSeconds(), "nothing came up yet: unknown");
        assertEquals(3, v.remainingLevels(), "api, then db, then web");
        assertEquals(0, v.appsRunning());

        log.move(t0 + 1000, "api-0", ASSIGNED).move(t0 + 1000, "api-0", STARTING).lost(t0 + 2000, "h2");
        t.view(t0 + 1000, "recovery", "auto", t0 - 500, DEPS);
        log.move(t0 + 3000, "api-0", RUNNING).move(t0 + 3000, "db-0", ASSIGNED);
        v = t.view(t0 + 3000, "recovery", "auto", t0 - 500, DEPS);
        // one start in 3 s of observation: 1/3 per second; it took 2 s; 3 remaining at 1/3 s = 9 s; 2 levels x 2 s = 4 s
        assertEquals(1 / 3.0, v.startsPerSecond(), 1e-9);
        assertEquals(2.0, v.meanStartSeconds(), 1e-9);
        assertEquals(2, v.remainingLevels());
        assertEquals(9, v.etaSeconds());

        log.joined(t0 + 3500, "h2").move(t0 + 4000, "db-0", RUNNING).move(t0 + 4500, "web-0", ASSIGNED)
                .move(t0 + 5000, "web-0", RUNNING).move(t0 + 5000, "web-1", FAILED, "start timed out");
        t.apply(new ModeChanged("normal", "auto", t0 + 6000));
        v = t.view(t0 + 6000, "normal", "auto", t0 + 6000, DEPS);
        assertEquals(0, v.etaSeconds(), "only a failed instance is left: nothing remains to wait for");
        assertEquals(3, v.appsDesired());
        assertEquals(2, v.appsRunning());

        List<String> kinds = v.timeline().stream().map(e -> e.kind() + ":" + e.subject()).toList();
        assertEquals(List.of("mode:recovery", "host-joined:h1", "host-joined:h2", "host-lost:h2",
                "tier-first-start:platform", "tier-up:platform", "host-back:h2", "tier-first-start:database",
                "tier-up:database", "tier-first-start:app", "failure:web-1", "mode:normal"), kinds);
        assertEquals(t0 - 500, v.timeline().get(0).atMillis(), "the mode is dated from when it was entered");
        assertTrue(v.timeline().stream().anyMatch(e -> e.detail().contains("start timed out")));

        AppDowntime web = v.downtime().stream().filter(d -> d.appId().equals("web")).findFirst().orElseThrow();
        assertTrue(web.down());
        assertEquals(66_000, web.downtimeMillis(), "from the blackout (its containers' stop time) to now");
        AppDowntime api = v.downtime().get(0);
        assertEquals("api", api.appId());
        assertEquals(63_000, api.downtimeMillis());
        assertEquals(List.of(0, 0, 1, 3), v.curve().stream().map(CurvePoint::running).toList());
    }

    @Test
    void aKillAndRestartInPlaceBetweenTwoViewsIsAStartAndDowntime() {
        Tracker t = new Tracker(Tracker.Settings.DEFAULT);
        LedgerEvents log = new LedgerEvents(t);
        log.add(0, "api-0", Tier.APP).joined(0, "h1").move(100, "api-0", ASSIGNED).move(200, "api-0", STARTING)
                .move(1_000, "api-0", RUNNING);
        TrackerView before = t.view(1_000, "recovery", "auto", 0, Map.of());
        // within one 500-ms status interval: the container is killed (the agent saw it stop at 1.20 s), the
        // ledger learns it at 1.25 s, and the agent's restart brings it back at 1.40 s
        t.containersReported(1_250, List.of(stopped("api-0", 1_200)));
        log.move(1_250, "api-0", PENDING, "container exited").move(1_300, "api-0", ASSIGNED)
                .move(1_320, "api-0", STARTING).move(1_400, "api-0", RUNNING);
        TrackerView after = t.view(1_500, "recovery", "auto", 0, Map.of());
        assertEquals(new AppDowntime("api", "app", 1, 1_200, 1_400, 200, false, 1), after.downtime().get(0));
        assertEquals(0, before.downtime().get(0).periods(), "its first start was a deployment, not downtime");
        assertEquals(2.0, after.startsPerSecond(), 1e-9, "two starts, over the rate's shortest span (1 s)");
    }

    private static ContainerInfo stopped(String instanceId, long since) {
        return new ContainerInfo(instanceId, instanceId.substring(0, instanceId.lastIndexOf('-')), "c-" + instanceId,
                "busybox", ContainerState.STOPPED, since, null, null);
    }
}
