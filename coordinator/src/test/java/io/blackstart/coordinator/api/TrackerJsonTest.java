package io.blackstart.coordinator.api;

import io.blackstart.coordinator.TestFixtures;
import io.blackstart.coordinator.status.StatusSnapshot;

import com.fasterxml.jackson.databind.JsonNode;
import io.blackstart.coordinator.tracker.AppDowntime;
import io.blackstart.coordinator.tracker.CurvePoint;
import io.blackstart.coordinator.tracker.MissingHost;
import io.blackstart.coordinator.tracker.TimelineEvent;
import io.blackstart.coordinator.tracker.TrackerView;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.blackstart.protocol.Tier;
import io.blackstart.scheduler.InstanceState;
import io.blackstart.scheduler.event.HostJoined;
import io.blackstart.scheduler.event.HostLost;
import io.blackstart.scheduler.event.InstanceTransition;
import io.blackstart.scheduler.event.ModeChanged;
import io.blackstart.testsupport.TestKitExtension;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What the tracker adds to a snapshot: its wire form, the diff into events, the progress event and /status. */
@Timeout(30)
public class TrackerJsonTest {

    @RegisterExtension
    static final TestKitExtension kit = new TestKitExtension(TestFixtures.localConfig());

    private static StatusSnapshot snapshot(String mode, String by, long since, long eta,
                                           StatusSnapshot.InstanceStatus... instances) {
        int running = (int) List.of(instances).stream().filter(i -> i.state().equals("running")).count();
        int failed = (int) List.of(instances).stream().filter(i -> i.state().equals("failed")).count();
        StatusSnapshot.Counts c = new StatusSnapshot.Counts(instances.length, running, 0,
                instances.length - running - failed, failed);
        TrackerView view = new TrackerView(1.5, eta, 0.8, 2, 2, 1,
                List.of(new TimelineEvent(since, "mode", mode, "mode is " + mode)),
                List.of(new AppDowntime("web", "app", 2, 1_000, 0, 5_000, true, 1)),
                List.of(new CurvePoint(1_000, 0), new CurvePoint(2_000, running)), List.of(),
                List.of(new MissingHost("gone-1", MissingHost.NEVER_RETURNED, 1_000)));
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
        kit.get().serializationTestKit().verifySerialization(s, true);
        assertEquals(List.of(new MissingHost("gone-1", MissingHost.NEVER_RETURNED, 1_000)),
                s.tracking().missingHosts(), "hosts not reporting reach every node");
        assertEquals(42, s.etaSeconds(), "ETA and throughput are the tracker's");
        assertEquals(1.5, s.throughputPerSecond());
    }

    @Test
    void logEventsKeepTheDashboardsFieldsAndAddFromReasonAtAndSeq() {
        JsonNode st = EventJson.of(new InstanceTransition("web-1", "web", Tier.APP, InstanceState.STARTING,
                InstanceState.FAILED, null, "start timed out", 5_000), 7);
        assertEquals("state", EventJson.type(new InstanceTransition("web-1", "web", Tier.APP, null,
                InstanceState.PENDING, null, null, 1)));
        assertEquals("{\"instanceId\":\"web-1\",\"appId\":\"web\",\"tier\":\"app\",\"from\":\"starting\","
                + "\"to\":\"failed\",\"nodeId\":null,\"failure\":\"start timed out\",\"reason\":\"start timed out\","
                + "\"at\":5000,\"seq\":7}", st.toString());
        JsonNode up = EventJson.of(new InstanceTransition("web-0", "web", Tier.APP, InstanceState.STARTING,
                InstanceState.RUNNING, "n1", null, 6_000), 8);
        assertTrue(up.get("failure").isNull(), "a failure only on failed or needs-attention");
        assertTrue(EventJson.of(new InstanceTransition("new-0", "new", Tier.APP, null, InstanceState.PENDING, null,
                null, 1), 1).get("from").isNull(), "a newly desired instance comes from nothing");
        assertEquals("{\"mode\":\"normal\",\"by\":\"operator\",\"since\":9000,\"at\":9000,\"seq\":9}",
                EventJson.of(new ModeChanged("normal", "operator", 9_000), 9).toString());
        assertEquals("{\"nodeId\":\"n2\",\"event\":\"lost\",\"at\":3,\"seq\":10}",
                EventJson.of(new HostLost("n2", 3), 10).toString());
        assertEquals("host", EventJson.type(new HostJoined("n2", 4)));
    }

    @Test
    void progressEventCarriesStatusFailedWithReasonsCurveAndSentence() {
        StatusSnapshot s = snapshot("recovery", "auto", 1_000, -1, i("web-0", "running", null),
                i("web-1", "failed", "start timed out after 30 s"));
        JsonNode p = ProgressJson.progress(s, 6_000);
        assertTrue(p.get("status").get("etaSeconds").isNull(), "unknown ETA is null");
        assertEquals(1, p.get("status").get("failed").asInt());
        assertEquals("start timed out after 30 s", p.get("failed").get(0).get("failure").asText());
        assertEquals("web-1", p.get("failed").get(0).get("instanceId").asText());
        assertTrue(p.path("nodes").isMissingNode(), "the hosts come in hosts events, changes only");
        assertEquals(2, p.get("curve").size());
        assertEquals(2_000, p.get("curve").get(1).get(0).asLong());
        // 1 of 2 apps fully running, web has a failed instance and nothing else remains
        assertEquals("50% of applications are running again; 1 application needs an operator's attention.",
                p.get("summary").asText());
    }
}
