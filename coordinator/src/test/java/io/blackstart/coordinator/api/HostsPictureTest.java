package io.blackstart.coordinator.api;

import io.blackstart.coordinator.status.StatusSnapshot;
import io.blackstart.coordinator.tracker.MissingHost;
import io.blackstart.coordinator.tracker.TrackerView;

import com.fasterxml.jackson.databind.JsonNode;
import org.apache.pekko.http.javadsl.model.sse.ServerSentEvent;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The dashboard's hosts on the event stream: every host once, then only the hosts that changed. */
@Timeout(30)
class HostsPictureTest {

    private static StatusSnapshot.HostStatus host(String id, int inFlight, long lastReport) {
        return new StatusSnapshot.HostStatus(id, 4 - inFlight, inFlight, 4, 4, inFlight, 1_000, 0.123, 3, 2, true,
                lastReport, 0, 0, 0);
    }

    private static StatusSnapshot snapshot(List<StatusSnapshot.HostStatus> hosts, List<MissingHost> missing) {
        return snapshot(hosts, missing, 4_000);
    }

    private static StatusSnapshot snapshot(List<StatusSnapshot.HostStatus> hosts, List<MissingHost> missing,
                                           long now) {
        StatusSnapshot.Counts c = new StatusSnapshot.Counts(0, 0, 0, 0, 0);
        return new StatusSnapshot("running", "recovery", 0, "auto", now, c, Map.of(), List.of(), true, "", "etcd",
                hosts, List.of(), 0, -1).withTracking(new TrackerView(0, -1, 0, 0, 0, 0, List.of(), List.of(),
                List.of(), List.of(), missing));
    }

    private static List<StatusSnapshot.HostStatus> fleet(int n, long lastReport) {
        List<StatusSnapshot.HostStatus> hosts = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            hosts.add(host(String.format("h%04d", i), 0, lastReport));
        }
        return hosts;
    }

    @Test
    void ofTwoThousandHostsAChangeOfOneSendsOne() {
        HostsPicture.Next first = HostsPicture.EMPTY.next(snapshot(fleet(2_000, 1_000), List.of()));
        assertEquals(2_000, first.delta().orElseThrow().get("hosts").size());
        assertEquals(2_000, first.picture().full().get("hosts").size());

        // reports come in, nothing shown changed: nothing to send
        HostsPicture.Next quiet = first.picture().next(snapshot(fleet(2_000, 3_000), List.of()));
        assertTrue(quiet.delta().isEmpty());
        assertEquals(first.picture(), quiet.picture());

        List<StatusSnapshot.HostStatus> changed = fleet(2_000, 3_000);
        changed.set(7, host("h0007", 2, 3_000));
        HostsPicture.Next one = first.picture().next(snapshot(changed, List.of()));
        JsonNode d = one.delta().orElseThrow();
        assertEquals(1, d.get("hosts").size());
        assertEquals("h0007", d.get("hosts").get(0).get("nodeId").asText());
        assertEquals(2, d.get("hosts").get(0).get("startsInFlight").asInt());
        assertEquals(first.picture().version(), d.get("base").asLong());
        assertEquals(one.picture().version(), d.get("version").asLong());
        assertFalse(d.get("full").asBoolean());
        assertEquals(0.12, d.get("hosts").get(0).get("cpuPressure").asDouble(), "two decimals, as shown");
        assertTrue(d.get("hosts").get(0).path("silentSince").isMissingNode(), "it reports");

        // one host stops reporting: it is shown silent once, when it has been silent long enough
        List<StatusSnapshot.HostStatus> quietOne = fleet(2_000, 20_000);
        quietOne.set(7, host("h0007", 2, 3_000));
        HostsPicture.Next silent = one.picture().next(snapshot(quietOne, List.of(), 3_000 + HostsPicture.SILENT_MILLIS));
        assertEquals(1, silent.delta().orElseThrow().get("hosts").size());
        assertEquals(3_000, silent.delta().orElseThrow().get("hosts").get(0).get("silentSince").asLong());
        assertTrue(silent.picture().next(snapshot(quietOne, List.of(), 30_000)).delta().isEmpty());
    }

    @Test
    void aLostHostTurnsIntoAMissingOneAndAHostNeverSeenIsListedToo() {
        HostsPicture p = HostsPicture.EMPTY.next(snapshot(fleet(3, 1_000), List.of())).picture();
        HostsPicture.Next lost = p.next(snapshot(fleet(2, 1_000), List.of(
                new MissingHost("h0002", MissingHost.LOST, 2_000),
                new MissingHost("old-9", MissingHost.NEVER_RETURNED, 500))));
        JsonNode d = lost.delta().orElseThrow();
        assertEquals(2, d.get("reporting").asInt());
        assertEquals(1, d.get("lost").asInt());
        assertEquals(1, d.get("neverReturned").asInt());
        assertEquals("[{\"nodeId\":\"h0002\",\"state\":\"lost\",\"since\":2000},"
                + "{\"nodeId\":\"old-9\",\"state\":\"never-returned\",\"since\":500}]", d.get("hosts").toString());
        assertEquals(0, d.get("gone").size());

        // back again: reporting; a host no one lists any more is gone
        HostsPicture.Next back = lost.picture().next(snapshot(fleet(3, 1_000), List.of()));
        assertEquals("reporting", back.delta().orElseThrow().get("hosts").get(0).get("state").asText());
        assertEquals("[\"old-9\"]", back.delta().orElseThrow().get("gone").toString());
    }

    @Test
    void aClientThatMissesAChangeGetsTheWholePictureAndNothingTwice() {
        HostsPicture[] current = {HostsPicture.EMPTY};
        HostsGate gate = new HostsGate(() -> current[0]);
        assertEquals("{\"version\":0,\"full\":true,\"reporting\":0,\"lost\":0,\"neverReturned\":0,\"hosts\":[],"
                + "\"gone\":[]}", gate.first().getData());

        HostsPicture.Next n1 = current[0].next(snapshot(fleet(2, 1_000), List.of()));
        HostsGate.Item i1 = item(current[0], n1);
        current[0] = n1.picture();
        assertEquals(List.of(i1.sse()), gate.pass(i1), "the change from what the client has passes");
        assertEquals(List.of(), gate.pass(i1), "nothing twice");

        List<StatusSnapshot.HostStatus> busy = fleet(2, 1_000);
        busy.set(0, host("h0000", 1, 1_000));
        HostsPicture.Next n2 = current[0].next(snapshot(busy, List.of()));
        HostsGate.Item missed = item(current[0], n2);
        current[0] = n2.picture();
        HostsPicture.Next n3 = current[0].next(snapshot(fleet(3, 1_000), List.of()));
        HostsGate.Item i3 = item(current[0], n3);
        current[0] = n3.picture();
        List<ServerSentEvent> out = gate.pass(i3); // the client's buffer dropped `missed`
        assertEquals(1, out.size());
        assertTrue(out.get(0).getData().contains("\"full\":true"), out.get(0).getData());
        assertTrue(out.get(0).getData().contains("\"h0002\""), "the picture is the latest");
        assertEquals(List.of(), gate.pass(missed), "an old change after the picture is dropped");
    }

    private static HostsGate.Item item(HostsPicture told, HostsPicture.Next next) {
        return new HostsGate.Item(told.version(), next.picture().version(),
                HostsGate.event(next.delta().orElseThrow().toString()));
    }
}
