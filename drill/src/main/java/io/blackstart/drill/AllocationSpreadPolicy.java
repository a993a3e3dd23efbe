package io.blackstart.drill;

import java.util.TreeSet;

/**
 * Baseline {@code allocation-spread}: what Kubernetes' default scheduler (or Nomad with
 * {@code -scheduler-algorithm=spread}) does. It sees a host as soon as it is up (node Ready), keeps fresh allocation
 * accounting — every placement is "assumed" on its host before the next decision, so there is no herd — and scores
 * hosts by {@code NodeResourcesFit LeastAllocated}: the mean over memory and CPU of the unrequested share of the
 * host; the highest wins (ties to the lowest index). It filters hosts whose unrequested memory is too small.
 * {@code ImageLocality} is left out: with Kubernetes' scaling (image size × share of nodes holding it, between 23 MB
 * and 1 GB) it scores ≈ 0 for an image held by a few hosts. There is no per-host pacing (the kubelet has no limit on
 * concurrent container starts: kubernetes#3312, #105778): every placed start begins at once. A start that fails or
 * times out is removed from its host (timeouts honoured as every baseline's, {@link BaselineScheduler}), frees its
 * allocation then — not before: the memory it held is the memory the allocation accounted — and is placed again,
 * Nomad's reschedule. It is the scoring of those schedulers with Blackstart's recovery order and timeouts, not a model
 * of either system (see {@code kubernetes} and {@code nomad} for those); like every such baseline it re-places instances
 * rather than restarting them in place (Kubernetes after pod eviction, not a kubelet restarting pods still bound to
 * a node that came back early).
 */
final class AllocationSpreadPolicy extends BaselineScheduler {

    static final String NAME = "allocation-spread";

    private long[] requestedMb;
    private double[] requestedCpus;
    private double[] score;
    private TreeSet<Integer> byScore;

    AllocationSpreadPolicy(long seed) {
        super(seed);
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    protected void started() {
        requestedMb = new long[w.hosts()];
        requestedCpus = new double[w.hosts()];
        score = new double[w.hosts()];
        byScore = new TreeSet<>((a, b) -> score[a] != score[b] ? Double.compare(score[b], score[a]) : Integer.compare(a, b));
    }

    @Override
    public void hostUp(int host) {
        score[host] = leastAllocated(host);
        byScore.add(host);
        super.hostUp(host);
    }

    private double leastAllocated(int h) {
        double mem = 1.0 - (double) requestedMb[h] / w.memoryMb[h];
        double cpu = 1.0 - requestedCpus[h] / w.cores[h];
        return (Math.max(0, mem) + Math.max(0, cpu)) / 2;
    }

    private void account(int h, int instance, int sign) {
        boolean present = byScore.remove(h);
        requestedMb[h] += sign * w.memory(instance);
        requestedCpus[h] += sign * w.apps[w.instanceApp[instance]].cpus();
        score[h] = leastAllocated(h);
        if (present) {
            byScore.add(h);
        }
    }

    @Override
    protected int chooseHost(int instance) {
        long need = w.memory(instance);
        int scanned = 0;
        for (int h : byScore) {
            if (requestedMb[h] + need <= w.memoryMb[h]) {
                account(h, instance, +1);
                return h;
            }
            if (++scanned > 256) {
                break;
            }
        }
        return -1;
    }

    @Override
    protected void released(StartAttempt start) {
        account(start.host, start.instance, -1);
        requestDispatch(); // the freed allocation may fit a waiting instance
    }
}
