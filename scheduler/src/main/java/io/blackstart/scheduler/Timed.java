package io.blackstart.scheduler;

/**
 * An item of one of the ledger's timer queues (retry times, start deadlines, host penalties): due {@code at}, in the
 * order queued among equal times ({@code seq}), about an instance or a host.
 */
record Timed(long at, long seq, Instance entry, Host host) implements Comparable<Timed> {
    @Override
    public int compareTo(Timed o) {
        return at != o.at ? Long.compare(at, o.at) : Long.compare(seq, o.seq);
    }
}
