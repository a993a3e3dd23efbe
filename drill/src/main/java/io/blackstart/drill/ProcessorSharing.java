package io.blackstart.drill;

import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;

/**
 * A fluid processor-sharing server: every job in service progresses at the same rate {@code rate(n)} (work units
 * per second) when {@code n} jobs are in service. Used for a host's engine (starts) and for the registry (pulls).
 *
 * <p>Algorithm: a virtual clock {@code v} advances by {@code rate(n)} per second; a job admitted at {@code v0} with
 * work {@code w} completes when {@code v} reaches {@code v0 + w}. Admission, removal and completion are O(log n),
 * so a host with thousands of starts in flight costs no more than one with three. {@link #version()} changes
 * whenever the next completion time may have changed, so the simulation can drop stale completion events.
 */
final class ProcessorSharing {

    /** Per-job rate as a function of the number of jobs in service. */
    interface Rate {
        double perJob(int n);
    }

    /** One job; {@code payload} is the caller's. */
    static final class Job {
        final double finishV;
        final long seq;
        final Object payload;
        boolean dead;

        Job(double finishV, long seq, Object payload) {
            this.finishV = finishV;
            this.seq = seq;
            this.payload = payload;
        }
    }

    private final Rate rate;
    private final PriorityQueue<Job> heap = new PriorityQueue<>((a, b) -> a.finishV != b.finishV
            ? Double.compare(a.finishV, b.finishV) : Long.compare(a.seq, b.seq));
    private double v;
    private double last;
    private int n;
    private long seq;
    private long version;

    ProcessorSharing(Rate rate) {
        this.rate = rate;
    }

    int size() {
        return n;
    }

    long version() {
        return version;
    }

    private void advance(double now) {
        if (n > 0 && now > last) {
            v += rate.perJob(n) * (now - last);
        }
        last = Math.max(last, now);
    }

    Job add(double now, double work, Object payload) {
        advance(now);
        Job j = new Job(v + work, seq++, payload);
        heap.add(j);
        n++;
        version++;
        return j;
    }

    /** Takes a job out of service before it completes (killed). */
    void remove(Job j, double now) {
        if (j.dead) {
            return;
        }
        advance(now);
        j.dead = true;
        n--;
        version++;
    }

    /** Absolute time of the next completion, +∞ when idle. */
    double nextCompletion() {
        while (!heap.isEmpty() && heap.peek().dead) {
            heap.poll();
        }
        if (heap.isEmpty()) {
            return Double.POSITIVE_INFINITY;
        }
        return last + Math.max(0, heap.peek().finishV - v) / rate.perJob(n);
    }

    /** Jobs completed by {@code now}, removed from service. */
    List<Job> pollCompleted(double now) {
        advance(now);
        List<Job> done = new ArrayList<>(1);
        double eps = 1e-9 * Math.max(1, Math.abs(v));
        while (!heap.isEmpty()) {
            Job top = heap.peek();
            if (top.dead) {
                heap.poll();
                continue;
            }
            if (top.finishV > v + eps) {
                break;
            }
            heap.poll();
            top.dead = true;
            n--;
            done.add(top);
        }
        if (!done.isEmpty()) {
            version++;
        }
        return done;
    }
}
