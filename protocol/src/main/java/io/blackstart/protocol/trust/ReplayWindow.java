package io.blackstart.protocol.trust;

/**
 * Which sequence numbers of one session were accepted: a number is accepted once, if it is above the highest seen
 * or within the last {@value #SIZE} below it and not seen yet (messages of one sender may arrive over two paths —
 * reports through a gateway, outcomes directly — so they need not arrive in order). Single-threaded.
 */
public final class ReplayWindow {
    static final int SIZE = 1024;
    private final long[] seen = new long[SIZE / 64];
    private long highest; // 0: none yet (sequence numbers start at 1)

    /** True, and remembered, if {@code seq} was not accepted before and is not too old. */
    public boolean accept(long seq) {
        if (seq <= 0) {
            return false;
        }
        if (seq > highest) {
            long shift = seq - highest;
            if (shift >= SIZE) {
                java.util.Arrays.fill(seen, 0);
            } else {
                for (long s = highest + 1; s <= seq; s++) {
                    clear(s);
                }
            }
            highest = seq;
            set(seq);
            return true;
        }
        if (highest - seq >= SIZE || isSet(seq)) {
            return false;
        }
        set(seq);
        return true;
    }

    private void set(long seq) {
        int bit = (int) (seq % SIZE);
        seen[bit >>> 6] |= 1L << (bit & 63);
    }

    private void clear(long seq) {
        int bit = (int) (seq % SIZE);
        seen[bit >>> 6] &= ~(1L << (bit & 63));
    }

    private boolean isSet(long seq) {
        int bit = (int) (seq % SIZE);
        return (seen[bit >>> 6] & (1L << (bit & 63))) != 0;
    }
}
