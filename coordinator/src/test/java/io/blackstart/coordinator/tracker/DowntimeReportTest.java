package io.blackstart.coordinator.tracker;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

@Timeout(10)
public class DowntimeReportTest {

    @Test
    void appsLongestFirstAndTheOnesOverTheSlaListed() {
        TrackerView v = new TrackerView(0, 0, 0, 0, 3, 2, List.of(new TimelineEvent(1000, "mode", "recovery", "x")),
                List.of(new AppDowntime("a", "app", 1, 1_000, 61_000, 60_000, false, 1),
                        new AppDowntime("b", "database", 2, 1_000, 0, 400_000, true, 1),
                        new AppDowntime("c", "app", 1, 0, 0, 0, false, 0)), List.of());
        DowntimeReport r = DowntimeReport.of(v, 60, 500_000);
        assertEquals(List.of("b", "a", "c"), r.apps().stream().map(AppDowntime::appId).toList());
        assertEquals(List.of("b"), r.breaches(), "exactly 60 s does not break a 60 s SLA");
        assertEquals("""
                app,tier,instances,down_since,up_again,downtime_seconds,down_now,periods,sla_breached
                b,database,2,1970-01-01T00:00:01Z,,400.0,true,1,true
                a,app,1,1970-01-01T00:00:01Z,1970-01-01T00:01:01Z,60.0,false,1,false
                c,app,1,,,0.0,false,0,false
                """, r.csv());
    }
}
