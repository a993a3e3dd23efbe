package io.blackstart.coordinator.api;

import io.blackstart.coordinator.status.StatusBoard;
import io.blackstart.coordinator.status.StatusSnapshot;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What operators read in the status JSON (and the dashboard's banner, and `blackstart status`) while degraded. */
@Timeout(30)
public class DegradedStatusJsonTest {

    private static StatusSnapshot snapshot() {
        StatusSnapshot.Counts c = new StatusSnapshot.Counts(6, 2, 1, 3, 0);
        return new StatusSnapshot("running", "recovery", 1_700_000_000_000L, "operator", 1_700_000_100_000L, c,
                Map.of("app", c), List.of(), false, "ping: UNAVAILABLE", "cache", List.of(), List.of(), 0.5, 8);
    }

    @Test
    void journalingSaysWhenTheCatalogWasCached() {
        JsonNode n = HttpApi.statusJson(snapshot().withDegraded(new StatusSnapshot.Degraded("journaling",
                1_700_000_050_000L, 1_699_999_000_000L, 3, 3, 0, 0, "")));
        JsonNode d = n.path("degraded");
        assertEquals("degraded: etcd down, recovering from catalog cached at 2023-11-14T21:56:40Z (3 assignments"
                + " journaled locally)", d.path("message").asText());
        assertEquals("2023-11-14T21:56:40Z", d.path("catalogCachedAt").asText());
        assertEquals(3, d.path("pendingWriteBack").asInt());
        assertEquals("degraded", n.path("etcd").asText());
    }

    @Test
    void writingBackAndNotDegraded() {
        JsonNode d = HttpApi.statusJson(snapshot().withDegraded(new StatusSnapshot.Degraded("writing-back",
                1_700_000_050_000L, 0, 3, 2, 1, 0, ""))).path("degraded");
        assertEquals("degraded: writing 2 journaled assignments back to etcd", d.path("message").asText());
        assertFalse(HttpApi.statusJson(snapshot()).has("degraded"));
        assertFalse(HttpApi.statusJson(snapshot().withDegraded(StatusSnapshot.Degraded.NONE)).has("degraded"));
    }

    @Test
    void metricsTellDegradedAndPendingWriteBack() {
        StatusBoard board = new StatusBoard();
        Metrics metrics = new Metrics(board);
        board.set(snapshot().withDegraded(new StatusSnapshot.Degraded("journaling", 1, 0, 7, 5, 2, 0, "")));
        String text = metrics.scrape();
        assertTrue(text.contains("blackstart_degraded 1.0"), text);
        assertTrue(text.contains("blackstart_journal_pending_assignments 5.0"), text);
        board.set(snapshot());
        assertTrue(metrics.scrape().contains("blackstart_degraded 0.0"));
    }
}
