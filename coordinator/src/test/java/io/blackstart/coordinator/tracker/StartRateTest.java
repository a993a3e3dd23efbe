package io.blackstart.coordinator.tracker;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.junit.jupiter.api.Assertions.assertEquals;

@Timeout(10)
public class StartRateTest {

    @Test
    void startsPerSecondOverTheSlidingWindow() {
        StartRate r = new StartRate(10_000);
        r.observe(0);
        assertEquals(0, r.perSecond(0));
        // 5 starts in the first 2 s: 5 / 2 s (the window is not full yet)
        for (int i = 1; i <= 5; i++) {
            r.started(i * 400, 1000);
        }
        assertEquals(2.5, r.perSecond(2000), 1e-9);
        // at 10 s: still 5 starts, over the full 10 s window
        assertEquals(0.5, r.perSecond(10_000), 1e-9);
        // at 10.8 s the first two (0.4 s, 0.8 s) left the window
        assertEquals(0.3, r.perSecond(10_800), 1e-9);
        // after the window nothing remains
        assertEquals(0, r.perSecond(30_000));
        assertEquals(1.0, r.meanStartSeconds(), 1e-9);
    }

    @Test
    void atLeastOneSecondIsTheSpanAndUnknownDurationsAreNotAveraged() {
        StartRate r = new StartRate(30_000);
        r.started(100, -1);
        r.started(200, 3000);
        assertEquals(2.0, r.perSecond(300), 1e-9); // 2 starts over the 1 s minimum span
        assertEquals(3.0, r.meanStartSeconds(), 1e-9);
    }
}
