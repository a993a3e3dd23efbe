package io.blackstart.drill;

import io.blackstart.protocol.wire.ContainerHealth;
import io.blackstart.protocol.wire.ContainerInfo;
import io.blackstart.protocol.wire.ContainerState;
import io.blackstart.protocol.wire.StartResult;
import io.blackstart.scheduler.Assignment;
import io.blackstart.scheduler.HostReport;
import io.blackstart.scheduler.Ledger;
import io.blackstart.scheduler.LedgerSettings;
import io.blackstart.scheduler.StopOrder;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * The policy under test: the real {@link Ledger} of {@code scheduler/}, driven exactly as the coordinator's recovery
 * manager drives it, with one simulated agent per host.
 *
 * <p><b>Simulated agent</b> (as the real agent computes its grant): when its host comes back it reports its
 * containers (the stopped ones left by the blackout), its images and its memory; it reports again whenever its
 * start machinery frees up or a start ends. Its credits are
 * {@code max(0, min(knee − starts pulling or in the engine, cores − apps booting − starts in the engine))}: the knee
 * is the concurrency at which its engine's throughput saturates (2–4, 1 on a degraded host), and the second term is
 * CPU pressure (the real agent reads PSI: booting more apps than cores only makes each slower). And
 * {@code startsInFlight} counts every start it has not answered yet (including those booting), so the ledger's
 * grant {@code credits + startsInFlight} never lets more than {@code knee} starts contend for the engine. Memory
 * available is the host's memory minus its running containers (as {@link HostReport} specifies: the ledger counts
 * the starts it has outstanding itself), reported together with each outcome. The agent enforces the start
 * timeout itself and removes a timed-out container ({@link #killsOnTimeout()}).
 *
 * <p><b>Coordinator side</b>: every fact goes to the ledger the moment it happens; {@link Ledger#plan} runs once per
 * instant after the facts of that instant; each assignment is recorded (the etcd compare-and-set, instant here) and
 * sent. {@link Ledger#tick} runs every second for backoffs, penalties and lost outcomes. The ledger's settings are the
 * coordinator's defaults, except the pull bound: 15 minutes, as a recovery may queue a pull for minutes behind the
 * shared registry; the simulated agent's {@code pull-timeout} is the same 15 minutes ({@link #pullTimeoutSeconds()}):
 * a start still waiting for its image then fails (the pull carries on) and the ledger, told so, places it again —
 * the ledger never has to give up on an outcome it is owed (that would start the instance twice).
 *
 * <p><b>Readiness</b> (when the world models it): every app has a health check; the agent's start outcome says
 * {@link ContainerHealth#STARTING} and its reports show the container {@code STARTING} until it is ready, then
 * {@code HEALTHY} (it reports at that change) — the ledger's production path: credits free at running, dependants and
 * the platform gate wait for ready.
 *
 * <p><b>etcd outage</b>: {@code blackstart} journals each assignment locally and proceeds from its cached catalog
 * (issue 11 item 5): the outage changes nothing for it (the journal's replay to etcd afterwards is not modelled).
 * {@code blackstart-no-journal} is the coordinator without the journal: an assignment is sent only after its etcd
 * compare-and-set, so it does not plan inside the window (outcomes and reports still reach the ledger: they go
 * over the cluster, not through etcd) and plans again when the window ends.
 */
final class BlackstartPolicy implements Policy {

    static final String NAME = "blackstart";
    static final String NO_JOURNAL = "blackstart-no-journal";
    /** The agents' pull-timeout and the ledger's pull bound in the drill. */
    static final long PULL_TIMEOUT_MILLIS = 60 * 60_000;

    private final long seed;
    private final boolean journal;
    private boolean planAfterOutage;
    private Simulation sim;
    private World w;
    private Ledger ledger;
    private final Map<String, Integer> instanceIndex = new HashMap<>();
    private final Map<String, Integer> hostIndex = new HashMap<>();
    private int[] unanswered;
    private ContainerInfo[] runningInfo;
    private ContainerInfo[] stoppedInfo;
    private ContainerInfo[] unreadyInfo;
    private Set<String>[] imageCache;
    private long[] imageVersion;
    private List<ContainerInfo>[] containerCache;
    private long[] containerVersion;
    private boolean planPending;
    private long revision;

    BlackstartPolicy(long seed) {
        this(seed, true);
    }

    /** {@code journal} false: every assignment waits for its etcd compare-and-set (blocked in an outage). */
    BlackstartPolicy(long seed, boolean journal) {
        this.seed = seed;
        this.journal = journal;
    }

    @Override
    public String name() {
        return journal ? NAME : NO_JOURNAL;
    }

    @Override
    @SuppressWarnings({"unchecked", "rawtypes"})
    public void begin(Simulation sim) {
        this.sim = sim;
        this.w = sim.world;
        LedgerSettings d = LedgerSettings.defaults();
        ledger = new Ledger(new LedgerSettings(d.maxAttempts(), d.backoffBaseMillis(), d.backoffMaxMillis(),
                d.outcomeGraceMillis(), d.hostPenaltyFailures(), d.hostPenaltyWindowMillis(), d.hostPenaltyMillis(),
                d.maxPullsInFlight(), PULL_TIMEOUT_MILLIS, d.maxStartTimeoutFactor()),
                new SplittableRandom(seed ^ 0x5DEECE66DL));
        for (int i = 0; i < w.instances(); i++) {
            instanceIndex.put(w.instanceId[i], i);
        }
        for (int h = 0; h < w.hosts(); h++) {
            hostIndex.put(w.hostId[h], h);
        }
        unanswered = new int[w.hosts()];
        runningInfo = new ContainerInfo[w.instances()];
        stoppedInfo = new ContainerInfo[w.instances()];
        unreadyInfo = new ContainerInfo[w.instances()];
        imageCache = new Set[w.hosts()];
        imageVersion = new long[w.hosts()];
        containerCache = new List[w.hosts()];
        containerVersion = new long[w.hosts()];
        java.util.Arrays.fill(imageVersion, -1);
        java.util.Arrays.fill(containerVersion, -1);
        ledger.setCatalog(w.catalog, 0);
        sim.schedule(1, this::tick);
    }

    private long millis() {
        return Math.round(sim.now() * 1000);
    }

    private void tick() {
        if (finished()) {
            return;
        }
        ledger.tick(millis());
        requestPlan();
        sim.schedule(sim.now() + 1, this::tick);
    }

    @Override
    public void hostUp(int host) {
        report(host);
        requestPlan();
    }

    @Override
    public void engineDone(StartAttempt start) {
        report(start.host);
        requestPlan();
    }

    @Override
    public void outcome(StartAttempt start, StartResult result, String detail) {
        unanswered[start.host]--;
        if (w.readiness()) {
            apply(ledger.startOutcome(w.hostId[start.host], w.instanceId[start.instance], start.attempt, result,
                    detail, result == StartResult.STARTED ? health(start.instance, start.host) : ContainerHealth.NONE,
                    millis()));
        } else {
            apply(ledger.startOutcome(w.hostId[start.host], w.instanceId[start.instance], start.attempt, result,
                    detail, millis()));
        }
        report(start.host);
        requestPlan();
    }

    @Override
    public void ready(StartAttempt start) {
        report(start.host);
        requestPlan();
    }

    @Override
    public boolean killsOnTimeout() {
        return true;
    }

    @Override
    public double pullTimeoutSeconds() {
        return PULL_TIMEOUT_MILLIS / 1000.0;
    }

    @Override
    public boolean finished() {
        return ledger != null && ledger.converged();
    }

    private void requestPlan() {
        if (!planPending) {
            planPending = true;
            sim.schedule(sim.now(), this::plan);
        }
    }

    private void plan() {
        planPending = false;
        if (!journal && sim.etcdDown()) {
            // nothing can be recorded, so nothing is assigned; plan again when etcd is back
            if (!planAfterOutage) {
                planAfterOutage = true;
                sim.schedule(w.etcdOutageTo, () -> {
                    planAfterOutage = false;
                    requestPlan();
                });
            }
            return;
        }
        long now = millis();
        for (Assignment a : ledger.plan(now)) {
            int h = hostIndex.get(a.nodeId());
            ledger.assignmentRecorded(a.instanceId(), a.nodeId(), ++revision, now);
            unanswered[h]++;
            sim.sendStart(instanceIndex.get(a.instanceId()), h, a.attempt(), a.container().startTimeoutSeconds());
        }
    }

    private void apply(List<StopOrder> stops) {
        for (StopOrder s : stops) {
            Integer h = hostIndex.get(s.nodeId());
            Integer i = instanceIndex.get(s.instanceId());
            if (h != null && i != null) {
                sim.stopContainer(i, h);
            }
        }
    }

    /** A running container's health as its agent reports it: NONE without readiness, else STARTING until ready. */
    private ContainerHealth health(int i, int h) {
        return !w.readiness() ? ContainerHealth.NONE
                : sim.readyOn(i) == h ? ContainerHealth.HEALTHY : ContainerHealth.STARTING;
    }

    private ContainerInfo containerInfo(int i, int h, boolean running) {
        ContainerHealth health = running ? health(i, h) : ContainerHealth.NONE;
        ContainerInfo[] cache = !running ? stoppedInfo : health == ContainerHealth.STARTING ? unreadyInfo : runningInfo;
        if (cache[i] == null) {
            var app = w.apps[w.instanceApp[i]];
            cache[i] = new ContainerInfo(w.instanceId[i], app.id(), "c-" + w.instanceId[i], app.image(),
                    running ? ContainerState.RUNNING : ContainerState.STOPPED, 0, health, null);
        }
        return cache[i];
    }

    /** The agent's report: what the real agent measures, from the simulated host. */
    private void report(int h) {
        int contending = sim.contending(h);
        // engine knee, and CPU pressure: never more apps booting or starting than cores
        int credits = Math.max(0, Math.min(w.knee[h] - contending, w.cores[h] - sim.booting(h) - contending));
        // the ledger accounts for its outstanding starts itself: report what the running containers leave
        long memoryAvailable = Math.max(0, w.memoryMb[h] - sim.runningMemory(h));
        long version = sim.hostVersion(h);
        if (imageVersion[h] != version) {
            BitSet bits = sim.images(h);
            if (imageCache[h] == null || imageCache[h].size() != bits.cardinality()) {
                Set<String> images = new HashSet<>();
                for (int a = bits.nextSetBit(0); a >= 0; a = bits.nextSetBit(a + 1)) {
                    images.add(w.apps[a].image());
                }
                imageCache[h] = Set.copyOf(images);
            }
            List<ContainerInfo> cs = new ArrayList<>(sim.containers(h).size());
            sim.containers(h).forEach((i, running) -> cs.add(containerInfo(i, h, running)));
            containerCache[h] = List.copyOf(cs);
            imageVersion[h] = version;
        }
        apply(ledger.hostReported(new HostReport(w.hostId[h], credits, unanswered[h], memoryAvailable,
                imageCache[h], containerCache[h]), millis()));
    }
}
