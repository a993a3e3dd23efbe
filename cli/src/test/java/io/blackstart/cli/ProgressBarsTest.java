package io.blackstart.cli;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.time.Instant;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(10)
class ProgressBarsTest {

    @ParameterizedTest(name = "{0} desired, {1} running, {2} starting, {3} failed -> {4}")
    @CsvSource({
            "10, 5, 2, 1, #####++x..",
            "10, 10, 0, 0, ##########",
            "3, 1, 1, 1, ###+++xxx.",   // 1/3 of 10 = 3 chars each, the rest pending
            "0, 0, 0, 0, '          '",
            "8, 0, 0, 0, ..........",
    })
    void barOfTenCharacters(int desired, int running, int starting, int failed, String expected) {
        assertEquals(expected, ProgressBars.bar(desired, running, starting, failed, 10));
    }

    @Test
    void framePerTierWithEtaAndSummary() throws Exception {
        JsonNode s = ApiClient.JSON.readTree("""
                {"mode":"recovery","modeBy":"auto","since":"2024-01-20T15:00:00Z","etcd":"ok",
                 "desired":20,"running":10,"starting":2,"pending":8,"failed":0,
                 "tiers":{"platform":{"desired":4,"running":4,"starting":0,"pending":0,"failed":0},
                          "database":{"desired":6,"running":6,"starting":0,"pending":0,"failed":0},
                          "app":{"desired":10,"running":0,"starting":2,"pending":8,"failed":0}},
                 "throughputPerSecond":2.5,"etaSeconds":600,
                 "summary":"50% of applications are running again; full recovery expected around 15:30 UTC."}
                """);
        long now = Instant.parse("2024-01-20T15:17:00Z").toEpochMilli();
        List<String> lines = ProgressBars.render(s, 20, now);
        assertTrue(lines.get(0).contains("mode recovery (auto)"), lines.get(0));
        assertEquals("platform  [####################] 100%  4/4 running  (0 starting, 0 pending, 0 failed)", lines.get(2));
        assertEquals("app       [++++................]   0%  0/10 running  (2 starting, 8 pending, 0 failed)", lines.get(4));
        assertEquals("total     [##########++........]  50%  10/20 running  (2 starting, 8 pending, 0 failed)", lines.get(5));
        assertEquals("throughput 2.50 starts/s   ETA 10 min (around 15:27:00 UTC)", lines.get(7));
        assertTrue(lines.get(8).startsWith("50% of applications"));
    }

    @Test
    void etaUnknownOrDone() throws Exception {
        assertEquals("unknown", ProgressBars.eta(ApiClient.JSON.nullNode(), 0));
        assertEquals("unknown", ProgressBars.eta(null, 0));
        assertEquals("done", ProgressBars.eta(ApiClient.JSON.readTree("0"), 0));
        assertEquals("45 s (around 00:00:45 UTC)", ProgressBars.eta(ApiClient.JSON.readTree("45"), 0));
    }

    @Test
    void reportDurations() {
        assertEquals("42.0 s", ReportCommand.duration(42));
        assertEquals("3m 05s", ReportCommand.duration(185));
        assertEquals("1h 02m", ReportCommand.duration(3725));
    }
}
