package io.blackstart.doctor;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The skew provable from a one-second HTTP Date header. */
@Timeout(10)
class ClockSkewTest {

    @Test
    void withinTheResolutionIsZero() {
        assertEquals(0, ClockSkew.provableSkewMillis(10_400, 10_420, 10_000));
        assertEquals(0, ClockSkew.provableSkewMillis(10_990, 11_010, 11_000));
    }

    @Test
    void serverAheadIsPositive() {
        assertEquals(7_980, ClockSkew.provableSkewMillis(10_000, 10_020, 18_000));
    }

    @Test
    void serverBehindIsNegative() {
        // the server's clock read at most 4_999 while ours already read 10_000
        assertEquals(-5_001, ClockSkew.provableSkewMillis(10_000, 10_020, 4_000));
    }
}
