package io.blackstart.common;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The skew provable from a one-second HTTP Date header, and the NTP-style offset of one exchange. */
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

    @Test
    void exchangeWithTheRemoteAheadIsPositiveAndItsProcessingTimeDoesNotCount() {
        // 10 ms each way, 20 ms spent on the remote, whose clock is 500 ms ahead
        ClockSkew.Offset o = ClockSkew.exchange(1_000, 1_510, 1_530, 1_040);
        assertEquals(new ClockSkew.Offset(500, 10, 40), o);
        assertEquals(490, o.provableMillis());
    }

    @Test
    void exchangeWithTheRemoteBehindIsNegative() {
        ClockSkew.Offset o = ClockSkew.exchange(10_000, 7_005, 7_005, 10_010);
        assertEquals(new ClockSkew.Offset(-3_000, 5, 10), o);
        assertEquals(-2_995, o.provableMillis());
    }

    @Test
    void aSlowRemoteDoesNotWidenTheUncertainty() {
        // a 3 s Docker call on the agent between receiving and replying, 2 ms each way, clocks equal
        ClockSkew.Offset o = ClockSkew.exchange(0, 2, 3_002, 3_004);
        assertEquals(new ClockSkew.Offset(0, 2, 3_004), o);
        assertEquals(0, o.provableMillis());
    }

    @Test
    void anAsymmetricPathIsCoveredByTheUncertainty() {
        // clocks equal, 1 ms out and 9 ms back: the estimate is off by 4 ms, within its uncertainty of 5
        ClockSkew.Offset o = ClockSkew.exchange(100, 101, 101, 110);
        assertEquals(-4, o.offsetMillis());
        assertEquals(5, o.uncertaintyMillis());
        assertEquals(0, o.provableMillis());
    }

    @Test
    void anOddSumWidensTheUncertaintyByTheRoundedHalf() {
        ClockSkew.Offset o = ClockSkew.exchange(0, 1, 1, 1);
        assertEquals(new ClockSkew.Offset(0, 2, 1), o);
    }

    @Test
    void impossibleExchangesAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> ClockSkew.exchange(10, 5, 6, 9));
        assertThrows(IllegalArgumentException.class, () -> ClockSkew.exchange(10, 6, 5, 12));
    }
}
