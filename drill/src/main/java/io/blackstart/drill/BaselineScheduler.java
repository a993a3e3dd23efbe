package io.blackstart.drill;

import io.blackstart.protocol.Tier;
import io.blackstart.protocol.wire.StartResult;
import io.blackstart.scheduler.Backoff;
import io.blackstart.scheduler.LedgerSettings;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.PriorityQueue;
import java.util.SplittableRandom;
import java.util.TreeSet;

/**
 * What every baseline shares, so that only host selection differs from one to the other — and from Blackstart:
 * the same recovery order as the ledger (platform tier first, then databases, then apps; priority; every app's first
 * instance before any app's second; an instance waits until one
 * instance of each of its dependencies is up — what the incident's operators did by hand), the same retry backoff
 * as the ledger's defaults (exponential with jitter), and no limit on attempts.
 *
 * <p>What makes a baseline a baseline: <b>no pacing</b> — every instance that may start is placed and sent as soon
 * as the scheduler learns it may start. Timeouts are honoured as Blackstart honours them: a start that exceeds its
 * start timeout is removed from its host ({@link #killsOnTimeout()}) and retried — so a baseline never "finishes" by
 * a late start it had given up on, and a platform whose boots outlast their timeouts is incomplete for it as for
 * Blackstart. Its knowledge of hosts is subclass-specific ({@link #chooseHost}).
 *
 * <p><b>Readiness</b> (when the world models it): a baseline's dependency rule and platform gate see an instance as
 * up when its container runs — what {@code docker ps} shows, Docker Compose's default {@code depends_on}
 * ({@code condition: service_started}) and what the incident's operators watched; Kubernetes has no start order at
 * all. So dependants start before their dependencies are ready, crash-exit and are restarted in place by their
 * host (the simulation's CrashLoopBackOff) until the dependencies are ready.
 *
 * <p><b>etcd outage</b>: a baseline's placement is persisted in its cluster store before the host acts on it
 * (Kubernetes binds a pod through the API server, i.e. etcd; Nomad applies plans and Swarm assigns tasks through
 * their Raft log, out for the same window): inside the window nothing new is placed — first starts and retries wait
 * for the window's end — while starts already sent and in-place restarts carry on.
 */
abstract class BaselineScheduler implements Policy {

    protected Simulation sim;
    protected World w;
    protected final SplittableRandom random;
    private final LedgerSettings backoff = LedgerSettings.defaults();

    private TreeSet<Integer> ready;
    private final PriorityQueue<double[]> retries = new PriorityQueue<>((a, b) -> Double.compare(a[0], b[0]));
    private List<Integer>[] parkedOn;
    private int[] appUp;
    private boolean[] known;
    private int[] attempts;
    private int[] inFlight;
    private int platformLeft;
    private int knownUp;
    private boolean dispatchPending;
    private boolean dispatchAfterOutage;
    private double nextRelease = Double.POSITIVE_INFINITY;

    BaselineScheduler(long seed) {
        this.random = new SplittableRandom(seed);
    }

    /**
     * The host for this instance, or -1 if the scheduler sees none that fits now. May read and update the
     * subclass's own view of the hosts (a placement it accounts for).
     */
    protected abstract int chooseHost(int instance);

    /** Called once at t = 0, after the common state is ready. */
    protected void started() {
    }

    /** The scheduler stopped counting a start it had placed on {@code start.host} (it failed or timed out). */
    protected void released(StartAttempt start) {
    }

    @Override
    @SuppressWarnings({"unchecked", "rawtypes"})
    public void begin(Simulation sim) {
        this.sim = sim;
        this.w = sim.world;
        int n = w.instances();
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        long[] key = new long[n];
        int[] index = new int[n];
        for (int i = 0; i < n; i++) {
            var a = w.apps[w.instanceApp[i]];
            key[i] = ((long) a.tier().ordinal() << 33) | ((long) Integer.MAX_VALUE - a.priority());
            index[i] = i - w.firstInstance[w.instanceApp[i]];
        }
        // the ledger's order: band, then instance index (first instances first), then app
        ready = new TreeSet<>((x, y) -> key[x] != key[y] ? Long.compare(key[x], key[y])
                : index[x] != index[y] ? Integer.compare(index[x], index[y]) : Integer.compare(x, y));
        ready.addAll(Arrays.asList(order));
        parkedOn = new List[w.apps.length];
        appUp = new int[w.apps.length];
        known = new boolean[n];
        attempts = new int[n];
        inFlight = new int[n];
        for (int i = 0; i < n; i++) {
            if (w.tier(i) == Tier.PLATFORM) {
                platformLeft++;
            }
        }
        started();
        requestDispatch();
    }

    @Override
    public boolean killsOnTimeout() {
        return true;
    }

    @Override
    public boolean finished() {
        return knownUp == w.instances();
    }

    @Override
    public void hostUp(int host) {
        requestDispatch();
    }

    @Override
    public void outcome(StartAttempt s, StartResult result, String detail) {
        inFlight[s.instance]--;
        if (result != StartResult.STARTED) {
            released(s);
        }
        if (result == StartResult.STARTED) {
            up(s);
        } else if (!known[s.instance] && inFlight[s.instance] == 0) {
            double delay = Backoff.delayMillis(attempts[s.instance], backoff.backoffBaseMillis(),
                    backoff.backoffMaxMillis(), random) / 1000.0;
            double at = sim.now() + delay;
            retries.add(new double[]{at, s.instance});
            if (at < nextRelease) {
                nextRelease = at;
                sim.schedule(at, this::releaseRetries);
            }
        }
        if (result == StartResult.STARTED) {
            requestDispatch(); // dependants or the tier gate may open; a failure frees nothing until its retry
        }
    }

    private void up(StartAttempt s) {
        int i = s.instance;
        if (known[i]) {
            sim.stopContainer(i, s.host); // a second container of a known-running instance: reconciled away
            return;
        }
        known[i] = true;
        knownUp++;
        ready.remove(i);
        if (w.tier(i) == Tier.PLATFORM) {
            platformLeft--;
        }
        int a = w.instanceApp[i];
        if (appUp[a]++ == 0) {
            // release instances that were waiting for this app (they re-check their other dependencies)
            if (parkedOn[a] != null) {
                List<Integer> p = parkedOn[a];
                parkedOn[a] = null;
                for (int x : p) {
                    if (!known[x] && inFlight[x] == 0) {
                        ready.add(x);
                    }
                }
            }
        }
    }

    /** Releases due retries; one pending release event at a time (the earliest retry), not one per retry. */
    private void releaseRetries() {
        if (sim.now() < nextRelease) {
            return; // superseded by an earlier release that already ran
        }
        while (!retries.isEmpty() && retries.peek()[0] <= sim.now()) {
            int i = (int) retries.poll()[1];
            if (!known[i] && inFlight[i] == 0) {
                ready.add(i);
            }
        }
        nextRelease = Double.POSITIVE_INFINITY;
        if (!retries.isEmpty()) {
            nextRelease = retries.peek()[0];
            sim.schedule(nextRelease, this::releaseRetries);
        }
        requestDispatch();
    }

    protected void requestDispatch() {
        if (!dispatchPending) {
            dispatchPending = true;
            sim.schedule(sim.now(), this::dispatch);
        }
    }

    /** No pacing: send every instance that may start now, in recovery order. */
    private void dispatch() {
        dispatchPending = false;
        if (sim.etcdDown()) {
            if (!dispatchAfterOutage) {
                dispatchAfterOutage = true;
                sim.schedule(w.etcdOutageTo, () -> {
                    dispatchAfterOutage = false;
                    requestDispatch();
                });
            }
            return;
        }
        List<Integer> blocked = new ArrayList<>();
        long smallestRefused = Long.MAX_VALUE;
        while (!ready.isEmpty()) {
            int i = ready.first();
            if (platformLeft > 0 && w.tier(i) != Tier.PLATFORM) {
                break;
            }
            int waitFor = unmetDependency(i);
            if (waitFor >= 0) {
                ready.pollFirst();
                if (parkedOn[waitFor] == null) {
                    parkedOn[waitFor] = new ArrayList<>();
                }
                parkedOn[waitFor].add(i);
                continue;
            }
            int h = w.memory(i) >= smallestRefused ? -1 : chooseHost(i);
            if (h < 0) {
                // nothing fits this instance now; leave it queued and try the others (smaller ones may fit)
                smallestRefused = Math.min(smallestRefused, w.memory(i));
                ready.pollFirst();
                blocked.add(i);
                if (blocked.size() > 16) {
                    break;
                }
                continue;
            }
            ready.pollFirst();
            attempts[i]++;
            inFlight[i]++;
            sim.sendStart(i, h, attempts[i]);
        }
        ready.addAll(blocked);
    }

    private int unmetDependency(int i) {
        for (int d : w.dependsOn[w.instanceApp[i]]) {
            if (appUp[d] == 0 && w.apps[d].instances() > 0) {
                return d;
            }
        }
        return -1;
    }
}
