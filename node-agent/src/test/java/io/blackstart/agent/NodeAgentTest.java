package io.blackstart.agent;

import io.blackstart.testsupport.Await;
import io.blackstart.protocol.wire.AgentCommand;
import io.blackstart.protocol.wire.AgentEvent;
import io.blackstart.protocol.wire.AgentEvent.AgentReport;
import io.blackstart.protocol.wire.AgentEvent.StartOutcome;
import io.blackstart.protocol.wire.ContainerInfo;
import io.blackstart.protocol.wire.ContainerState;
import io.blackstart.protocol.wire.EngineDiagnosis;
import io.blackstart.protocol.wire.HostLoad;
import io.blackstart.protocol.wire.StartResult;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.receptionist.Receptionist;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import static io.blackstart.agent.TestConfigs.spec;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The agent actor against an in-memory runtime and probes; TestProbes stand in for coordinator gateways. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class NodeAgentTest {

    private static final String NODE = "node-a";
    private static final Duration WAIT = Duration.ofSeconds(5);

    private ActorTestKit testKit;
    private FakeContainerRuntime runtime;
    private FakeProbes probes;
    private TestProbe<AgentEvent> gateway;

    @BeforeEach
    void setUp() {
        testKit = ActorTestKit.create(TestConfigs.local());
        runtime = new FakeContainerRuntime();
        probes = new FakeProbes();
        gateway = testKit.createTestProbe(AgentEvent.class);
        testKit.system().receptionist().tell(Receptionist.register(NodeAgent.GATEWAY_KEY, gateway.ref()));
    }

    @AfterEach
    void tearDown() {
        testKit.shutdownTestKit();
        runtime.close();
    }

    private void spawnAgent(String overrides) {
        testKit.spawn(NodeAgent.create(TestConfigs.settings(NODE, overrides), runtime, probes, probes));
    }

    /** What each gateway probe knows of the node's containers, from the full and delta reports it received. */
    private final Map<TestProbe<AgentEvent>, ReportViews> views = new HashMap<>();

    /** The report as the receiver sees it: a delta applied to the reports before it, as a full report. */
    private AgentReport complete(TestProbe<AgentEvent> probe, AgentReport r) {
        return views.computeIfAbsent(probe, p -> new ReportViews()).complete(r);
    }

    /** Receives reports until one matches (as its receiver sees it, complete); other messages are failures. */
    private AgentReport awaitReport(TestProbe<AgentEvent> probe, Predicate<AgentReport> matches) {
        AgentReport[] match = new AgentReport[1];
        probe.fishForMessage(WAIT, "a matching report", event -> {
            if (event instanceof AgentReport raw && matches.test(match[0] = complete(probe, raw))) {
                return org.apache.pekko.actor.testkit.typed.javadsl.FishingOutcomes.complete();
            }
            if (event instanceof AgentReport) {
                return org.apache.pekko.actor.testkit.typed.javadsl.FishingOutcomes.continueAndIgnore();
            }
            return org.apache.pekko.actor.testkit.typed.javadsl.FishingOutcomes.fail("unexpected " + event);
        });
        return match[0];
    }

    /** The first report after the load sampler's first reading: the agent's settled state. */
    private AgentReport settled() {
        return awaitReport(gateway, r -> r.load().cores() == FakeProbes.CALM.cores());
    }

    private static AgentCommand.StartInstance start(String instanceId, int attempt, int timeoutSeconds,
                                                    ActorRef<AgentEvent> replyTo) {
        return new AgentCommand.StartInstance(instanceId, instanceId.substring(0, instanceId.lastIndexOf('-')),
                spec(timeoutSeconds), 7, attempt, replyTo);
    }

    private static ContainerInfo find(AgentReport report, String instanceId) {
        return report.containers().stream().filter(c -> c.instanceId().equals(instanceId)).findFirst().orElse(null);
    }

    @Test
    void reportsItsContainersAtStartAndOnEveryChange() {
        String existing = runtime.put(NODE, "web-0", ContainerState.RUNNING);
        runtime.put("other-node", "web-1", ContainerState.RUNNING);
        spawnAgent("");
        AgentReport first = settled();
        assertEquals(NODE, first.nodeId());
        assertEquals(List.of("web-0"), first.containers().stream().map(ContainerInfo::instanceId).toList());
        assertEquals(existing, first.containers().get(0).containerId());
        assertEquals(4, first.credits());
        assertEquals(4, first.maxCredits());
        assertEquals(List.of("blackstart/testapp:1"), first.load().images());
        assertFalse(first.gcHeld());

        runtime.setState("web-0", ContainerState.STOPPED);
        AgentReport stopped = awaitReport(gateway, r -> find(r, "web-0").state() == ContainerState.STOPPED);
        assertTrue(stopped.seq() > first.seq());
        assertTrue(find(stopped, "web-0").stateSinceMillis() > 0, "the change time is known");
    }

    @Test
    void startsAreBoundedAndExcessIsRejected() {
        spawnAgent("max-concurrent-starts = 2\nmax-credits = 2");
        ActorRef<AgentCommand> agent = settled().agent();
        TestProbe<AgentEvent> replies = testKit.createTestProbe(AgentEvent.class);
        runtime.hold();
        for (int i = 0; i < 5; i++) {
            agent.tell(start("app-" + i, 1, 30, replies.ref()));
        }
        List<StartOutcome> rejected = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            rejected.add((StartOutcome) replies.receiveMessage(WAIT));
        }
        assertTrue(rejected.stream().allMatch(o -> o.result() == StartResult.REJECTED), rejected.toString());
        AgentReport busy = awaitReport(gateway, r -> r.startsInFlight() == 2);
        assertEquals(0, busy.credits(), "both slots are taken");
        assertEquals(2, busy.maxCredits());

        runtime.release();
        Set<String> started = new HashSet<>();
        for (int i = 0; i < 2; i++) {
            StartOutcome o = (StartOutcome) replies.receiveMessage(WAIT);
            assertEquals(StartResult.STARTED, o.result(), o.toString());
            assertNotNull(o.containerId());
            assertEquals(7, o.assignment());
            started.add(o.instanceId());
        }
        assertEquals(Set.of("app-0", "app-1"), started);
        assertEquals(2, runtime.maxInFlight.get(), "never more than the bound in the engine");
        awaitReport(gateway, r -> r.startsInFlight() == 0 && r.containers().size() == 2);
    }

    @Test
    void aDuplicateStartDuringTheStartIsNotStartedTwice() {
        spawnAgent("");
        ActorRef<AgentCommand> agent = settled().agent();
        TestProbe<AgentEvent> replies = testKit.createTestProbe(AgentEvent.class);
        runtime.hold();
        agent.tell(start("db-0", 1, 30, replies.ref()));
        agent.tell(start("db-0", 2, 30, replies.ref()));
        awaitReport(gateway, r -> r.startsInFlight() == 1);
        replies.expectNoMessage(Duration.ofMillis(200));
        runtime.release();
        StartOutcome a = (StartOutcome) replies.receiveMessage(WAIT);
        StartOutcome b = (StartOutcome) replies.receiveMessage(WAIT);
        assertEquals(StartResult.STARTED, a.result());
        assertEquals(StartResult.STARTED, b.result());
        assertEquals(a.containerId(), b.containerId());
        assertEquals(Set.of(1, 2), Set.of(a.attempt(), b.attempt()));
        assertEquals(1, runtime.creates.get());
        assertEquals(1, runtime.starts.get());

        // and once it runs, a further start is answered from what the agent sees, without touching the engine
        awaitReport(gateway, r -> find(r, "db-0") != null && find(r, "db-0").state() == ContainerState.RUNNING);
        agent.tell(start("db-0", 3, 30, replies.ref()));
        StartOutcome c = (StartOutcome) replies.receiveMessage(WAIT);
        assertEquals(StartResult.STARTED, c.result());
        assertEquals(a.containerId(), c.containerId());
        assertEquals(1, runtime.starts.get());
    }

    @Test
    void anExistingStoppedContainerIsRestartedNotRecreated() {
        String old = runtime.put(NODE, "web-3", ContainerState.STOPPED);
        spawnAgent("");
        ActorRef<AgentCommand> agent = settled().agent();
        TestProbe<AgentEvent> replies = testKit.createTestProbe(AgentEvent.class);
        agent.tell(start("web-3", 1, 30, replies.ref()));
        StartOutcome o = (StartOutcome) replies.receiveMessage(WAIT);
        assertEquals(StartResult.STARTED, o.result(), o.toString());
        assertEquals(old, o.containerId());
        assertEquals(0, runtime.creates.get());
        assertEquals(1, runtime.starts.get());
        AgentReport r = awaitReport(gateway, rep -> find(rep, "web-3").state() == ContainerState.RUNNING);
        assertEquals(old, find(r, "web-3").containerId());
    }

    @Test
    void aStartBeyondItsTimeoutIsTimedOutAndKeepsItsSlot() {
        spawnAgent("max-concurrent-starts = 1\nmax-credits = 1");
        ActorRef<AgentCommand> agent = settled().agent();
        TestProbe<AgentEvent> replies = testKit.createTestProbe(AgentEvent.class);
        runtime.hang("slow-0");
        agent.tell(start("slow-0", 1, 1, replies.ref()));
        StartOutcome o = (StartOutcome) replies.receiveMessage(Duration.ofSeconds(4));
        assertEquals(StartResult.TIMED_OUT, o.result(), o.toString());
        assertTrue(o.durationMillis() >= 900, o.toString());
        // the engine still works on it: no second start gets in
        agent.tell(start("other-0", 1, 30, replies.ref()));
        assertEquals(StartResult.REJECTED, ((StartOutcome) replies.receiveMessage(WAIT)).result());
    }

    @Test
    void changesAreCoalescedAndAHeartbeatFollowsSilence() {
        spawnAgent("report-min-interval = 400ms\nheartbeat-interval = 1s");
        AgentReport base = settled();
        long t0 = System.nanoTime();
        for (int i = 0; i < 10; i++) {
            runtime.put(NODE, "burst-" + i, ContainerState.RUNNING);
            runtime.setState("burst-" + i, ContainerState.RUNNING);
        }
        List<AgentReport> reports = new ArrayList<>();
        AgentReport last = base;
        while (last.containers().size() < 10) {
            AgentReport raw = (AgentReport) gateway.receiveMessage(WAIT);
            assertTrue(raw.delta(), "between full reports only what changed is sent");
            last = complete(gateway, raw);
            reports.add(last);
        }
        assertTrue(reports.size() <= 2, "10 changes within the min interval gave " + reports.size() + " reports");
        assertTrue(System.nanoTime() - t0 >= Duration.ofMillis(300).toNanos(), "the first change report waits");

        // nothing changes now: the next report is the heartbeat, about 1 s later, with the same content
        long quietSince = System.nanoTime();
        AgentReport raw = (AgentReport) gateway.receiveMessage(Duration.ofSeconds(3));
        long waited = Duration.ofNanos(System.nanoTime() - quietSince).toMillis();
        assertTrue(raw.delta() && raw.containers().isEmpty() && raw.gone().isEmpty(),
                "a heartbeat with nothing changed lists no container: " + raw);
        AgentReport heartbeat = complete(gateway, raw);
        assertTrue(waited >= 800, "heartbeat after " + waited + " ms");
        assertEquals(last.containers(), heartbeat.containers());
        assertTrue(heartbeat.seq() > last.seq());
    }

    @Test
    void creditsFollowTheHostLoad() {
        spawnAgent("");
        assertEquals(4, settled().credits());
        probes.reading.set(new HostReading(8, 16_384, 12_000, 0.95, 0.0, 7.5));
        // nothing in flight: the progress floor still grants one start at a time
        AgentReport hot = awaitReport(gateway, r -> r.load().cpuPressure() == 0.95);
        assertEquals(1, hot.credits(), "progress floor under high pressure");
        probes.reading.set(new HostReading(8, 16_384, 400, 0.0, 0.0, 0.1));
        AgentReport poor = awaitReport(gateway, r -> r.load().memoryAvailableMb() == 400);
        assertEquals(1, poor.credits(), "(400 - 256 reserve) / 128 per start");
        probes.reading.set(FakeProbes.CALM);
        awaitReport(gateway, r -> r.credits() == 4);
    }

    @Test
    void deltasBetweenFullReportsAndAFullOneAfterARequestAndEveryFullReportInterval() {
        runtime.put(NODE, "web-0", ContainerState.RUNNING);
        spawnAgent("report-min-interval = 50ms\nheartbeat-interval = 300ms\nfull-report-interval = 2s");
        AgentReport base = settled();
        assertEquals(1, base.containers().size());

        runtime.put(NODE, "web-1", ContainerState.RUNNING);
        runtime.setState("web-1", ContainerState.RUNNING); // the event
        AgentReport raw = (AgentReport) gateway.fishForMessage(WAIT, "the delta with web-1", e -> e instanceof
                AgentReport r && !complete(gateway, r).containers().equals(base.containers())
                ? org.apache.pekko.actor.testkit.typed.javadsl.FishingOutcomes.complete()
                : org.apache.pekko.actor.testkit.typed.javadsl.FishingOutcomes.continueAndIgnore()).get(0);
        assertTrue(raw.delta());
        assertEquals(List.of("web-1"), raw.containers().stream().map(ContainerInfo::instanceId).toList(),
                "only the new container");

        // a RequestReport is answered with a full report, and the gateway's next report is full as well (the
        // answer travels another way and may arrive after it)
        TestProbe<AgentEvent> asker = testKit.createTestProbe(AgentEvent.class);
        raw.agent().tell(new AgentCommand.RequestReport(asker.ref()));
        AgentReport answer = asker.expectMessageClass(AgentReport.class, WAIT);
        assertFalse(answer.delta());
        assertEquals(Set.of("web-0", "web-1"), answer.containers().stream().map(ContainerInfo::instanceId)
                .collect(java.util.stream.Collectors.toSet()));
        AgentReport next = (AgentReport) gateway.receiveMessage(WAIT);
        assertFalse(next.delta(), "the next report to the gateway after an answer elsewhere is full");
        assertEquals(answer.seq() + 1, next.seq());
        assertEquals(2, next.containers().size());
        complete(gateway, next);

        // with nothing changing, heartbeats are empty deltas, and a full report comes every full-report-interval
        long since = System.nanoTime();
        AgentReport full = (AgentReport) gateway.fishForMessage(Duration.ofSeconds(5), "a periodic full report",
                e -> e instanceof AgentReport r && !r.delta()
                        ? org.apache.pekko.actor.testkit.typed.javadsl.FishingOutcomes.complete()
                        : org.apache.pekko.actor.testkit.typed.javadsl.FishingOutcomes.continueAndIgnore()).get(0);
        assertTrue(Duration.ofNanos(System.nanoTime() - since).toMillis() >= 1000, "not before the interval");
        assertEquals(2, full.containers().size());
    }

    @Test
    void reportsGoToTheFirstGatewayByPathAndARequestIsAnswered() {
        TestProbe<AgentEvent> second = testKit.createTestProbe(AgentEvent.class);
        spawnAgent("");
        AgentReport r = settled();
        testKit.system().receptionist().tell(Receptionist.register(NodeAgent.GATEWAY_KEY, second.ref()));
        TestProbe<AgentEvent> first = List.of(gateway, second).stream()
                .min(Comparator.comparing(p -> p.ref().path().toString())).orElseThrow();
        TestProbe<AgentEvent> other = first == gateway ? second : gateway;
        // the gateway set changed: a full report goes to the chosen one at once
        AgentReport resent = awaitReport(first, rep -> rep.seq() > r.seq());
        assertEquals(r.containers(), resent.containers());
        if (other == second) {
            other.expectNoMessage(Duration.ofMillis(300));
        }

        TestProbe<AgentEvent> asker = testKit.createTestProbe(AgentEvent.class);
        r.agent().tell(new AgentCommand.RequestReport(asker.ref()));
        AgentReport answer = asker.expectMessageClass(AgentReport.class, WAIT);
        assertEquals(NODE, answer.nodeId());
    }

    @Test
    void stopRemovesTheContainer() {
        runtime.put(NODE, "web-0", ContainerState.RUNNING);
        spawnAgent("");
        ActorRef<AgentCommand> agent = settled().agent();
        TestProbe<AgentEvent> replies = testKit.createTestProbe(AgentEvent.class);
        agent.tell(new AgentCommand.StopInstance("web-0", "test", replies.ref()));
        AgentEvent.StopOutcome o = replies.expectMessageClass(AgentEvent.StopOutcome.class, WAIT);
        assertTrue(o.stopped());
        assertTrue(runtime.container("web-0").isEmpty());
        awaitReport(gateway, r -> r.containers().isEmpty());
        agent.tell(new AgentCommand.StopInstance("web-0", "again", replies.ref()));
        assertTrue(replies.expectMessageClass(AgentEvent.StopOutcome.class, WAIT).stopped(), "idempotent");
    }

    @Test
    void imageGcIsHeldInRecoveryModeAndResumesAfter() {
        runtime.unused = List.of("old/app:1", "old/app:2");
        spawnAgent("image-gc.threshold-percent = 90");
        ActorRef<AgentCommand> agent = settled().agent();
        agent.tell(new AgentCommand.SetRecoveryMode(true));
        awaitReport(gateway, AgentReport::gcHeld);

        probes.diskUsedPercent.set(97.0);
        int reads = probes.diskReads.get();
        Await.until("three disk checks over the threshold", WAIT, () -> probes.diskReads.get() >= reads + 3);
        assertEquals(List.of(), runtime.removedImages, "no removal while held");

        agent.tell(new AgentCommand.SetRecoveryMode(false));
        Await.until("unused images removed", WAIT, () -> runtime.removedImages.size() == 2);
        assertEquals(List.of("old/app:1", "old/app:2"), runtime.removedImages);
        awaitReport(gateway, r -> !r.gcHeld());
    }

    @Test
    void imageGcLeavesImagesAloneBelowTheThreshold() {
        runtime.unused = List.of("old/app:1");
        spawnAgent("");
        settled();
        int reads = probes.diskReads.get();
        Await.until("three disk checks", WAIT, () -> probes.diskReads.get() >= reads + 3);
        assertEquals(List.of(), runtime.removedImages);
    }


    @Test
    void aBrokenEventStreamIsReconnectedAndTheStateRepaired() {
        runtime.put(NODE, "web-0", ContainerState.RUNNING);
        spawnAgent("");
        settled();
        int before = runtime.subscriptions.get();
        runtime.breakStreams();
        runtime.setStateQuietly("web-0", ContainerState.STOPPED);
        AgentReport repaired = awaitReport(gateway, r -> find(r, "web-0").state() == ContainerState.STOPPED);
        assertTrue(runtime.subscriptions.get() > before, "subscribed again");
        assertEquals(1, repaired.containers().size());
    }

    @Test
    void aMissingImageIsPulledAndThePullCountsAgainstCredits() {
        runtime.missingImages.add("blackstart/testapp:1");
        runtime.pullGate = new java.util.concurrent.CompletableFuture<>();
        spawnAgent("");
        ActorRef<AgentCommand> agent = settled().agent();
        TestProbe<AgentEvent> replies = testKit.createTestProbe(AgentEvent.class);
        agent.tell(start("new-0", 1, 30, replies.ref()));
        AgentReport pulling = awaitReport(gateway, r -> r.load().pullsInFlight() == 1);
        assertEquals(1, pulling.startsInFlight());
        assertEquals(2, pulling.credits(), "a start that pulls takes two of four slots");
        runtime.pullGate.complete(null);
        StartOutcome o = (StartOutcome) replies.receiveMessage(WAIT);
        assertEquals(StartResult.STARTED, o.result(), o.toString());
        assertEquals(1, runtime.pulls.get());
        assertEquals(1, runtime.creates.get());
        awaitReport(gateway, r -> r.load().pullsInFlight() == 0 && r.startsInFlight() == 0);
    }

    @Test
    void aHostDiagnosisIsAnsweredWithTheEnginesFactsAndTwoClockReadings() {
        spawnAgent("");
        ActorRef<AgentCommand> agent = settled().agent();
        TestProbe<AgentEvent> asker = testKit.createTestProbe(AgentEvent.class);

        long sent = System.currentTimeMillis();
        agent.tell(new AgentCommand.DiagnoseHost(41, asker.ref()));
        AgentEvent.HostDiagnosis d = asker.expectMessageClass(AgentEvent.HostDiagnosis.class, WAIT);
        long answered = System.currentTimeMillis();

        assertEquals(NODE, d.nodeId());
        assertEquals(41, d.requestId());
        assertEquals(runtime.diagnosis, d.docker());
        assertTrue(sent <= d.agentReceivedMillis() && d.agentReceivedMillis() <= d.agentRepliedMillis()
                && d.agentRepliedMillis() <= answered, sent + " " + d + " " + answered);
    }

    @Test
    void requestsDuringADiagnosisShareItAndAHungEngineIsAnsweredWithinTheTimeout() {
        spawnAgent("host-diagnosis-timeout = 400ms");
        ActorRef<AgentCommand> agent = settled().agent();
        TestProbe<AgentEvent> asker = testKit.createTestProbe(AgentEvent.class);
        CompletableFuture<Void> engine = new CompletableFuture<>();
        runtime.diagnosisGate = engine;

        long t0 = System.nanoTime();
        agent.tell(new AgentCommand.DiagnoseHost(1, asker.ref()));
        agent.tell(new AgentCommand.DiagnoseHost(2, asker.ref()));
        List<AgentEvent.HostDiagnosis> hung = List.of(
                asker.expectMessageClass(AgentEvent.HostDiagnosis.class, WAIT),
                asker.expectMessageClass(AgentEvent.HostDiagnosis.class, WAIT));
        long waited = (System.nanoTime() - t0) / 1_000_000;
        assertEquals(Set.of(1L, 2L), Set.of(hung.get(0).requestId(), hung.get(1).requestId()));
        for (AgentEvent.HostDiagnosis d : hung) {
            assertFalse(d.docker().reachable());
            assertEquals("no answer from the Docker engine within 400 ms", d.docker().error());
        }
        assertTrue(waited >= 400 && waited < 3000, "answered after " + waited + " ms");
        assertEquals(1, runtime.diagnoses.get(), "one Docker call for both requests");

        // while the hung call has not ended, no second one is started and requests are answered at once
        agent.tell(new AgentCommand.DiagnoseHost(3, asker.ref()));
        AgentEvent.HostDiagnosis stuck = asker.expectMessageClass(AgentEvent.HostDiagnosis.class, WAIT);
        assertTrue(stuck.docker().error().startsWith("the Docker engine has not answered a diagnosis for "),
                stuck.docker().error());
        assertEquals(1, runtime.diagnoses.get());

        // once the engine answers again, the next request gets a fresh diagnosis
        runtime.diagnosis = EngineDiagnosis.unreachable("the Docker engine does not answer: connection refused", 2);
        engine.complete(null);
        Await.until("a fresh diagnosis", WAIT, () -> {
            agent.tell(new AgentCommand.DiagnoseHost(4, asker.ref()));
            AgentEvent.HostDiagnosis d = asker.expectMessageClass(AgentEvent.HostDiagnosis.class, WAIT);
            return d.docker().error().endsWith("connection refused");
        });
        assertEquals(2, runtime.diagnoses.get());
    }
}
