package io.blackstart.coordinator.tracker;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(10)
public class RunningCurveTest {

    @Test
    void aPointPerChangeOrPerSecondAndBoundedWithRecentDetailKept() {
        RunningCurve c = new RunningCurve(8);
        c.sample(0, 0);
        c.sample(200, 0);    // same count within a second: skipped
        c.sample(400, 1);    // changed: kept
        c.sample(1400, 1);   // a second later: kept
        assertEquals(List.of(new CurvePoint(0, 0), new CurvePoint(400, 1), new CurvePoint(1400, 1)), c.points());
        for (int i = 2; i < 40; i++) {
            c.sample(1400 + i * 100L, i);
        }
        List<CurvePoint> p = c.points();
        assertTrue(p.size() <= 8, p.toString());
        assertEquals(new CurvePoint(0, 0), p.get(0), "the start stays");
        assertEquals(new CurvePoint(1400 + 39 * 100L, 39), p.get(p.size() - 1), "the latest stays");
        for (int i = 1; i < p.size(); i++) {
            assertTrue(p.get(i).at() > p.get(i - 1).at());
        }
    }
}
