package io.blackstart.drill;

import io.blackstart.protocol.wire.StartResult;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeSet;

/**
 * Baseline {@code kubernetes}: what a Kubernetes cluster does after a whole-cluster power loss, the control plane
 * back at t = 0 (issue 13, item 1: a baseline as the real system behaves). Every modelled behaviour and its source:
 *
 * <ul>
 * <li><b>Pods stay bound.</b> An instance whose stopped container is on a host ({@code World.home}) is a pod bound
 * to that node ({@code spec.nodeName} is persisted in etcd). When the node is back its kubelet lists its pods and
 * starts every one of them in place: no scheduler decision, <b>no start order</b> (Kubernetes has no dependency or
 * tier ordering between pods), <b>no start throttling</b> (the kubelet starts all pods at once; kubernetes#3312
 * "Containers startup throttling" and #105778 "start pods in batches per node" were closed unresolved; ANCHORS.md).
 * Image pulls one at a time per node are the simulation's physics ({@code serializeImagePulls: true}, the
 * KubeletConfiguration default). The kubelet's pod order on a node is a seeded shuffle (creation order is not in
 * the world).</li>
 * <li><b>No start timeout.</b> The kubelet has none; nothing is re-placed because it is slow
 * ({@link #killsOnTimeout()} is false: the simulation times nothing, a slow pod runs when it is up).</li>
 * <li><b>Failures retried in place.</b> A start that fails is restarted on the same node after the kubelet's
 * back-off, 10 s doubling to 300 s (kubernetes.io "Pod Lifecycle: container restarts"; the simulation's
 * {@link Simulation#crashBackoffSeconds}). The kubelet admits a pod only if the memory requests of the pods it
 * admitted fit the node (pod admission, {@code OutOfmemory}): a pod rejected there is Failed for good, its
 * ReplicaSet creates a replacement and the scheduler places it. An OOM kill after the boot (the simulation's other
 * failure) is an OOMKilled container, restarted in place like any other. With readiness on, dependants
 * crash-loop on a dependency not ready (the simulation's kubelet CrashLoopBackOff): that shows in
 * {@code crashRestarts}.</li>
 * <li><b>Node lifecycle controller</b> (kube-controller-manager, {@code pkg/controller/nodelifecycle}): a node that
 * posted no status for {@code --node-monitor-grace-period} (50 s since v1.32, kubernetes#126287; 40 s before) is
 * marked Ready=Unknown at the first monitor pass ({@code --node-monitor-period} 5 s) strictly after it — after a
 * controller (re)start every node's probe time is "now" ({@code tryUpdateNodeHealth}: "Missing timestamp for Node.
 * Assuming now"), so at 55 s. It gets the {@code unreachable:NoSchedule} taint at once (the scheduler filters it out)
 * and is queued for the {@code unreachable:NoExecute} taint at the next pass ({@code processTaintBaseEviction} acts
 * on the condition observed before the pass). The queue ({@code RateLimitedTimedQueue}, one per zone; here one zone)
 * is drained by a token bucket of burst 1 tried every 100 ms, its rate by zone state ({@code ComputeZoneState},
 * {@code handleDisruption}, {@code setLimiterInZone}): <i>full disruption</i> (no node Ready) in every zone stops
 * all evictions and removes the NoExecute taints ("master disruption mode"); <i>partial disruption</i> (more than 2
 * nodes and at least {@code --unhealthy-zone-threshold} 0.55 of them NotReady) uses
 * {@code --secondary-node-eviction-rate} 0.01 nodes/s, or 0 when the zone has at most
 * {@code --large-cluster-size-threshold} 50 nodes ({@code ReducedQPSFunc}); otherwise {@code --node-eviction-rate}
 * 0.1 nodes/s. Swapping the rate keeps the bucket's token if the old one had it, else starts drained
 * ({@code SwapLimiter}). A node whose kubelet posts Ready again has its NoExecute taint removed and leaves the
 * queue.</li>
 * <li><b>Taint-based eviction</b> ({@code tainteviction} controller): every pod tolerates
 * {@code unreachable:NoExecute} for {@code tolerationSeconds} 300 (the {@code DefaultTolerationSeconds} admission
 * plugin), so it is deleted 300 s after the taint unless the taint is removed first. Its ReplicaSet counts it gone
 * at once (pods with a deletion timestamp are not active) and creates a replacement. When the old node comes back,
 * its kubelet deletes the old pod: its container is not started ({@link Simulation#stopContainer} removes it).</li>
 * <li><b>kube-scheduler</b> (default profile, {@code pkg/scheduler/apis/config/v1/default_plugins.go}): pending pods
 * in priority order, then creation time ({@code PrioritySort}; the app's priority stands for its PriorityClass);
 * filter on the memory <i>requests</i> of every pod bound to or assumed on the node, so no overcommit
 * ({@code NodeResourcesFit}; CPU requests and {@code maxPods} are not filtered, see {@link #fits}) — and on the
 * NoSchedule taints
 * ({@code TaintToleration}); feasible nodes searched from a rotating start index until
 * {@code percentageOfNodesToScore} (adaptive: 50 − nodes/125 %, at least 5 % and 100 nodes) are found; score
 * {@code NodeResourcesFit} LeastAllocated (cpu, memory; weight 1) + {@code NodeResourcesBalancedAllocation} (weight
 * 1) + {@code ImageLocality} (weight 1: image size × share of nodes holding it, 23 MB–1000 MB scaled to 0–100,
 * from the nodes' status image lists, the 50 largest images, kubelet {@code nodeStatusMaxImages}) +
 * {@code PodTopologySpread} with the system default constraint on hostname (maxSkew 3, ScheduleAnyway; weight 2);
 * the best node wins, ties at random ({@code selectHost}); the pod is assumed and bound, then that node's kubelet
 * starts it. Nodes that have not yet been marked Unknown still look Ready (their status is the one from before the
 * blackout), so a pod scheduled in the first 55 s may be bound to a node that is still down; it starts when the
 * node returns (or is evicted with the node's other pods). Instances without a home ({@code home < 0}: image GC ran
 * on their host) are pods to schedule at t = 0.</li>
 * <li><b>etcd outage</b> (writes fail; reads are served from the API server's watch cache): the kubelets of nodes
 * that are back start their bound pods (local work), but nothing is bound, no taint is written, no pod is deleted
 * or created, and a node's Ready status cannot be posted: those wait for the window's end. Tainting attempts inside
 * the window fail and use up their tokens.</li>
 * </ul>
 *
 * <p><b>0 duplicates by construction</b>: a pod is bound to exactly one node at a time, rebound only after its
 * container on the old node never existed (evicted from a node that was down, or rejected at admission); the
 * kubelet starts only pods bound to it; {@link #start} asserts it.
 *
 * <p><b>Simplifications</b>: the controller sees a node's return at once (not at its next 5 s pass; this drops the
 * race in which a pod is evicted from a node that came back less than a pass before, which real Kubernetes runs
 * side by side with its replacement for the termination grace period); the 100 ms tainting tick is kept, the API
 * server's and controllers' latencies are zero; the scheduler's back-off for unschedulable pods (1–10 s) is not
 * modelled (they are retried on the next node or resource event); the lease expiry an etcd outage causes on every
 * node is not modelled (it puts the zone in full disruption, which evicts nothing); images pulled during the
 * recovery are not added to the nodes' status image lists.
 */
final class KubernetesPolicy implements Policy {

    static final String NAME = "kubernetes";

    /** kube-controller-manager {@code --node-monitor-grace-period}, default since v1.32 (kubernetes#126287). */
    static final double NODE_MONITOR_GRACE_SECONDS = 50;
    /** {@code --node-monitor-period}. */
    static final double NODE_MONITOR_PERIOD_SECONDS = 5;
    /** {@code DefaultTolerationSeconds} for {@code node.kubernetes.io/unreachable:NoExecute}. */
    static final double TOLERATION_SECONDS = 300;
    /** {@code --node-eviction-rate}, {@code --secondary-node-eviction-rate} (nodes per second). */
    static final double EVICTION_RATE = 0.1;
    static final double SECONDARY_EVICTION_RATE = 0.01;
    /** {@code --large-cluster-size-threshold}, {@code --unhealthy-zone-threshold}. */
    static final int LARGE_CLUSTER_THRESHOLD = 50;
    static final float UNHEALTHY_ZONE_THRESHOLD = 0.55f;
    /** The NoExecute tainting pass runs every 100 ms: 10 ticks a second. */
    static final double TAINT_TICKS_PER_SECOND = 10;
    /** kubelet {@code nodeStatusMaxImages}. */
    static final int NODE_STATUS_MAX_IMAGES = 50;

    /** When the node lifecycle controller marks the nodes that posted nothing Unknown: first pass after the grace. */
    static double markUnknownAt() {
        return (Math.floor(NODE_MONITOR_GRACE_SECONDS / NODE_MONITOR_PERIOD_SECONDS) + 1) * NODE_MONITOR_PERIOD_SECONDS;
    }

    private enum Zone { INITIAL, NORMAL, PARTIAL, FULL }

    private static final int PENDING = 0;
    private static final int BOUND = 1;
    private static final int STARTING = 2;
    private static final int RUNNING = 3;

    private Simulation sim;
    private World w;
    private final SplittableRandom random;

    // pods (one per instance; a replacement reuses the index)
    private int[] state;
    private int[] node;
    /** The host where a container of the instance was created (a start that got past admission), -1 none. */
    private int[] containerOn;
    private double[] createdAt;
    private int[] failures;
    private int[] attempts;
    private int running;
    private int evictions;
    /** Bind times (tests: nothing is bound inside an etcd outage). */
    final List<Double> bindTimes = new ArrayList<>();

    // nodes as the API server sees them
    private List<Integer>[] podsOn;
    private long[] requestedMb;
    private long[] requestedMilliCpu;
    /** Per node: memory requests of the pods its kubelet admitted; per pod: admitted on its node. */
    private long[] admittedMb;
    private boolean[] admitted;
    private final Map<Long, Integer> appPodsOnNode = new HashMap<>();
    private BitSet[] statusImages;
    private int[] nodesWithImage;

    // node lifecycle controller
    private boolean[] readyObserved;
    private boolean[] unknown;
    private boolean[] tainted;
    private long[] taintVersion;
    private double[] queuedAt;
    private TreeSet<Integer> taintQueue;
    private boolean marked;
    private Zone zone = Zone.INITIAL;
    private double rate = EVICTION_RATE;
    private double tokenAt = 0;
    private long tainterVersion;
    private final List<Integer> readyAfterOutage = new ArrayList<>();
    private boolean markAfterOutage;

    // scheduler
    private TreeSet<Integer> activeQ;
    private final List<Integer> unschedulable = new ArrayList<>();
    private int nextStartNodeIndex;
    private boolean schedulePending;

    KubernetesPolicy(long seed) {
        this.random = new SplittableRandom(seed ^ 0x6B38L);
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public boolean killsOnTimeout() {
        return false; // the kubelet has no start timeout: nothing kills a slow start
    }

    @Override
    public boolean finished() {
        return running == w.instances();
    }

    /** Pods evicted by the taint-based eviction so far. */
    int evictions() {
        return evictions;
    }

    @Override
    @SuppressWarnings({"unchecked", "rawtypes"})
    public void begin(Simulation sim) {
        this.sim = sim;
        this.w = sim.world;
        int n = w.instances();
        int hosts = w.hosts();
        state = new int[n];
        node = new int[n];
        containerOn = new int[n];
        createdAt = new double[n];
        failures = new int[n];
        attempts = new int[n];
        Arrays.fill(node, -1);
        Arrays.fill(containerOn, -1);
        podsOn = new List[hosts];
        requestedMb = new long[hosts];
        requestedMilliCpu = new long[hosts];
        admittedMb = new long[hosts];
        admitted = new boolean[n];
        for (int h = 0; h < hosts; h++) {
            podsOn[h] = new ArrayList<>();
        }
        readyObserved = new boolean[hosts];
        unknown = new boolean[hosts];
        tainted = new boolean[hosts];
        taintVersion = new long[hosts];
        queuedAt = new double[hosts];
        taintQueue = new TreeSet<>((a, b) -> queuedAt[a] != queuedAt[b] ? Double.compare(queuedAt[a], queuedAt[b])
                : Integer.compare(a, b));
        activeQ = new TreeSet<>((a, b) -> {
            int pa = w.apps[w.instanceApp[a]].priority();
            int pb = w.apps[w.instanceApp[b]].priority();
            if (pa != pb) {
                return Integer.compare(pb, pa);
            }
            return createdAt[a] != createdAt[b] ? Double.compare(createdAt[a], createdAt[b]) : Integer.compare(a, b);
        });
        statusImages();
        for (int i = 0; i < n; i++) {
            if (w.home[i] >= 0) {
                bind(i, w.home[i]); // bound before the blackout
            } else {
                activeQ.add(i); // no container left anywhere: a pod to schedule
            }
        }
        if (!Double.isNaN(w.etcdOutageTo)) {
            sim.schedule(w.etcdOutageTo, this::outageEnded);
        }
        sim.schedule(markUnknownAt(), this::markUnknown);
        zoneChanged(); // the controller's first pass: every node still shows its old Ready status
        requestSchedule();
    }

    /** Each node's status image list: its 50 largest images (kubelet {@code nodeStatusMaxImages}). */
    private void statusImages() {
        statusImages = new BitSet[w.hosts()];
        nodesWithImage = new int[w.apps.length];
        for (int h = 0; h < w.hosts(); h++) {
            BitSet all = w.images[h];
            Integer[] held = all.stream().boxed().toArray(Integer[]::new);
            Arrays.sort(held, (a, b) -> w.imageMb[a] != w.imageMb[b] ? Double.compare(w.imageMb[b], w.imageMb[a])
                    : Integer.compare(a, b));
            BitSet listed = new BitSet(w.apps.length);
            for (int k = 0; k < Math.min(NODE_STATUS_MAX_IMAGES, held.length); k++) {
                listed.set(held[k]);
                nodesWithImage[held[k]]++;
            }
            statusImages[h] = listed;
        }
    }

    // ---------------------------------------------------------------- kubelet

    @Override
    public void hostUp(int h) {
        List<Integer> mine = new ArrayList<>();
        for (int i : podsOn[h]) {
            if (node[i] == h && state[i] == BOUND) {
                mine.add(i);
            }
        }
        // pods evicted while the node was down: the kubelet deletes them; their containers are not started
        List<Integer> stale = new ArrayList<>();
        for (Map.Entry<Integer, Boolean> c : sim.containers(h).entrySet()) {
            if (node[c.getKey()] != h && !c.getValue()) {
                stale.add(c.getKey());
            }
        }
        for (int i : stale) {
            sim.stopContainer(i, h);
        }
        podsOn[h].removeIf(i -> node[i] != h);
        for (int k = mine.size() - 1; k > 0; k--) {
            int j = random.nextInt(k + 1);
            int t = mine.get(k);
            mine.set(k, mine.get(j));
            mine.set(j, t);
        }
        for (int i : mine) {
            start(i);
        }
        if (sim.etcdDown()) {
            readyAfterOutage.add(h); // the kubelet cannot post its Ready status until etcd takes writes
        } else {
            observeReady(h);
        }
    }

    /** The kubelet of the pod's node starts it. Asserts the pod is bound there and has no container elsewhere. */
    private void start(int i) {
        int h = node[i];
        if (h < 0 || state[i] != BOUND || !sim.isUp(h)) {
            throw new IllegalStateException("kubelet start of " + w.instanceId[i] + " not bound to a node that is up");
        }
        if (containerOn[i] >= 0 && containerOn[i] != h) {
            throw new IllegalStateException(w.instanceId[i] + " has a container on " + w.hostId[containerOn[i]]
                    + ", started again on " + w.hostId[h]);
        }
        if (!admitted[i]) {
            // kubelet admission: the pods it admitted must fit the node's allocatable memory (requests)
            if (admittedMb[h] + w.memory(i) > w.memoryMb[h]) {
                // rejected (OutOfmemory): the pod is Failed for good; its ReplicaSet creates a replacement
                unbind(i);
                state[i] = PENDING;
                createdAt[i] = sim.now();
                activeQ.add(i);
                resourcesFreed();
                return;
            }
            admitted[i] = true;
            admittedMb[h] += w.memory(i);
        }
        state[i] = STARTING;
        containerOn[i] = h;
        sim.sendStart(i, h, ++attempts[i]);
    }

    @Override
    public void outcome(StartAttempt s, StartResult result, String detail) {
        int i = s.instance;
        switch (result) {
            case STARTED -> running(s);
            default -> {
                // OOM-killed (the only failure the simulation produces): restarted in place after the kubelet's
                // back-off, as an OOMKilled container under restartPolicy Always
                failures[i]++;
                state[i] = BOUND;
                int h = s.host;
                sim.schedule(sim.now() + Simulation.crashBackoffSeconds(failures[i]), () -> {
                    if (node[i] == h && state[i] == BOUND && sim.isUp(h)) {
                        start(i);
                    }
                });
            }
        }
    }

    private void running(StartAttempt s) {
        int i = s.instance;
        if (state[i] != STARTING || node[i] != s.host) {
            throw new IllegalStateException(w.instanceId[i] + " came up on " + w.hostId[s.host]
                    + " but its pod is not starting there");
        }
        state[i] = RUNNING;
        running++;
    }

    // ---------------------------------------------------------------- node lifecycle controller

    /** The first pass after the grace period: nodes that posted nothing are Ready=Unknown (and NoSchedule). */
    private void markUnknown() {
        if (sim.etcdDown()) {
            markAfterOutage = true; // the controller's status update fails
            return;
        }
        marked = true;
        for (int h = 0; h < w.hosts(); h++) {
            if (!readyObserved[h]) {
                unknown[h] = true;
            }
        }
        zoneChanged();
        // the next pass queues them for the NoExecute taint (it acts on the condition observed before it)
        sim.schedule(sim.now() + NODE_MONITOR_PERIOD_SECONDS, this::enqueueUnknown);
    }

    private void enqueueUnknown() {
        for (int h = 0; h < w.hosts(); h++) {
            if (unknown[h] && !tainted[h] && !taintQueue.contains(h)) {
                queuedAt[h] = sim.now();
                taintQueue.add(h);
            }
        }
        scheduleTainter();
    }

    /** The kubelet posted Ready: the controller removes the NoExecute taint and drops the node from the queue. */
    private void observeReady(int h) {
        readyObserved[h] = true;
        boolean wasUnknown = unknown[h];
        unknown[h] = false;
        if (tainted[h]) {
            tainted[h] = false;
            taintVersion[h]++; // cancels its pods' pending evictions
        }
        taintQueue.remove(h);
        if (wasUnknown) {
            zoneChanged();
        }
        for (int i : unschedulable) {
            activeQ.add(i);
        }
        unschedulable.clear();
        requestSchedule();
    }

    private void outageEnded() {
        for (int h : readyAfterOutage) {
            observeReady(h);
        }
        readyAfterOutage.clear();
        if (markAfterOutage) {
            markAfterOutage = false;
            markUnknown();
        }
        requestSchedule();
    }

    private Zone computeZoneState() {
        int notReady = 0;
        for (int h = 0; h < w.hosts(); h++) {
            notReady += unknown[h] ? 1 : 0;
        }
        int ready = w.hosts() - notReady;
        if (ready == 0 && notReady > 0) {
            return Zone.FULL;
        }
        if (notReady > 2 && (float) notReady / (float) (notReady + ready) >= UNHEALTHY_ZONE_THRESHOLD) {
            return Zone.PARTIAL;
        }
        return Zone.NORMAL;
    }

    /** {@code handleDisruption} for a single zone. */
    private void zoneChanged() {
        Zone now = computeZoneState();
        boolean allAreFully = now == Zone.FULL;
        boolean allWereFully = zone == Zone.FULL;
        if (allAreFully && allWereFully) {
            return;
        }
        if (allAreFully) {
            // master disruption mode: every NoExecute taint removed, every eviction stopped
            for (int h = 0; h < w.hosts(); h++) {
                if (tainted[h]) {
                    tainted[h] = false;
                    taintVersion[h]++;
                }
            }
            taintQueue.clear();
            swapLimiter(0);
            zone = Zone.FULL;
            if (marked) {
                // later passes queue the Unknown nodes again (while the rate is 0)
                sim.schedule(sim.now() + NODE_MONITOR_PERIOD_SECONDS, this::enqueueUnknown);
            }
            return;
        }
        if (allWereFully || now != zone) {
            swapLimiter(switch (now) {
                case NORMAL, FULL -> EVICTION_RATE;
                case PARTIAL -> w.hosts() > LARGE_CLUSTER_THRESHOLD ? SECONDARY_EVICTION_RATE : 0;
                case INITIAL -> throw new IllegalStateException();
            });
            zone = now;
        }
    }

    /** {@code RateLimitedTimedQueue.SwapLimiter} with a token bucket of burst 1. */
    private void swapLimiter(double newRate) {
        if (newRate == rate) {
            return;
        }
        double t = sim.now();
        if (newRate > 0) {
            boolean oldHadToken = rate > 0 && tokenAt <= t;
            tokenAt = oldHadToken ? t : t + 1 / newRate;
        }
        rate = newRate;
        scheduleTainter();
    }

    private void scheduleTainter() {
        long v = ++tainterVersion;
        if (rate <= 0 || taintQueue.isEmpty()) {
            return;
        }
        double at = Math.ceil(Math.max(sim.now(), tokenAt) * TAINT_TICKS_PER_SECOND - 1e-6) / TAINT_TICKS_PER_SECOND;
        sim.schedule(at, () -> {
            if (v == tainterVersion) {
                taint();
            }
        });
    }

    /** A token: the head of the queue gets the {@code unreachable:NoExecute} taint (its write fails in an outage). */
    private void taint() {
        if (rate <= 0 || taintQueue.isEmpty() || tokenAt > sim.now() + 1e-6) {
            scheduleTainter();
            return;
        }
        tokenAt = sim.now() + 1 / rate;
        if (!sim.etcdDown()) {
            int h = taintQueue.pollFirst();
            tainted[h] = true;
            long v = taintVersion[h];
            sim.schedule(sim.now() + TOLERATION_SECONDS, () -> evictPods(h, v));
        }
        scheduleTainter();
    }

    /** The taint's toleration expired: the pods still bound to the node are deleted and replaced. */
    private void evictPods(int h, long version) {
        if (version != taintVersion[h] || !tainted[h]) {
            return; // the taint was removed meanwhile
        }
        if (sim.etcdDown()) {
            sim.schedule(w.etcdOutageTo, () -> evictPods(h, version));
            return;
        }
        if (sim.isUp(h)) {
            return; // came back during an outage; its Ready status removes the taint (see the class comment)
        }
        for (int i : podsOn[h]) {
            if (node[i] != h) {
                continue;
            }
            if (state[i] != BOUND) {
                throw new IllegalStateException(w.instanceId[i] + " evicted from " + w.hostId[h] + " while started");
            }
            unbind(i);
            state[i] = PENDING;
            createdAt[i] = sim.now();
            activeQ.add(i);
            evictions++;
        }
        podsOn[h].removeIf(i -> node[i] != h);
        requestSchedule();
    }

    // ---------------------------------------------------------------- kube-scheduler

    private void requestSchedule() {
        if (!schedulePending && !activeQ.isEmpty()) {
            schedulePending = true;
            sim.schedule(sim.now(), this::schedulePass);
        }
    }

    private void resourcesFreed() {
        activeQ.addAll(unschedulable);
        unschedulable.clear();
        requestSchedule();
    }

    private void schedulePass() {
        schedulePending = false;
        if (sim.etcdDown()) {
            return; // binding writes etcd: retried when the outage ends (outageEnded)
        }
        while (!activeQ.isEmpty()) {
            int i = activeQ.pollFirst();
            int h = selectHost(i);
            if (h < 0) {
                unschedulable.add(i);
                continue;
            }
            bind(i, h);
            bindTimes.add(sim.now());
            if (sim.isUp(h)) {
                start(i);
            }
        }
    }

    private void bind(int i, int h) {
        if (node[i] >= 0) {
            throw new IllegalStateException(w.instanceId[i] + " bound twice");
        }
        node[i] = h;
        state[i] = BOUND;
        int a = w.instanceApp[i];
        requestedMb[h] += w.memory(i);
        requestedMilliCpu[h] += milliCpu(a);
        appPodsOnNode.merge(key(h, a), 1, Integer::sum);
        if (!podsOn[h].contains(i)) {
            podsOn[h].add(i); // (a pod rejected at admission may be bound to the same node again)
        }
    }

    private void unbind(int i) {
        int h = node[i];
        int a = w.instanceApp[i];
        if (admitted[i]) {
            admitted[i] = false;
            admittedMb[h] -= w.memory(i);
        }
        requestedMb[h] -= w.memory(i);
        requestedMilliCpu[h] -= milliCpu(a);
        appPodsOnNode.merge(key(h, a), -1, Integer::sum);
        node[i] = -1;
    }

    private long milliCpu(int app) {
        return Math.round(w.apps[app].cpus() * 1000);
    }

    private static long key(int host, int app) {
        return ((long) host << 32) | app;
    }

    /** {@code numFeasibleNodesToFind} with the adaptive {@code percentageOfNodesToScore}. */
    static int feasibleNodesToFind(int nodes) {
        if (nodes < 100) {
            return nodes;
        }
        int percentage = Math.max(5, 50 - nodes / 125);
        return Math.max(100, nodes * percentage / 100);
    }

    /**
     * {@code TaintToleration} and {@code NodeResourcesFit} on memory. CPU requests and the pod count are not
     * filtered: the world's placement before the blackout respected neither (a real cluster's would have), so on
     * small worlds the bound pods alone exceed them and a faithful filter would strand pods in a state Kubernetes
     * cannot have reached; at the drill's sizes neither binds (≈ 0.45 requested cores per core, 18–50 pods per node).
     */
    private boolean fits(int h, long mb) {
        return !unknown[h] && requestedMb[h] + mb <= w.memoryMb[h];
    }

    /** Filter, score, select: the node for pod {@code i}, or -1 if none fits. */
    private int selectHost(int i) {
        int n = w.hosts();
        int a = w.instanceApp[i];
        long mb = w.memory(i);
        long milli = milliCpu(a);
        int toFind = feasibleNodesToFind(n);
        int[] feasible = new int[toFind];
        int found = 0;
        int processed = 0;
        for (int k = 0; k < n && found < toFind; k++) {
            int h = (nextStartNodeIndex + k) % n;
            processed++;
            if (fits(h, mb)) {
                feasible[found++] = h;
            }
        }
        nextStartNodeIndex = (nextStartNodeIndex + processed) % n;
        if (found == 0) {
            return -1;
        }
        if (found == 1) {
            return feasible[0];
        }
        // PodTopologySpread (system default: hostname, maxSkew 3): raw score, then normalised over the feasible nodes
        double tpWeight = Math.log(found + 2);
        long[] spread = new long[found];
        long max = Long.MIN_VALUE;
        long min = Long.MAX_VALUE;
        for (int k = 0; k < found; k++) {
            int cnt = appPodsOnNode.getOrDefault(key(feasible[k], a), 0);
            spread[k] = Math.round(cnt * tpWeight + (3 - 1));
            max = Math.max(max, spread[k]);
            min = Math.min(min, spread[k]);
        }
        int best = -1;
        long bestScore = Long.MIN_VALUE;
        int ties = 0;
        for (int k = 0; k < found; k++) {
            int h = feasible[k];
            long score = leastAllocated(h, mb, milli) + balancedAllocation(h, mb, milli) + imageLocality(h, a)
                    + 2 * (max == 0 ? 100 : 100 * (max + min - spread[k]) / max);
            if (score > bestScore) {
                bestScore = score;
                best = h;
                ties = 1;
            } else if (score == bestScore && random.nextInt(++ties) == 0) {
                best = h;
            }
        }
        return best;
    }

    private long leastAllocated(int h, long mb, long milli) {
        return (leastRequested(requestedMilliCpu[h] + milli, w.cores[h] * 1000L)
                + leastRequested(requestedMb[h] + mb, w.memoryMb[h])) / 2;
    }

    private static long leastRequested(long requested, long capacity) {
        return capacity == 0 || requested > capacity ? 0 : (capacity - requested) * 100 / capacity;
    }

    private long balancedAllocation(int h, long mb, long milli) {
        double cpu = Math.min(1, (double) (requestedMilliCpu[h] + milli) / (w.cores[h] * 1000.0));
        double mem = Math.min(1, (double) (requestedMb[h] + mb) / w.memoryMb[h]);
        double std = Math.abs(cpu - mem) / 2;
        return (long) ((1 - std) * 100);
    }

    private long imageLocality(int h, int app) {
        final long mib = 1024L * 1024;
        final long minThreshold = 23 * mib;
        final long maxThreshold = 1000 * mib;
        long sum = 0;
        if (statusImages[h].get(app)) {
            sum = (long) (w.imageMb[app] * mib * ((double) nodesWithImage[app] / w.hosts()));
        }
        sum = Math.max(minThreshold, Math.min(maxThreshold, sum));
        return 100 * (sum - minThreshold) / (maxThreshold - minThreshold);
    }
}
