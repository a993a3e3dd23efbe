package io.blackstart.drill;

import io.blackstart.protocol.wire.StartResult;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Baseline {@code nomad}: HashiCorp Nomad (service jobs, default configuration) restarting a whole datacenter after
 * a power loss, as its source and documentation describe it (GitHub issue 13, item 1). Unlike the other baselines
 * it does not extend {@link BaselineScheduler}: Nomad has no start order across jobs, no tier gate, no dependency
 * rule and no start timeout, and most of its recovery is not a scheduler decision at all. Each app is a job with
 * one task group of {@code instances} allocations; each instance is an allocation slot.
 *
 * <p><b>Servers and nodes after the blackout.</b> Three servers of {@value #SERVER_CORES} vCPUs are back at t = 0 and
 * elect a leader at once. Their Raft state is the state before the blackout: every node {@code ready}, every
 * allocation {@code running} on its node ({@link World#home}). On leadership the leader resets every non-terminal
 * node's heartbeat timer to {@code failover_heartbeat_ttl}, 5 min by default ({@code nomad/heartbeat.go}
 * {@code initializeHeartbeatTimers}; {@code nomad/config.go} {@code FailoverHeartbeatTTL: 300 * time.Second}; no
 * {@code heartbeat_grace} is added to that timer, grace applies to regular heartbeats). So:
 * <ul>
 *   <li>A client back before its timer fires heartbeats and keeps its node {@code ready}: it restores its
 *       allocations from its local state and restarts their tasks in place (the docker driver cannot recover the
 *       handle of a container that died with the host, so the task runner starts it again) — no scheduler
 *       decision, no order, no throttling: every allocation of the node is sent to its engine at once (the
 *       simulation's engine knee is the cost). An image the host lost (image GC) is pulled first.</li>
 *   <li>At 5 min every node that has not heartbeated is marked {@code down}; its allocations become {@code lost}
 *       and one node-update evaluation per job with allocations there is created. Lost allocations are replaced at
 *       once: "When a node is lost, Nomad replaces the allocations instead and ignores the reschedule block"
 *       (developer.hashicorp.com, job-specification/reschedule).</li>
 *   <li>A node that returns after it was marked down registers again (it is {@code ready}, feasible, and its
 *       return unblocks blocked evaluations); the server tells its client to stop the lost allocations, which are
 *       never started (the brief's reading; see the simplifications).</li>
 *   <li>Until it is marked down a node that has not heartbeated is still {@code ready} in the state store, so the
 *       scheduler may place on it (readyNodesInDCs reads the status only); such an allocation starts when the node
 *       returns in time and is lost (and replaced) otherwise.</li>
 * </ul>
 *
 * <p><b>Scheduler.</b> Evaluations per job go through the leader's eval broker (FIFO: every job at the default
 * priority 50, since Nomad has no recovery order; at most one evaluation per job outstanding, later triggers
 * coalesced) to {@value #WORKERS} scheduler workers ({@code num_schedulers} defaults to the server's cores, and every
 * server runs workers: 3 servers × {@value #SERVER_CORES}). A worker reconciles the job (allocation slots without a
 * live allocation, whose reschedule time has come) and places each on the state it read
 * ({@code scheduler/generic_sched.go}, {@code scheduler/stack.go}, {@code scheduler/rank.go}):
 * <ul>
 *   <li>the ready nodes are shuffled once per evaluation and visited in that order, the offset carried from one
 *       placement to the next (StaticIterator);</li>
 *   <li>feasibility: the memory of the allocations already on the node (committed and proposed in this plan) plus
 *       this one within the node's ({@code AllocsFit}: no overcommit; no {@code reserved} resources by default).
 *       Nomad's {@code AllocsFit} checks CPU as well; the drill's world sizes hosts by memory only (app CPU asks are
 *       requests the physics lets hosts oversubscribe), so the CPU check is left out — with it, small worlds would
 *       never converge; at the default size CPU asks are under half the cores;</li>
 *   <li>score: {@code ScoreFitBinPack} (the default {@code scheduler_algorithm = "binpack"}),
 *       {@code 20 − (10^freeCpu + 10^freeMem)} over 18, free shares after the placement; with
 *       {@link #SPREAD} {@code ScoreFitSpread}; plus the job anti-affinity penalty
 *       {@code −(collisions + 1) / count} when the node holds allocations of the job, and the node-rescheduling
 *       penalty −1 on nodes a failed allocation of the slot ran on; the final score is their mean
 *       (ScoreNormalizationIterator);</li>
 *   <li>limit: the first {@code max(2, ⌈log2 n⌉)} feasible options ({@code n} ready nodes) — power of choices,
 *       ANCHORS.md — skipping up to 3 options scored ≤ 0 (LimitIterator, {@code skipScoreThreshold}, {@code maxSkip});
 *       the best of them wins (MaxScoreIterator).</li>
 * </ul>
 * A worker's time per evaluation is {@value #EVAL_BASE_SECONDS} s plus {@value #NODE_CHECK_SECONDS} s per node
 * visited (an assumption: the scheduler's in-memory work, small beside the plan queue). Slots that fit nowhere leave
 * a blocked evaluation, unblocked by the next capacity change (a node becoming ready, an allocation freeing its
 * resources) — every blocked evaluation at once, since all nodes here share one computed class.
 *
 * <p><b>Plan queue.</b> The worker submits its plan and waits; the leader applies plans one at a time
 * ({@code nomad/plan_apply.go}): it re-checks each node of the plan against the latest state ({@code evaluateNodePlan},
 * {@code AllocsFit}) and commits the fitting nodes through Raft. A plan costs {@value #PLAN_BASE_SECONDS} s plus
 * {@value #PLAN_ALLOC_SECONDS} s per allocation (an assumption anchored on C1M's 3,750 placements/s, ANCHORS.md). A
 * node refused because it filled meanwhile (optimistic concurrency) sends the worker back to re-plan on fresh state,
 * at most {@code maxServiceScheduleAttempts} = 5 times; then the evaluation fails and the leader creates a follow-up
 * 1 min + up to 5 min later ({@code EvalFailedFollowupBaselineDelay}, {@code EvalFailedFollowupDelayRange}). A
 * committed allocation reaches its client at once (blocking query, no latency) and starts if the node is up.
 *
 * <p><b>Client restart policy</b> (job-specification/restart, service defaults): a task that fails is restarted in
 * place after {@code delay} 15 s plus up to 25% jitter, at most {@code attempts} 2 in {@code interval} 30 min; then
 * ({@code mode = "fail"}) the allocation fails, frees its resources and is <b>rescheduled</b> (job-specification/
 * reschedule, service defaults: {@code delay} 30 s, {@code delay_function = "exponential"}, {@code max_delay} 1 h,
 * {@code unlimited = true}) on another node if it can (the −1 penalty above). In the simulation a start fails only
 * on memory (the host holds more than the world's pre-blackout placement allowed).
 *
 * <p><b>No start timeout.</b> Nomad's docker driver has none (only {@code image_pull_timeout}, 5 min, not reached
 * here): a slow start stays pending ({@link #killsOnTimeout()} false: the simulation times nothing, so
 * {@code timeouts} is 0 for {@code nomad}).
 *
 * <p><b>Duplicates</b> (nomad#5921: 92 instances of a count of 70 after a full restart, "previously failed allocs").
 * Nothing here starts a second allocation while the first may still come up: lost allocations are never started,
 * a failed one has no container, a slow one is not replaced. The simulation counts what duplicates remain (none
 * expected); the bug behind #5921 (reported on 0.9.3; a maintainer could not reproduce it with a build including PR #5906) is
 * not modelled.
 *
 * <p><b>etcd outage</b>: Nomad keeps its state in its own Raft log, not in etcd; the drill's convention
 * ({@link BaselineScheduler}) is that the cluster store takes no writes in the window, so no plan is applied inside
 * it (workers plan, and wait for the applier, which resumes at the window's end), and nodes are marked down only at
 * its end if their timer fired inside it. Clients restoring and restarting their allocations carry on.
 *
 * <p><b>Readiness</b>: the simulation's physics crash-loops a dependant whose dependencies are not ready with kubelet's
 * CrashLoopBackOff and restarts it in place, for every policy; Nomad's own restart policy would differ (15 s delay,
 * 2 attempts in 30 min, then the allocation fails and is rescheduled with the delays above). Nomad learns STARTED at
 * the first run, as the other baselines do.
 */
final class NomadPolicy implements Policy {

    static final String NAME = "nomad";

    static final double FAILOVER_HEARTBEAT_TTL_SECONDS = 300;
    static final int SERVER_CORES = 8;
    static final int WORKERS = 3 * SERVER_CORES;
    static final double EVAL_BASE_SECONDS = 0.001;
    static final double NODE_CHECK_SECONDS = 0.000002;
    static final double PLAN_BASE_SECONDS = 0.002;
    static final double PLAN_ALLOC_SECONDS = 0.00025;
    static final int MAX_SCHEDULE_ATTEMPTS = 5;
    static final double FAILED_EVAL_FOLLOWUP_SECONDS = 60;
    static final double FAILED_EVAL_FOLLOWUP_RANGE_SECONDS = 300;
    static final double RESTART_DELAY_SECONDS = 15;
    static final double RESTART_JITTER = 0.25;
    static final int RESTART_ATTEMPTS = 2;
    static final double RESTART_INTERVAL_SECONDS = 1800;
    static final double RESCHEDULE_DELAY_SECONDS = 30;
    static final double RESCHEDULE_MAX_DELAY_SECONDS = 3600;
    static final double SKIP_SCORE_THRESHOLD = 0.0;
    static final int MAX_SKIP = 3;
    /** {@code scheduler_algorithm = "spread"} instead of the default binpack (not run by the drill). */
    static final boolean SPREAD = false;

    enum NodeStatus { STALE_READY, READY, DOWN }

    /**
     * Why a start was sent (tests read {@link #starts}): RESTORE, an allocation from before the blackout restored by
     * its returning client; PLACED, a committed placement on a node that is up; ARRIVED, a placement committed
     * earlier on a node not up yet, started when it returns; RESTART, the client's restart policy.
     */
    enum Reason { RESTORE, PLACED, ARRIVED, RESTART }

    record Start(double time, int instance, int host, Reason reason) {
    }

    private enum Slot { NEEDS_PLACEMENT, ON_NODE, STARTING, RUNNING, RESTART_WAIT }

    private Simulation sim;
    private World w;
    private final SplittableRandom random;

    private NodeStatus[] node;
    private long[] memMb;
    private double[] cpus;

    private Slot[] slot;
    private int[] allocNode;
    private double[] rescheduleAt;
    private int[] reschedules;
    private int[] attempt;
    private List<Integer>[] previousNodes;
    private ArrayDeque<Double>[] restarts;
    private int knownUp;

    // eval broker
    private static final int NONE = 0;
    private static final int QUEUED = 1;
    private static final int RUNNING = 2;
    private static final int BLOCKED = 3;
    private int[] evalState;
    private boolean[] evalAgain;
    private final ArrayDeque<Integer> brokerQueue = new ArrayDeque<>();
    private final List<Integer> blocked = new ArrayList<>();
    private int idleWorkers = WORKERS;
    private int[] scheduleAttempts;

    // plan queue
    private final ArrayDeque<Plan> planQueue = new ArrayDeque<>();
    private boolean applying;

    private long maxFreeVersion = -1;
    private long stateVersion;
    private long maxFreeMb;

    /** Every start sent, in order (tests). */
    final List<Start> starts = new ArrayList<>();
    /** Times at which plans were committed (tests). */
    final List<Double> planCommits = new ArrayList<>();
    /** Allocations committed on a node whose planned memory then exceeded the node's (tests: must stay 0). */
    int overcommits;
    int plansApplied;
    int plansRejected;
    /** Evaluations that hit {@link #MAX_SCHEDULE_ATTEMPTS} refused plans and waited for the leader's follow-up. */
    int failedEvaluations;
    int evaluations;
    int lostAllocations;
    int restoredInPlace;

    private record Plan(int app, int[] instances, int[] hosts) {
    }

    /**
     * Tests: null if the planned memory of every node equals the memory of the allocations on it and, on every node
     * the scheduler placed on, stays within the node's; else what is wrong.
     */
    String invariantViolation() {
        long[] sum = new long[w.hosts()];
        boolean[] placedOn = new boolean[w.hosts()];
        for (int i = 0; i < w.instances(); i++) {
            if (allocNode[i] >= 0) {
                sum[allocNode[i]] += w.memory(i);
            }
        }
        for (Start s : starts) {
            placedOn[s.host()] |= s.reason() == Reason.PLACED;
        }
        for (int h = 0; h < w.hosts(); h++) {
            if (sum[h] != memMb[h]) {
                return w.hostId[h] + ": planned " + memMb[h] + " MiB, allocations " + sum[h] + " MiB";
            }
            if (placedOn[h] && sum[h] > w.memoryMb[h]) {
                return w.hostId[h] + ": planned " + sum[h] + " MiB over " + w.memoryMb[h] + " MiB";
            }
        }
        return overcommits == 0 ? null : overcommits + " overcommitting commits";
    }

    NomadPolicy(long seed) {
        this.random = new SplittableRandom(seed ^ 0x4E4F4D4144L);
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public boolean killsOnTimeout() {
        return false;
    }

    @Override
    public boolean finished() {
        return knownUp == w.instances();
    }

    @Override
    @SuppressWarnings({"unchecked", "rawtypes"})
    public void begin(Simulation sim) {
        this.sim = sim;
        this.w = sim.world;
        int h = w.hosts();
        int n = w.instances();
        node = new NodeStatus[h];
        Arrays.fill(node, NodeStatus.STALE_READY);
        memMb = new long[h];
        cpus = new double[h];
        slot = new Slot[n];
        allocNode = new int[n];
        rescheduleAt = new double[n];
        reschedules = new int[n];
        attempt = new int[n];
        previousNodes = new List[n];
        restarts = new ArrayDeque[n];
        evalState = new int[w.apps.length];
        evalAgain = new boolean[w.apps.length];
        scheduleAttempts = new int[w.apps.length];
        planRest = new boolean[w.apps.length];
        for (int i = 0; i < n; i++) {
            int home = w.home[i];
            if (home >= 0) {
                slot[i] = Slot.ON_NODE;
                allocNode[i] = home;
                memMb[home] += w.memory(i);
                cpus[home] += cpu(i);
            } else {
                // the world does not say where an instance of an image-GC'd host ran: treated as a slot without an
                // allocation, placed by an evaluation at t = 0 (see the README's simplifications)
                slot[i] = Slot.NEEDS_PLACEMENT;
                allocNode[i] = -1;
            }
        }
        for (int i = 0; i < n; i++) {
            if (slot[i] == Slot.NEEDS_PLACEMENT) {
                trigger(w.instanceApp[i]);
            }
        }
        sim.schedule(FAILOVER_HEARTBEAT_TTL_SECONDS, this::heartbeatTimersFire);
    }

    private double cpu(int instance) {
        return w.apps[w.instanceApp[instance]].cpus();
    }

    // ---------------------------------------------------------------- nodes

    @Override
    public void hostUp(int h) {
        if (node[h] == NodeStatus.DOWN) {
            // registers again; its lost allocations are stopped by its client, never started
            node[h] = NodeStatus.READY;
            stateVersion++;
            unblockAll();
            return;
        }
        node[h] = NodeStatus.READY; // heartbeat before the failover TTL: still ready, allocations kept
        for (int i = 0; i < w.instances(); i++) {
            if (allocNode[i] == h && slot[i] == Slot.ON_NODE) {
                start(i, h, w.home[i] == h && attempt[i] == 0 ? Reason.RESTORE : Reason.ARRIVED);
            }
        }
    }

    private void heartbeatTimersFire() {
        if (sim.etcdDown()) {
            sim.schedule(w.etcdOutageTo, this::heartbeatTimersFire); // the status write waits for the store
            return;
        }
        for (int h = 0; h < w.hosts(); h++) {
            if (node[h] == NodeStatus.STALE_READY) {
                node[h] = NodeStatus.DOWN;
                memMb[h] = 0;
                cpus[h] = 0;
            }
        }
        stateVersion++;
        for (int i = 0; i < w.instances(); i++) {
            int h = allocNode[i];
            if (h >= 0 && node[h] == NodeStatus.DOWN) {
                // lost: replaced at once, the reschedule block does not apply
                lostAllocations++;
                allocNode[i] = -1;
                slot[i] = Slot.NEEDS_PLACEMENT;
                rescheduleAt[i] = 0;
                trigger(w.instanceApp[i]);
            }
        }
    }

    // ---------------------------------------------------------------- client

    private void start(int i, int h, Reason reason) {
        slot[i] = Slot.STARTING;
        attempt[i]++;
        if (reason == Reason.RESTORE) {
            restoredInPlace++;
        }
        starts.add(new Start(sim.now(), i, h, reason));
        sim.sendStart(i, h, attempt[i]);
    }

    @Override
    public void outcome(StartAttempt s, StartResult result, String detail) {
        int i = s.instance;
        if (slot[i] != Slot.STARTING || allocNode[i] != s.host) {
            return; // not the slot's current allocation (cannot happen: nothing is started twice)
        }
        if (result == StartResult.STARTED) {
            up(i);
            return;
        }
        // the task failed: the client's restart policy
        ArrayDeque<Double> r = restarts[i] == null ? (restarts[i] = new ArrayDeque<>()) : restarts[i];
        while (!r.isEmpty() && r.peekFirst() <= sim.now() - RESTART_INTERVAL_SECONDS) {
            r.pollFirst();
        }
        if (r.size() < RESTART_ATTEMPTS) {
            r.addLast(sim.now());
            slot[i] = Slot.RESTART_WAIT;
            int h = s.host;
            double delay = RESTART_DELAY_SECONDS * (1 + RESTART_JITTER * random.nextDouble());
            sim.schedule(sim.now() + delay, () -> {
                if (slot[i] == Slot.RESTART_WAIT && allocNode[i] == h) {
                    start(i, h, Reason.RESTART);
                }
            });
            return;
        }
        // mode = "fail": the allocation fails, frees its resources, and is rescheduled after the reschedule delay
        r.clear();
        int h = s.host;
        memMb[h] -= w.memory(i);
        cpus[h] -= cpu(i);
        stateVersion++;
        if (previousNodes[i] == null) {
            previousNodes[i] = new ArrayList<>(2);
        }
        if (!previousNodes[i].contains(h)) {
            previousNodes[i].add(h);
        }
        allocNode[i] = -1;
        slot[i] = Slot.NEEDS_PLACEMENT;
        double delay = Math.min(RESCHEDULE_MAX_DELAY_SECONDS, RESCHEDULE_DELAY_SECONDS * Math.pow(2, reschedules[i]));
        reschedules[i]++;
        rescheduleAt[i] = sim.now() + delay;
        int app = w.instanceApp[i];
        sim.schedule(rescheduleAt[i], () -> trigger(app)); // the reconciler's follow-up evaluation (WaitUntil)
        unblockAll(); // resources freed
    }

    private void up(int i) {
        slot[i] = Slot.RUNNING;
        knownUp++;
    }

    // ---------------------------------------------------------------- eval broker and workers

    /** A new evaluation for the job (coalesced with the one outstanding). */
    private void trigger(int app) {
        switch (evalState[app]) {
            case NONE -> enqueue(app);
            case BLOCKED -> {
                blocked.remove((Integer) app);
                enqueue(app);
            }
            case RUNNING -> evalAgain[app] = true;
            default -> {
            }
        }
    }

    private void enqueue(int app) {
        evalState[app] = QUEUED;
        brokerQueue.addLast(app);
        sim.schedule(sim.now(), this::dispatch);
    }

    private void unblockAll() {
        if (blocked.isEmpty()) {
            return;
        }
        List<Integer> b = new ArrayList<>(blocked);
        blocked.clear();
        for (int app : b) {
            enqueue(app);
        }
    }

    private void dispatch() {
        while (idleWorkers > 0 && !brokerQueue.isEmpty()) {
            int app = brokerQueue.pollFirst();
            idleWorkers--;
            evalState[app] = RUNNING;
            scheduleAttempts[app] = 0;
            schedule(app);
        }
    }

    /** A worker runs the job's evaluation on the current state and submits its plan when its work is done. */
    private void schedule(int app) {
        evaluations++;
        scheduleAttempts[app]++;
        List<Integer> toPlace = new ArrayList<>();
        for (int i = w.firstInstance[app]; i < w.firstInstance[app + 1]; i++) {
            if (slot[i] == Slot.NEEDS_PLACEMENT && rescheduleAt[i] <= sim.now()) {
                toPlace.add(i);
            }
        }
        List<Integer> ready = new ArrayList<>();
        for (int h = 0; h < w.hosts(); h++) {
            if (node[h] != NodeStatus.DOWN) {
                ready.add(h);
            }
        }
        int n = ready.size();
        double work = EVAL_BASE_SECONDS;
        int[] placedOn = new int[toPlace.size()];
        Arrays.fill(placedOn, -1);
        boolean unplaced = false;
        if (!toPlace.isEmpty()) {
            long need = w.apps[app].memoryMb();
            if (n == 0 || need > maxFree(ready)) {
                // nothing fits anywhere: the scheduler visits every node and gives up
                work += n * NODE_CHECK_SECONDS * toPlace.size();
                unplaced = true;
            } else {
                int[] order = ready.stream().mapToInt(Integer::intValue).toArray();
                shuffle(order);
                int[] proposedHost = new int[toPlace.size()];
                int proposed = 0;
                int offset = 0;
                int limit = Math.max(2, (int) Math.ceil(Math.log(n) / Math.log(2)));
                for (int k = 0; k < toPlace.size(); k++) {
                    int i = toPlace.get(k);
                    int best = -1;
                    double bestScore = Double.NEGATIVE_INFINITY;
                    int seen = 0;
                    int visited = 0;
                    List<double[]> skipped = new ArrayList<>(MAX_SKIP);
                    while (seen < limit && visited < n) {
                        int h = order[offset];
                        offset = (offset + 1) % n;
                        visited++;
                        long pm = 0;
                        double pc = 0;
                        int collisions = 0;
                        for (int q = 0; q < proposed; q++) {
                            if (proposedHost[q] == h) {
                                pm += need;
                                pc += cpu(i);
                                collisions++;
                            }
                        }
                        long usedMem = memMb[h] + pm + need;
                        double usedCpu = cpus[h] + pc + cpu(i);
                        if (usedMem > w.memoryMb[h]) {
                            continue; // memory only: see the class comment
                        }
                        for (int j = w.firstInstance[app]; j < w.firstInstance[app + 1]; j++) {
                            if (allocNode[j] == h) {
                                collisions++;
                            }
                        }
                        double score = score(h, usedMem, usedCpu, collisions, w.apps[app].instances(),
                                previousNodes[i] != null && previousNodes[i].contains(h));
                        if (score <= SKIP_SCORE_THRESHOLD && skipped.size() < MAX_SKIP) {
                            skipped.add(new double[]{h, score});
                            continue;
                        }
                        seen++;
                        if (score > bestScore) {
                            bestScore = score;
                            best = h;
                        }
                    }
                    // the stream ran out before the limit: the skipped options are used after all
                    for (int q = 0; q < skipped.size() && seen < limit; q++, seen++) {
                        if (skipped.get(q)[1] > bestScore) {
                            bestScore = skipped.get(q)[1];
                            best = (int) skipped.get(q)[0];
                        }
                    }
                    work += visited * NODE_CHECK_SECONDS;
                    if (best < 0) {
                        unplaced = true;
                        continue;
                    }
                    placedOn[k] = best;
                    proposedHost[proposed++] = best;
                }
            }
        }
        int count = 0;
        for (int h : placedOn) {
            count += h >= 0 ? 1 : 0;
        }
        int[] inst = new int[count];
        int[] hosts = new int[count];
        for (int k = 0, c = 0; k < placedOn.length; k++) {
            if (placedOn[k] >= 0) {
                inst[c] = toPlace.get(k);
                hosts[c++] = placedOn[k];
            }
        }
        boolean blockRest = unplaced;
        sim.schedule(sim.now() + work, () -> {
            if (inst.length == 0) {
                evalDone(app, blockRest);
            } else {
                planQueue.addLast(new Plan(app, inst, hosts));
                planRest[app] = blockRest;
                applyNext();
            }
        });
    }

    private boolean[] planRest;

    private double score(int h, long usedMem, double usedCpu, int collisions, int count, boolean penalised) {
        double freeMem = 1 - (double) usedMem / w.memoryMb[h];
        double freeCpu = 1 - usedCpu / w.cores[h];
        double total = Math.pow(10, freeCpu) + Math.pow(10, freeMem);
        double fit = SPREAD ? total - 2 : 20 - total;
        double sum = Math.max(0, Math.min(18, fit)) / 18;
        int parts = 1;
        if (collisions > 0) {
            sum += -1.0 * (collisions + 1) / count;
            parts++;
        }
        if (penalised) {
            sum += -1;
            parts++;
        }
        return sum / parts;
    }

    private long maxFree(List<Integer> ready) {
        if (maxFreeVersion != stateVersion) {
            maxFreeVersion = stateVersion;
            maxFreeMb = Long.MIN_VALUE;
            for (int h : ready) {
                maxFreeMb = Math.max(maxFreeMb, w.memoryMb[h] - memMb[h]);
            }
        }
        return maxFreeMb;
    }

    private void shuffle(int[] a) {
        for (int k = a.length - 1; k > 0; k--) {
            int j = random.nextInt(k + 1);
            int t = a[k];
            a[k] = a[j];
            a[j] = t;
        }
    }

    // ---------------------------------------------------------------- plan applier

    private void applyNext() {
        if (applying || planQueue.isEmpty()) {
            return;
        }
        if (sim.etcdDown()) {
            applying = true;
            sim.schedule(w.etcdOutageTo, () -> {
                applying = false;
                applyNext();
            });
            return;
        }
        Plan p = planQueue.pollFirst();
        applying = true;
        sim.schedule(sim.now() + PLAN_BASE_SECONDS + PLAN_ALLOC_SECONDS * p.instances.length, () -> {
            applying = false;
            if (sim.etcdDown()) {
                planQueue.addFirst(p); // the store went down while the plan was applied: it was not committed
                applyNext();
                return;
            }
            commit(p);
            applyNext();
        });
    }

    private void commit(Plan p) {
        // evaluateNodePlan: a node whose allocations no longer fit (or that went down) is refused as a whole
        boolean[] refused = new boolean[p.instances.length];
        boolean anyRefused = false;
        for (int k = 0; k < p.instances.length; k++) {
            int h = p.hosts[k];
            long mem = memMb[h];
            for (int q = 0; q < p.instances.length; q++) {
                if (p.hosts[q] == h) {
                    mem += w.memory(p.instances[q]);
                }
            }
            if (node[h] == NodeStatus.DOWN || mem > w.memoryMb[h]) {
                refused[k] = true;
                anyRefused = true;
            }
        }
        boolean committed = false;
        for (int k = 0; k < p.instances.length; k++) {
            int i = p.instances[k];
            if (refused[k] || slot[i] != Slot.NEEDS_PLACEMENT) {
                continue;
            }
            int h = p.hosts[k];
            allocNode[i] = h;
            slot[i] = Slot.ON_NODE;
            memMb[h] += w.memory(i);
            cpus[h] += cpu(i);
            if (memMb[h] > w.memoryMb[h]) {
                overcommits++;
            }
            committed = true;
            if (node[h] == NodeStatus.READY && sim.isUp(h)) {
                start(i, h, Reason.PLACED);
            }
        }
        if (committed) {
            stateVersion++;
            plansApplied++;
            planCommits.add(sim.now());
        }
        int app = p.app;
        if (anyRefused) {
            plansRejected++;
            if (scheduleAttempts[app] < MAX_SCHEDULE_ATTEMPTS) {
                schedule(app); // RefreshIndex: the same worker plans again on the fresh state
                return;
            }
            // the evaluation failed: the leader's follow-up, later
            failedEvaluations++;
            idleWorkers++;
            evalState[app] = NONE;
            evalAgain[app] = false;
            double delay = FAILED_EVAL_FOLLOWUP_SECONDS + random.nextDouble() * FAILED_EVAL_FOLLOWUP_RANGE_SECONDS;
            sim.schedule(sim.now() + delay, () -> trigger(app));
            sim.schedule(sim.now(), this::dispatch);
            return;
        }
        evalDone(app, planRest[app]);
    }

    private void evalDone(int app, boolean unplaced) {
        idleWorkers++;
        if (evalAgain[app]) {
            evalAgain[app] = false;
            evalState[app] = NONE;
            enqueue(app);
        } else if (unplaced) {
            evalState[app] = BLOCKED;
            blocked.add(app);
        } else {
            evalState[app] = NONE;
        }
        sim.schedule(sim.now(), this::dispatch);
    }
}
