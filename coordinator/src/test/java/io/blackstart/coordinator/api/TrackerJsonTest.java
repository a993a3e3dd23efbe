package io.blackstart.coordinator.api;

import io.blackstart.coordinator.TestFixtures;
import io.blackstart.coordinator.status.StatusSnapshot;

import com.fasterxml.jackson.databind.JsonNode;
import io.blackstart.coordinator.tracker.AppDowntime;
import io.blackstart.coordinator.tracker.CurvePoint;
import io.blackstart.coordinator.tracker.TimelineEvent;
import io.blackstart.coordinator.tracker.TrackerView;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What the tracker adds to a snapshot: its wire form, the diff into events, the progress event and /status. */
@Timeout(30)
public class TrackerJsonTest {

    private static ActorTestKit kit;

    @BeforeAll
    static void start() {
        org.slf4j.LoggerFactory.getILoggerFactory();
        kit = ActorTestKit.create(TestFixtures.localConfig());
    }

    @AfterAll
    static void stop() {
        kit.shutdownTestKit();
    }

    private static StatusSnapshot snapshot(String mode, String by, long since, long eta,
                                           StatusSnapshot.InstanceStatus... instances) {
        int running = (int) List.of(instances).stream().filter(i -> i.state().equals("running")).count();
        int failed = (int) List.of(instances).stream().filter(i -> i.state().equals("failed")).count();
        StatusSnapshot.Counts c = new StatusSnapshot.Counts(instances.length, running, 0,
                instances.length - running - failed, failed);
        TrackerView view = new TrackerView(1.5, eta, 0.8, 2, 2, 1,
                List.of(new TimelineEvent(since, "mode", mode, "mode is " + mode)),
                List.of(new AppDowntime("web", "app", 2, 1_000, 0, 5_000, true, 1)),
                List.of(new CurvePoint(1_000, 0), new CurvePoint(2_000, running)));
        return new StatusSnapshot("running", mode, since, by, 6_000, c, Map.of("app", c), List.of(), true, "", "etcd",
                List.of(new StatusSnapshot.HostStatus("n1", 2, 1, 4, 3, 1, 100, 0.2, 2, 1, true, 5_000, 0, 2, 2)),
                List.of(instances), 0, -1).withTracking(view);
    }

    private static StatusSnapshot.InstanceStatus i(String id, String state, String failure) {
        return new StatusSnapshot.InstanceStatus(id, id.substring(0, id.lastIndexOf('-')), "app", state, "n1", 1, failure);
    }

    @Test
    void theTrackersViewCrossesTheWire() {
        StatusSnapshot s = snapshot("recovery", "auto", 1_000, 42, i("web-0", "running", null),
                i("web-1", "failed", "start timed out"));
        kit.serializationTestKit().verifySerialization(s, true);
        assertEquals(42, s.etaSeconds(), "ETA and throughput are the tracker's");
        assertEquals(1.5, s.throughputPerSecond());
    }

    @Test
    void stateAndModeChangesBetweenSnapshots() {
        StatusSnapshot a = snapshot("recovery", "auto", 1_000, 10, i("web-0", "starting", null), i("web-1", "pending", null));
        StatusSnapshot b = snapshot("recovery", "auto", 1_000, 10, i("web-0", "running", null), i("web-1", "pending", null),
                i("new-0", "pending", null));
        SnapshotDiff.Changes c = SnapshotDiff.between(a, b, 10);
        assertEquals(List.of(new SnapshotDiff.StateChange("web-0", "web", "app", "starting", "running", "n1", null),
                new SnapshotDiff.StateChange("new-0", "new", "app", null, "pending", "n1", null)), c.states());
        assertNull(c.mode());
        assertEquals(1, SnapshotDiff.between(a, b, 1).omitted());
        assertEquals(0, SnapshotDiff.between(null, b, 10).states().size(), "the first snapshot is a progress event only");
        StatusSnapshot operator = snapshot("recovery", "operator", 1_000, 10, i("web-0", "running", null));
        assertEquals(new SnapshotDiff.ModeChange("recovery", "operator", 1_000), SnapshotDiff.between(b, operator, 10).mode());
        StatusSnapshot normal = snapshot("normal", "auto", 9_000, 10, i("web-0", "running", null));
        assertEquals("normal", SnapshotDiff.between(operator, normal, 10).mode().mode());
    }

    @Test
    void progressEventCarriesStatusHostsFailedWithReasonsCurveAndSentence() {
        StatusSnapshot s = snapshot("recovery", "auto", 1_000, -1, i("web-0", "running", null),
                i("web-1", "failed", "start timed out after 30 s"));
        JsonNode p = ProgressJson.progress(s, 6_000);
        assertTrue(p.get("status").get("etaSeconds").isNull(), "unknown ETA is null");
        assertEquals(1, p.get("status").get("failed").asInt());
        assertEquals("start timed out after 30 s", p.get("failed").get(0).get("failure").asText());
        assertEquals("web-1", p.get("failed").get(0).get("instanceId").asText());
        assertEquals("n1", p.get("nodes").get(0).get("nodeId").asText());
        assertEquals(2, p.get("curve").size());
        assertEquals(2_000, p.get("curve").get(1).get(0).asLong());
        // 1 of 2 apps fully running, web has a failed instance and nothing else remains
        assertEquals("50% of applications are running again; 1 application needs an operator's attention.",
                p.get("summary").asText());
    }
}
