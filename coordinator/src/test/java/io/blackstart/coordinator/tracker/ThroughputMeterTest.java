package io.blackstart.coordinator.tracker;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Rate and ETA from samples of the running count. */
@Timeout(10)
public class ThroughputMeterTest {

    @Test
    void rateOverTheWindowAndEtaForTheRest() {
        ThroughputMeter m = new ThroughputMeter(30_000);
        m.sample(0, 0);
        assertEquals(0, m.perSecond(500), 1e-9, "too little time to tell");
        m.sample(5_000, 10);
        m.sample(10_000, 20);
        assertEquals(2.0, m.perSecond(10_000), 1e-9);
        assertEquals(15, m.etaSeconds(10_000, 30));
        assertEquals(0, m.etaSeconds(10_000, 0));
    }

    @Test
    void oldSamplesLeaveTheWindowAndAStallHasNoEta() {
        ThroughputMeter m = new ThroughputMeter(10_000);
        m.sample(0, 0);
        m.sample(1_000, 100);
        for (long t = 2_000; t <= 40_000; t += 1_000) {
            m.sample(t, 100);
        }
        assertEquals(0, m.perSecond(40_000), 1e-9);
        assertEquals(-1, m.etaSeconds(40_000, 5));
    }
}
