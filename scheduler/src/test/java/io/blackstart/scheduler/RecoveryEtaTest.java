package io.blackstart.scheduler;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Table of worked examples for the ETA maths. */
@Timeout(10)
class RecoveryEtaTest {

    private static final double INF = Double.POSITIVE_INFINITY;

    @Test
    void allHostsUp() {
        // 100 starts at 8 + 2 = 10 starts/s -> 10 s
        assertEquals(10.0, RecoveryEta.capacitySeconds(100, new double[]{8, 2}), 1e-9);
        assertEquals(0.0, RecoveryEta.capacitySeconds(0, new double[]{8}), 1e-9);
        assertEquals(INF, RecoveryEta.capacitySeconds(1, new double[]{0}));
    }

    @Test
    void hostsJoiningOverTime() {
        // host A (4/s) from 0, host B (4/s) from 10 s: by 10 s, 40 done; 60 more at 8/s -> 7.5 s -> 17.5 s
        assertEquals(17.5, RecoveryEta.capacityBoundSeconds(100, new double[]{4, 4}, new double[]{0, 10}), 1e-9);
        // 20 starts are done by A alone before B arrives: 5 s
        assertEquals(5.0, RecoveryEta.capacityBoundSeconds(20, new double[]{4, 4}, new double[]{0, 10}), 1e-9);
        // a host that never comes back adds nothing; order of the arrays does not matter
        assertEquals(17.5, RecoveryEta.capacityBoundSeconds(100, new double[]{9, 4, 4}, new double[]{INF, 10, 0}),
                1e-9);
        // nobody ever: infinite
        assertEquals(INF, RecoveryEta.capacityBoundSeconds(1, new double[]{4}, new double[]{INF}));
        assertThrows(IllegalArgumentException.class,
                () -> RecoveryEta.capacityBoundSeconds(1, new double[]{1}, new double[]{0, 1}));
    }

    @Test
    void observedPace() {
        // 300 remaining, 60 up in the last 30 s -> 2/s -> 150 s
        assertEquals(150.0, RecoveryEta.observedSeconds(300, 60, 30), 1e-9);
        assertEquals(INF, RecoveryEta.observedSeconds(300, 0, 30));
        assertEquals(0.0, RecoveryEta.observedSeconds(0, 0, 30), 1e-9);
        assertThrows(IllegalArgumentException.class, () -> RecoveryEta.observedSeconds(1, 1, 0));
    }
}
