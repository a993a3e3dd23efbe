package io.blackstart.common;

/**
 * Clock skew between this machine and a server: bounded from an HTTP {@code Date} header
 * ({@link #provableSkewMillis}), or estimated from one request/answer exchange with four timestamps the NTP way
 * ({@link #exchange}). Pure.
 *
 * <p>The header has a resolution of one second: a server whose clock read {@code D} (truncated to the
 * second) answered at some instant in {@code [D, D + 1000)} of its own time, while our clock read between
 * {@code sent} and {@code answered}. The skew <em>provable</em> from one sample is therefore the distance
 * between the two intervals, 0 when they overlap. Skews below about one second cannot be told from
 * zero this way; they are reported as 0.
 */
public final class ClockSkew {

    private ClockSkew() {
    }

    /**
     * The provable skew in milliseconds: positive when the server is ahead of this machine, negative when
     * it is behind, 0 when within the resolution.
     *
     * @param sentMillis     our wall clock just before sending
     * @param answeredMillis our wall clock when the answer came
     * @param serverDate     the server's {@code Date} header, in epoch milliseconds (whole seconds)
     */
    public static long provableSkewMillis(long sentMillis, long answeredMillis, long serverDate) {
        if (answeredMillis < sentMillis) {
            throw new IllegalArgumentException("answered before sent");
        }
        long serverEarliest = serverDate;
        long serverLatest = serverDate + 999;
        if (serverEarliest > answeredMillis) {
            return serverEarliest - answeredMillis;
        }
        if (serverLatest < sentMillis) {
            return serverLatest - sentMillis;
        }
        return 0;
    }

    /**
     * The offset of a remote clock estimated from one exchange (NTP's on-wire calculation, RFC 5905 section 8).
     *
     * @param offsetMillis      remote clock minus ours: positive when the remote clock is ahead
     * @param uncertaintyMillis the true offset lies within {@code offsetMillis} ± this (half the network round trip,
     *                          the remote's processing time excluded), assuming neither clock jumped meanwhile
     * @param roundTripMillis   our wall time from sending to the answer, the remote's processing time included
     */
    public record Offset(long offsetMillis, long uncertaintyMillis, long roundTripMillis) {

        /**
         * The skew this exchange proves: the offset shrunk towards 0 by the uncertainty (0 when the interval
         * contains 0), with the offset's sign.
         */
        public long provableMillis() {
            long magnitude = Math.max(0, Math.abs(offsetMillis) - uncertaintyMillis);
            return offsetMillis < 0 ? -magnitude : magnitude;
        }
    }

    /**
     * The offset of a remote clock from one exchange: we sent at {@code sent} and got the answer at
     * {@code answered} (our clock); the remote received the request at {@code remoteReceived} and answered at
     * {@code remoteReplied} (its clock). {@code offset = ((remoteReceived - sent) + (remoteReplied - answered)) / 2},
     * {@code uncertainty = ((answered - sent) - (remoteReplied - remoteReceived)) / 2}, rounded up and never below 0.
     *
     * @throws IllegalArgumentException when {@code answered < sent} or {@code remoteReplied < remoteReceived}
     */
    public static Offset exchange(long sent, long remoteReceived, long remoteReplied, long answered) {
        if (answered < sent) {
            throw new IllegalArgumentException("answered (" + answered + ") before sent (" + sent + ")");
        }
        if (remoteReplied < remoteReceived) {
            throw new IllegalArgumentException("remote replied (" + remoteReplied + ") before it received ("
                    + remoteReceived + ")");
        }
        long sum = (remoteReceived - sent) + (remoteReplied - answered);
        long offset = Math.floorDiv(sum, 2);
        long delay = Math.max(0, (answered - sent) - (remoteReplied - remoteReceived));
        // an odd sum loses half a millisecond to the division: widen the interval by it
        long uncertainty = (delay + 1) / 2 + (sum % 2 == 0 ? 0 : 1);
        return new Offset(offset, uncertainty, answered - sent);
    }
}
