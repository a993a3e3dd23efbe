package io.blackstart.doctor;

/**
 * Clock skew between this machine and a server, bounded from an HTTP {@code Date} header. Pure.
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
}
