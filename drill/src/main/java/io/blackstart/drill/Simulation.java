package io.blackstart.drill;

import io.blackstart.protocol.Tier;
import io.blackstart.protocol.wire.StartResult;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.function.Consumer;

/**
 * Discrete-event simulation of a platform restarting after a blackout, in virtual time, under one {@link Policy}.
 *
 * <p><b>Goals.</b> Reproduce, deterministically for a seed, what decides a recovery's speed and safety: the hosts'
 * start throughput and its knee, image pulls through a shared registry, start timeouts, memory, hosts coming back
 * over a window, and what each scheduler knows when it decides.
 *
 * <p><b>Constraints.</b> The same {@link World} and physics for every policy; nothing in here knows which policy
 * runs (the only policy-specific inputs are {@link Policy#killsOnTimeout()}, whether the system has start timeouts,
 * and {@link Policy#pullTimeoutSeconds()}).
 * O(log n) per event, so 100,000 instances on 2,000 hosts run in seconds.
 *
 * <p><b>Algorithm</b> (the host model of DESIGN.md). Events are ordered by (time, sequence). A start arriving on a
 * host reserves the app's memory; Docker does not check the host's free memory, so an overcommitting start is
 * created and started like any other, and when its boot ends on a host whose memory is then overcommitted the
 * kernel's OOM killer ends it (a FAILED outcome after its engine and boot time, not an instant refusal). If the host lacks
 * the image it queues a pull: a host pulls one image at a time, all pulling hosts share the registry bandwidth
 * (processor sharing, each capped by the host link). Then the engine phase: one unit of work per start, processor
 * sharing with per-start rate {@code min(1, knee/n) / soloStart} — flat latency up to the knee, then growing with
 * {@code n} while throughput stays at {@code knee/soloStart}. Then the app boots: its boot time is CPU work
 * (core-seconds) shared by every app booting on the host (processor sharing over its cores, one core per app at
 * most), so a host asked to boot far more apps than it has cores slows them all down. Then it is up.
 * The start timeout runs from the engine phase (a pull has its own progress, as kubelet's) to the end of boot; a
 * timed-out start is removed from its host. A system without start timeouts (Kubernetes, Nomad) times nothing.
 *
 * <p><b>Readiness</b> (when the world models it): a container that ran its boot is running, not yet ready; it is
 * ready {@link World#readySeconds(int)} later — if every app it depends on had a ready instance when its boot
 * ended. If one had not, the app exits (it cannot connect) and its host restarts it in place with kubelet's
 * CrashLoopBackOff: 10 s after the first crash, doubling to 300 s, reset when a run lasted 10 minutes; each restart
 * goes through the engine and boots again, taking the host's start capacity and cores. An instance counts as up at
 * ready. Restarts are physics of the host, for every policy alike (the policy learnt STARTED at the first run).
 *
 * <p><b>etcd outage</b>: the simulation only counts the starts sent inside the window; each policy models what it
 * cannot do then.
 */
final class Simulation {

    /** Virtual-time limit: a policy that has not converged by then is reported with what it reached. */
    static final double HORIZON_SECONDS = 24 * 3600;

    final World world;
    private final Policy policy;
    private final PriorityQueue<Event> events = new PriorityQueue<>();
    private long seq;
    private double now;
    private final Consumer<TraceEvent> trace;

    // hosts
    private final boolean[] up;
    private final ProcessorSharing[] engine;
    private final ProcessorSharing[] cpu;
    private final int[] booting;
    private final long[] memoryUsed;
    /** Memory reserved by starts that are not running yet (part of memoryUsed). */
    private final long[] startingMemory;
    private final int[] pulling;          // app being pulled, -1 none
    private final ArrayDeque<Integer>[] pullQueue;
    private final Map<Integer, List<StartAttempt>>[] waitingForImage;
    private final BitSet[] images;
    private final int[] contending;
    private final int[] peakContending;
    /** Per host: instance -> container running? (stopped containers left from before the blackout included). */
    private final Map<Integer, Boolean>[] containers;
    private final long[] hostVersion;     // bumped when a host's images or containers change
    private final ProcessorSharing registry;

    // instances
    private final double[] firstUp;
    private final int[] runningCopies;
    private final int[] startsSent;
    private int upCount;
    private final int[] tierTotal = new int[Tier.values().length];
    private final int[] tierUp = new int[Tier.values().length];
    private double platformUpAt = Double.NaN;
    private int live;
    /** Per instance: the host of its ready container, -1 none (readiness only). */
    private final int[] readyOn;
    /** Per app: instances that have been ready (readiness only). */
    private final int[] appReady;
    /**
     * Containers running but not ready yet, or crash-looping: (instance, host) → their attempts, oldest first (a
     * baseline's late start may come up beside its retry on the same host) (readiness only).
     */
    private final Map<Long, ArrayDeque<StartAttempt>> settling = new HashMap<>();

    // metrics
    int timeouts;
    int duplicates;
    int memoryFailures;
    int pulls;
    int crashRestarts;
    int startsDuringOutage;
    private final Consumer<Double> progress;

    @SuppressWarnings({"unchecked", "rawtypes"})
    Simulation(World world, Policy policy, Consumer<TraceEvent> trace, Consumer<Double> progress) {
        this.world = world;
        this.policy = policy;
        this.trace = trace;
        this.progress = progress;
        int h = world.hosts();
        up = new boolean[h];
        engine = new ProcessorSharing[h];
        cpu = new ProcessorSharing[h];
        booting = new int[h];
        memoryUsed = new long[h];
        startingMemory = new long[h];
        pulling = new int[h];
        Arrays.fill(pulling, -1);
        pullQueue = new ArrayDeque[h];
        waitingForImage = new Map[h];
        images = new BitSet[h];
        contending = new int[h];
        peakContending = new int[h];
        containers = new Map[h];
        hostVersion = new long[h];
        for (int k = 0; k < h; k++) {
            int knee = world.knee[k];
            double solo = world.soloStartSeconds[k];
            engine[k] = new ProcessorSharing(n -> Math.min(1.0, (double) knee / n) / solo);
            int cores = world.cores[k];
            cpu[k] = new ProcessorSharing(n -> Math.min(1.0, (double) cores / n));
            pullQueue[k] = new ArrayDeque<>();
            waitingForImage[k] = new HashMap<>();
            images[k] = (BitSet) world.images[k].clone();
            containers[k] = new LinkedHashMap<>();
        }
        for (int i = 0; i < world.instances(); i++) {
            if (world.home[i] >= 0) {
                containers[world.home[i]].put(i, Boolean.FALSE);
            }
        }
        double registryMBps = world.model.registryMBps(world.hosts());
        double link = world.model.hostLinkMBps();
        registry = new ProcessorSharing(n -> Math.min(link, registryMBps / n));
        firstUp = new double[world.instances()];
        Arrays.fill(firstUp, Double.NaN);
        runningCopies = new int[world.instances()];
        startsSent = new int[world.instances()];
        readyOn = new int[world.instances()];
        Arrays.fill(readyOn, -1);
        appReady = new int[world.apps.length];
        for (int i = 0; i < world.instances(); i++) {
            tierTotal[world.tier(i).ordinal()]++;
        }
        if (tierTotal[Tier.PLATFORM.ordinal()] == 0) {
            platformUpAt = 0;
        }
    }

    // ---------------------------------------------------------------- running

    /** Runs to convergence (or the horizon). */
    void run() {
        for (int h = 0; h < world.hosts(); h++) {
            if (world.returns(h)) {
                int host = h;
                schedule(world.returnAt[h], () -> hostUp(host));
            }
        }
        policy.begin(this);
        int lastReported = -1;
        while (!events.isEmpty()) {
            Event e = events.poll();
            if (e.time > HORIZON_SECONDS) {
                break;
            }
            now = e.time;
            e.action.run();
            if (upCount == world.instances() && live == 0) {
                break;
            }
            if (policy.finished() && live == 0 && settling.isEmpty() && upCount < world.instances()) {
                break;
            }
            if (progress != null) {
                int pct = (int) (100L * upCount / Math.max(1, world.instances()));
                if (pct != lastReported) {
                    lastReported = pct;
                    progress.accept(pct / 100.0);
                }
            }
        }
    }

    double now() {
        return now;
    }

    /** Runs {@code action} at {@code time} (not before now), after the events already due then. */
    void schedule(double time, Runnable action) {
        events.add(new Event(Math.max(time, now), seq++, action));
    }

    private record Event(double time, long seq, Runnable action) implements Comparable<Event> {
        @Override
        public int compareTo(Event o) {
            return time != o.time ? Double.compare(time, o.time) : Long.compare(seq, o.seq);
        }
    }

    // ---------------------------------------------------------------- what policies may read

    boolean isUp(int host) {
        return up[host];
    }

    long memoryUsed(int host) {
        return memoryUsed[host];
    }

    /** Memory of the host's running containers (memoryUsed without the starts in flight). */
    long runningMemory(int host) {
        return memoryUsed[host] - startingMemory[host];
    }

    int contending(int host) {
        return contending[host];
    }

    /** Apps booting on the host (each wants one core). */
    int booting(int host) {
        return booting[host];
    }

    BitSet images(int host) {
        return images[host];
    }

    Map<Integer, Boolean> containers(int host) {
        return containers[host];
    }

    /** Changes whenever the host's images or containers change (lets agents cache their reports). */
    long hostVersion(int host) {
        return hostVersion[host];
    }

    boolean everUp(int instance) {
        return !Double.isNaN(firstUp[instance]);
    }

    int runningCopies(int instance) {
        return runningCopies[instance];
    }

    /** The host of the instance's ready container, -1 if none (readiness only; without it, running is ready). */
    int readyOn(int instance) {
        return readyOn[instance];
    }

    /** True inside the etcd outage window: nothing can be written to etcd now. */
    boolean etcdDown() {
        return world.etcdDown(now);
    }

    // ---------------------------------------------------------------- what policies may do

    /** Sends a start command for {@code instance} to {@code host}; it arrives at once. */
    StartAttempt sendStart(int instance, int host, int attempt) {
        return sendStart(instance, host, attempt, world.apps[world.instanceApp[instance]].startTimeoutSeconds());
    }

    /**
     * A start with the start timeout its command carries (the Blackstart agent enforces the timeout of the
     * command's {@code ContainerSpec}, which the ledger may have made longer than the app's).
     */
    StartAttempt sendStart(int instance, int host, int attempt, int startTimeoutSeconds) {
        if (!up[host]) {
            throw new IllegalStateException("start sent to " + world.hostId[host] + ", which is down");
        }
        StartAttempt s = new StartAttempt(instance, host, attempt, now);
        s.timeoutSeconds = startTimeoutSeconds;
        startsSent[instance]++;
        if (world.etcdDown(now)) {
            startsDuringOutage++;
        }
        live++;
        long mem = world.memory(instance);
        memoryUsed[host] += mem;
        startingMemory[host] += mem;
        int app = world.instanceApp[instance];
        contending[host]++;
        peakContending[host] = Math.max(peakContending[host], contending[host]);
        if (images[host].get(app)) {
            emit(TraceEvent.Kind.START_SENT, host, instance);
            enterEngine(s);
        } else {
            s.phase = StartAttempt.Phase.PULL;
            emit(TraceEvent.Kind.START_SENT, host, instance);
            List<StartAttempt> waiting = waitingForImage[host].get(app);
            if (waiting == null) {
                waiting = new ArrayList<>(2);
                waitingForImage[host].put(app, waiting);
                pullQueue[host].add(app);
                nextPull(host);
            }
            waiting.add(s);
            double pullTimeout = policy.pullTimeoutSeconds();
            if (pullTimeout != Double.POSITIVE_INFINITY) {
                schedule(now + pullTimeout, () -> pullTimedOut(s, app, pullTimeout));
            }
        }
        return s;
    }

    /** The host gave up waiting for the image of {@code s}: the start fails, the pull carries on. */
    private void pullTimedOut(StartAttempt s, int app, double pullTimeout) {
        if (s.phase != StartAttempt.Phase.PULL) {
            return;
        }
        int h = s.host;
        List<StartAttempt> waiting = waitingForImage[h].get(app);
        if (waiting != null) {
            waiting.remove(s);
        }
        s.phase = StartAttempt.Phase.FAILED;
        timeouts++;
        live--;
        contending[h]--;
        memoryUsed[h] -= world.memory(s.instance);
        startingMemory[h] -= world.memory(s.instance);
        emit(TraceEvent.Kind.TIMED_OUT, h, s.instance);
        policy.outcome(s, StartResult.FAILED, "image pull not done within " + pullTimeout + " s");
    }

    /** Stops a running container of {@code instance} on {@code host} (a duplicate found by a reconciliation). */
    void stopContainer(int instance, int host) {
        Boolean running = containers[host].remove(instance);
        hostVersion[host]++;
        if (world.readiness()) {
            // the container that came up last is the duplicate being stopped
            ArrayDeque<StartAttempt> here = settling.get(key(instance, host));
            if (here != null) {
                endSettling(here.pollLast());
                if (here.isEmpty()) {
                    settling.remove(key(instance, host));
                }
            }
            if (readyOn[instance] == host) {
                readyOn[instance] = -1;
            }
        }
        if (Boolean.TRUE.equals(running)) {
            runningCopies[instance]--;
            memoryUsed[host] -= world.memory(instance);
            emit(TraceEvent.Kind.STOPPED, host, instance);
        }
    }

    // ---------------------------------------------------------------- host model

    private void hostUp(int h) {
        up[h] = true;
        emit(TraceEvent.Kind.HOST_UP, h, -1);
        policy.hostUp(h);
    }

    private void nextPull(int h) {
        if (pulling[h] >= 0 || pullQueue[h].isEmpty()) {
            return;
        }
        int app = pullQueue[h].poll();
        pulling[h] = app;
        pulls++;
        registry.add(now, world.imageMb[app], new int[]{h, app});
        rescheduleRegistry();
    }

    private void rescheduleRegistry() {
        long v = registry.version();
        double t = registry.nextCompletion();
        if (t != Double.POSITIVE_INFINITY) {
            schedule(t, () -> {
                if (registry.version() != v) {
                    return;
                }
                for (ProcessorSharing.Job j : registry.pollCompleted(now)) {
                    int[] hp = (int[]) j.payload;
                    pullDone(hp[0], hp[1]);
                }
                rescheduleRegistry();
            });
        }
    }

    private void pullDone(int h, int app) {
        images[h].set(app);
        hostVersion[h]++;
        pulling[h] = -1;
        List<StartAttempt> waiting = waitingForImage[h].remove(app);
        if (waiting != null) {
            for (StartAttempt s : waiting) {
                if (s.phase == StartAttempt.Phase.PULL) {
                    emit(TraceEvent.Kind.PULL_DONE, h, s.instance);
                    enterEngine(s);
                }
            }
        }
        nextPull(h);
    }

    private void enterEngine(StartAttempt s) {
        int h = s.host;
        s.phase = StartAttempt.Phase.ENGINE;
        s.job = engine[h].add(now, 1.0, s);
        rescheduleEngine(h);
        if (policy.killsOnTimeout()) {
            s.deadline = now + s.timeoutSeconds;
            schedule(s.deadline, () -> deadline(s));
        }
    }

    private void rescheduleEngine(int h) {
        reschedule(engine[h], this::engineDone);
    }

    private void rescheduleCpu(int h) {
        reschedule(cpu[h], this::booted);
    }

    /** Schedules the next completion of {@code ps}; a later change of {@code ps} makes the event a no-op. */
    private void reschedule(ProcessorSharing ps, java.util.function.Consumer<StartAttempt> done) {
        long v = ps.version();
        double t = ps.nextCompletion();
        if (t != Double.POSITIVE_INFINITY) {
            schedule(t, () -> {
                if (ps.version() != v) {
                    return;
                }
                for (ProcessorSharing.Job j : ps.pollCompleted(now)) {
                    done.accept((StartAttempt) j.payload);
                }
                reschedule(ps, done);
            });
        }
    }

    private void engineDone(StartAttempt s) {
        contending[s.host]--;
        s.phase = StartAttempt.Phase.BOOT;
        emit(TraceEvent.Kind.ENGINE_DONE, s.host, s.instance);
        double boot = world.bootSeconds[world.instanceApp[s.instance]];
        booting[s.host]++;
        s.bootStartedAt = now;
        s.job = cpu[s.host].add(now, boot, s);
        rescheduleCpu(s.host);
        if (!s.restarting) {
            policy.engineDone(s);
        }
    }

    private void booted(StartAttempt s) {
        if (s.phase != StartAttempt.Phase.BOOT) {
            return;
        }
        booting[s.host]--;
        if (s.restarting) {
            settle(s); // an in-place restart booted again: ready now, or another crash
            return;
        }
        if (memoryUsed[s.host] > world.memoryMb[s.host]) {
            oomKilled(s);
            return;
        }
        s.phase = StartAttempt.Phase.RUNNING;
        live--;
        int i = s.instance;
        startingMemory[s.host] -= world.memory(i);
        containers[s.host].put(i, Boolean.TRUE);
        hostVersion[s.host]++;
        runningCopies[i]++;
        if (runningCopies[i] > 1) {
            duplicates++;
        }
        if (world.readiness()) {
            // running, not ready: registered before the policy hears of it, so that a stop it orders ends it
            settling.computeIfAbsent(key(i, s.host), k -> new ArrayDeque<>(1)).add(s);
            s.phase = StartAttempt.Phase.READYING;
        } else if (Double.isNaN(firstUp[i])) {
            firstUp[i] = now;
            upCount++;
            Tier t = world.tier(i);
            if (++tierUp[t.ordinal()] == tierTotal[t.ordinal()] && t == Tier.PLATFORM) {
                platformUpAt = now;
            }
        }
        emit(TraceEvent.Kind.UP, s.host, i);
        if (world.readiness()) {
            settle(s);
        }
        policy.outcome(s, StartResult.STARTED, null);
    }

    /**
     * The app finished booting on a host whose memory is overcommitted: the kernel's OOM killer ends it (Docker
     * created and started it: it does not check the host's free memory). Its memory is returned, its stopped
     * container stays.
     */
    private void oomKilled(StartAttempt s) {
        int h = s.host;
        long mem = world.memory(s.instance);
        long over = memoryUsed[h] - world.memoryMb[h];
        memoryFailures++;
        s.phase = StartAttempt.Phase.FAILED;
        live--;
        memoryUsed[h] -= mem;
        startingMemory[h] -= mem;
        containers[h].putIfAbsent(s.instance, Boolean.FALSE);
        hostVersion[h]++;
        emit(TraceEvent.Kind.MEMORY_FAILED, h, s.instance);
        policy.outcome(s, StartResult.FAILED, "OOM-killed: the host's memory was overcommitted by " + over + " MiB");
    }

    private void deadline(StartAttempt s) {
        if (s.restarting) {
            return; // the first run booted in time; an in-place restart has no start timeout
        }
        if (s.phase != StartAttempt.Phase.ENGINE && s.phase != StartAttempt.Phase.BOOT) {
            return;
        }
        timeouts++;
        emit(TraceEvent.Kind.TIMED_OUT, s.host, s.instance);
        if (s.phase == StartAttempt.Phase.ENGINE) {
            engine[s.host].remove(s.job, now);
            contending[s.host]--;
            rescheduleEngine(s.host);
        } else {
            cpu[s.host].remove(s.job, now);
            booting[s.host]--;
            rescheduleCpu(s.host);
        }
        s.phase = StartAttempt.Phase.KILLED;
        live--;
        memoryUsed[s.host] -= world.memory(s.instance);
        startingMemory[s.host] -= world.memory(s.instance);
        containers[s.host].putIfAbsent(s.instance, Boolean.FALSE);
        hostVersion[s.host]++;
        emit(TraceEvent.Kind.KILLED, s.host, s.instance);
        policy.outcome(s, StartResult.TIMED_OUT, "no outcome within " + s.timeoutSeconds + " s");
    }

    // ---------------------------------------------------------------- readiness

    private static long key(int instance, int host) {
        return ((long) instance << 32) | host;
    }

    /**
     * A container's boot just ended (phase READYING, registered in {@link #settling}): if every dependency has a
     * ready instance it becomes ready after its app's delay; else it crash-exits and is restarted in place after
     * kubelet's CrashLoopBackOff.
     */
    private void settle(StartAttempt s) {
        int app = world.instanceApp[s.instance];
        if (dependenciesReady(app)) {
            s.phase = StartAttempt.Phase.READYING;
            schedule(now + world.readySeconds(app), () -> becameReady(s));
            return;
        }
        if (now - s.bootStartedAt >= CRASH_BACKOFF_RESET_SECONDS) {
            s.crashes = 0; // it ran 10 minutes before this crash: kubelet resets the backoff
        }
        s.crashes++;
        crashRestarts++;
        s.phase = StartAttempt.Phase.CRASHED;
        emit(TraceEvent.Kind.CRASHED, s.host, s.instance);
        schedule(now + crashBackoffSeconds(s.crashes), () -> restartInPlace(s));
    }

    /** kubelet's CrashLoopBackOff before the restart after the {@code crashes}-th crash: 10 s doubling, 300 s cap. */
    static double crashBackoffSeconds(int crashes) {
        return Math.min(CRASH_BACKOFF_MAX_SECONDS, CRASH_BACKOFF_BASE_SECONDS * Math.pow(2, crashes - 1));
    }

    static final double CRASH_BACKOFF_BASE_SECONDS = 10;
    static final double CRASH_BACKOFF_MAX_SECONDS = 300;
    static final double CRASH_BACKOFF_RESET_SECONDS = 600;

    private boolean dependenciesReady(int app) {
        for (int d : world.dependsOn[app]) {
            if (appReady[d] == 0 && world.apps[d].instances() > 0) {
                return false;
            }
        }
        return true;
    }

    private void restartInPlace(StartAttempt s) {
        if (s.phase != StartAttempt.Phase.CRASHED) {
            return; // stopped meanwhile
        }
        int h = s.host;
        s.restarting = true;
        s.phase = StartAttempt.Phase.ENGINE;
        contending[h]++;
        peakContending[h] = Math.max(peakContending[h], contending[h]);
        s.job = engine[h].add(now, 1.0, s);
        rescheduleEngine(h);
        emit(TraceEvent.Kind.RESTARTED, h, s.instance);
    }

    private void becameReady(StartAttempt s) {
        if (s.phase != StartAttempt.Phase.READYING) {
            return; // stopped meanwhile
        }
        int i = s.instance;
        ArrayDeque<StartAttempt> here = settling.get(key(i, s.host));
        here.remove(s);
        if (here.isEmpty()) {
            settling.remove(key(i, s.host));
        }
        s.phase = StartAttempt.Phase.RUNNING;
        readyOn[i] = s.host;
        hostVersion[s.host]++;
        if (Double.isNaN(firstUp[i])) {
            firstUp[i] = now;
            upCount++;
            appReady[world.instanceApp[i]]++;
            Tier t = world.tier(i);
            if (++tierUp[t.ordinal()] == tierTotal[t.ordinal()] && t == Tier.PLATFORM) {
                platformUpAt = now;
            }
        }
        emit(TraceEvent.Kind.READY, s.host, i);
        policy.ready(s);
    }

    /** Ends a settling container that was stopped: out of the engine or the cores if restarting. */
    private void endSettling(StartAttempt s) {
        if (s == null) {
            return;
        }
        if (s.restarting && s.phase == StartAttempt.Phase.ENGINE) {
            engine[s.host].remove(s.job, now);
            contending[s.host]--;
            rescheduleEngine(s.host);
        } else if (s.restarting && s.phase == StartAttempt.Phase.BOOT) {
            cpu[s.host].remove(s.job, now);
            booting[s.host]--;
            rescheduleCpu(s.host);
        }
        s.phase = StartAttempt.Phase.KILLED;
    }

    private void emit(TraceEvent.Kind kind, int host, int instance) {
        if (trace != null) {
            trace.accept(new TraceEvent(now, kind, host, instance, contending[host], memoryUsed[host],
                    instance < 0 ? 0 : runningCopies[instance]));
        }
    }

    // ---------------------------------------------------------------- outcome

    /** The metrics of this run. */
    PolicyOutcome outcome(String name, long wallMillis) {
        int n = world.instances();
        double makespan = 0;
        for (int i = 0; i < n; i++) {
            makespan = Math.max(makespan, Double.isNaN(firstUp[i]) ? HORIZON_SECONDS : firstUp[i]);
        }
        // app downtime: from the blackout until the app's first instance is up
        List<Double> downtimes = new ArrayList<>();
        for (int a = 0; a < world.apps.length; a++) {
            int from = world.firstInstance[a];
            int to = world.firstInstance[a + 1];
            if (from == to) {
                continue;
            }
            double first = Double.POSITIVE_INFINITY;
            for (int i = from; i < to; i++) {
                first = Math.min(first, Double.isNaN(firstUp[i]) ? HORIZON_SECONDS : firstUp[i]);
            }
            downtimes.add(first);
        }
        double[] d = downtimes.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        double mean = d.length == 0 ? 0 : Arrays.stream(d).average().orElse(0);
        double p95 = d.length == 0 ? 0 : d[Math.min(d.length - 1, (int) Math.ceil(0.95 * d.length) - 1)];
        double peak = 0;
        for (int h = 0; h < world.hosts(); h++) {
            peak = Math.max(peak, (double) peakContending[h] / world.knee[h]);
        }
        int retries = 0;
        for (int i = 0; i < n; i++) {
            retries += Math.max(0, startsSent[i] - 1);
        }
        double[][] upTimes = new double[Tier.values().length][];
        for (Tier t : Tier.values()) {
            upTimes[t.ordinal()] = new double[tierUp[t.ordinal()]];
        }
        int[] k = new int[Tier.values().length];
        for (int i = 0; i < n; i++) {
            if (!Double.isNaN(firstUp[i])) {
                int t = world.tier(i).ordinal();
                upTimes[t][k[t]++] = firstUp[i];
            }
        }
        for (double[] u : upTimes) {
            Arrays.sort(u);
        }
        return new PolicyOutcome(name, makespan, timeouts, retries, duplicates, peak, mean, p95,
                Double.isNaN(platformUpAt) ? HORIZON_SECONDS : platformUpAt, upCount, n, memoryFailures, pulls,
                wallMillis, upTimes, crashRestarts, startsDuringOutage);
    }
}
