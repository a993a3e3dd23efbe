package io.blackstart.agent;

import io.blackstart.testsupport.DockerEngine;
import io.blackstart.protocol.wire.AgentCommand;
import io.blackstart.protocol.wire.AgentEvent;
import io.blackstart.protocol.wire.AgentEvent.AgentReport;
import io.blackstart.protocol.wire.AgentEvent.StartOutcome;
import io.blackstart.protocol.wire.ContainerInfo;
import io.blackstart.protocol.wire.ContainerState;
import io.blackstart.protocol.wire.StartResult;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.FishingOutcomes;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.actor.typed.receptionist.Receptionist;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Map;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import static io.blackstart.agent.TestConfigs.spec;
import static io.blackstart.agent.DockerCli.docker;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The agent with the real {@link DockerJavaRuntime} against the local Docker engine. Each test uses its own node ids
 * ({@code it-<random>}), so it only sees its own containers, and removes them afterwards. Image GC is kept away from
 * the real engine by a disk probe that reads 0%.
 */
@Tag("docker")
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class DockerAgentTest {

    private static final String IMAGE = DockerEngine.TEST_IMAGE;
    private static final Duration WAIT = Duration.ofSeconds(15);

    private static ActorTestKit testKit;
    private static DockerJavaRuntime runtime;

    private final List<String> nodeIds = new ArrayList<>();
    private final List<ActorRef<NodeAgent.Command>> agents = new ArrayList<>();
    private TestProbe<AgentEvent> gateway;
    private final ReportViews views = new ReportViews();

    @BeforeAll
    static void setUpAll() throws Exception {
        DockerEngine.requireTestImage();
        testKit = ActorTestKit.create(TestConfigs.local());
        runtime = new DockerJavaRuntime(TestConfigs.settings("it-runtime", ""), testKit.system().dispatchers()
                .lookup(DispatcherSelector.fromConfig(AgentSettings.DOCKER_DISPATCHER)));
    }

    @AfterAll
    static void tearDownAll() {
        if (testKit != null) {
            testKit.shutdownTestKit();
        }
        if (runtime != null) {
            runtime.close();
        }
    }

    @BeforeEach
    void setUp() {
        gateway = testKit.createTestProbe(AgentEvent.class);
        testKit.system().receptionist().tell(Receptionist.register(NodeAgent.GATEWAY_KEY, gateway.ref()));
    }

    @AfterEach
    void removeContainers() throws Exception {
        testKit.system().receptionist().tell(Receptionist.deregister(NodeAgent.GATEWAY_KEY, gateway.ref()));
        agents.forEach(testKit::stop);
        for (String nodeId : nodeIds) {
            for (String id : docker("ps", "-aq", "--filter", "label=io.blackstart.node=" + nodeId).split("\\s+")) {
                if (!id.isBlank()) {
                    docker("rm", "-f", id);
                }
            }
        }
    }

    private String newNodeId() {
        String id = "it-" + UUID.randomUUID().toString().substring(0, 8);
        nodeIds.add(id);
        return id;
    }

    private ActorRef<AgentCommand> spawnAgent(String nodeId) {
        FakeProbes disk = new FakeProbes();
        disk.diskUsedPercent.set(0.0);
        agents.add(testKit.spawn(NodeAgent.create(TestConfigs.settings(nodeId, ""), runtime,
                new ProcfsHostProbe(java.nio.file.Path.of("/proc")), disk)));
        return awaitReport(nodeId, r -> true).agent();
    }

    private AgentReport awaitReport(String nodeId, Predicate<AgentReport> matches) {
        AgentReport[] match = new AgentReport[1];
        gateway.fishForMessage(WAIT, "a matching report of " + nodeId, event -> {
            if (!(event instanceof AgentReport r)) {
                return FishingOutcomes.continueAndIgnore();
            }
            AgentReport complete = views.complete(r); // every report, so that deltas apply on their base
            if (r.nodeId().equals(nodeId) && matches.test(complete)) {
                match[0] = complete;
                return FishingOutcomes.complete();
            }
            return FishingOutcomes.continueAndIgnore();
        });
        return match[0];
    }

    private static ContainerInfo find(AgentReport report, String instanceId) {
        return report.containers().stream().filter(c -> c.instanceId().equals(instanceId)).findFirst().orElse(null);
    }

    private static AgentCommand.StartInstance start(String instanceId, int attempt, ActorRef<AgentEvent> replyTo) {
        return new AgentCommand.StartInstance(instanceId, instanceId.substring(0, instanceId.lastIndexOf('-')),
                spec(30), 1, attempt, replyTo);
    }

    @Test
    void createsReportsSeesAKillAndRestartsTheSameContainer() throws Exception {
        String node = newNodeId();
        ActorRef<AgentCommand> agent = spawnAgent(node);
        TestProbe<AgentEvent> replies = testKit.createTestProbe(AgentEvent.class);
        String instance = node + "-app-0";

        agent.tell(start(instance, 1, replies.ref()));
        StartOutcome first = replies.expectMessageClass(StartOutcome.class, WAIT);
        assertEquals(StartResult.STARTED, first.result(), first.toString());
        String containerId = first.containerId();
        assertNotNull(containerId);

        String inspected = docker("inspect", "-f",
                "{{.Name}}|{{index .Config.Labels \"io.blackstart.app\"}}|{{index .Config.Labels \"io.blackstart.instance\"}}"
                        + "|{{index .Config.Labels \"io.blackstart.node\"}}|{{.HostConfig.Memory}}|{{.HostConfig.NanoCpus}}"
                        + "|{{.State.Running}}|{{.HostConfig.RestartPolicy.Name}}", containerId).strip();
        // the engine's restart policy "no" may be spelled "" (the API's default) or "no"
        assertTrue(inspected.equals("/bs-" + instance + "|" + node + "-app|" + instance + "|" + node + "|" + (64L << 20)
                + "|200000000|true|") || inspected.endsWith("|true|no"), inspected);

        AgentReport running = awaitReport(node, r -> find(r, instance) != null
                && find(r, instance).state() == ContainerState.RUNNING);
        assertEquals(containerId, find(running, instance).containerId());
        assertEquals(IMAGE, find(running, instance).image());

        docker("kill", "bs-" + instance);
        AgentReport stopped = awaitReport(node, r -> find(r, instance) != null
                && find(r, instance).state() == ContainerState.STOPPED);
        assertEquals(containerId, find(stopped, instance).containerId());

        agent.tell(start(instance, 2, replies.ref()));
        StartOutcome second = replies.expectMessageClass(StartOutcome.class, WAIT);
        assertEquals(StartResult.STARTED, second.result(), second.toString());
        assertEquals(containerId, second.containerId(), "the same container is restarted");
        awaitReport(node, r -> find(r, instance) != null && find(r, instance).state() == ContainerState.RUNNING);
        assertEquals(1, docker("ps", "-aq", "--filter", "name=^/bs-" + instance + "$").strip().lines().count());
    }

    @Test
    void twoAgentsOnOneEngineSeeOnlyTheirOwnContainers() throws Exception {
        String nodeA = newNodeId();
        String nodeB = newNodeId();
        ActorRef<AgentCommand> a = spawnAgent(nodeA);
        ActorRef<AgentCommand> b = spawnAgent(nodeB);
        TestProbe<AgentEvent> replies = testKit.createTestProbe(AgentEvent.class);

        a.tell(start(nodeA + "-x-0", 1, replies.ref()));
        assertEquals(StartResult.STARTED, replies.expectMessageClass(StartOutcome.class, WAIT).result());
        b.tell(start(nodeB + "-y-0", 1, replies.ref()));
        assertEquals(StartResult.STARTED, replies.expectMessageClass(StartOutcome.class, WAIT).result());

        Map<String, AgentReport> latest = new HashMap<>();
        gateway.fishForMessage(WAIT, "reports of both nodes with their container", event -> {
            if (event instanceof AgentReport r) {
                latest.put(r.nodeId(), views.complete(r));
            }
            boolean both = latest.containsKey(nodeA) && latest.get(nodeA).containers().size() == 1
                    && latest.containsKey(nodeB) && latest.get(nodeB).containers().size() == 1;
            return both ? FishingOutcomes.complete() : FishingOutcomes.continueAndIgnore();
        });
        assertEquals(nodeA + "-x-0", latest.get(nodeA).containers().get(0).instanceId());
        assertEquals(nodeB + "-y-0", latest.get(nodeB).containers().get(0).instanceId());

        // B must not take over A's container for the same instance name: a clear failure, no second container
        b.tell(start(nodeA + "-x-0", 1, replies.ref()));
        StartOutcome taken = replies.expectMessageClass(StartOutcome.class, WAIT);
        assertEquals(StartResult.FAILED, taken.result());
        assertTrue(taken.detail().contains(nodeA), taken.detail());
        AgentReport requested = requestReport(b);
        assertEquals(List.of(nodeB + "-y-0"), requested.containers().stream().map(ContainerInfo::instanceId).toList());
    }

    private AgentReport requestReport(ActorRef<AgentCommand> agent) {
        TestProbe<AgentEvent> asker = testKit.createTestProbe(AgentEvent.class);
        agent.tell(new AgentCommand.RequestReport(asker.ref()));
        return asker.expectMessageClass(AgentReport.class, WAIT);
    }

    @Test
    void theAdapterReusesAnExistingContainerAndStopsAndRemoves() throws Exception {
        String node = newNodeId();
        String instance = node + "-z-0";
        EngineInfo engine = runtime.version().toCompletableFuture().get(15, TimeUnit.SECONDS);
        assertTrue(engine.apiVersion().startsWith("1."), engine.toString());
        assertTrue(runtime.listImages().toCompletableFuture().get(15, TimeUnit.SECONDS).contains(IMAGE));

        String first = runtime.createAndStart(node, instance, node + "-z", spec(30))
                .toCompletableFuture().get(15, TimeUnit.SECONDS);
        docker("kill", first);
        String again = runtime.createAndStart(node, instance, node + "-z", spec(30))
                .toCompletableFuture().get(15, TimeUnit.SECONDS);
        assertEquals(first, again, "a name conflict reuses the node's own container");
        assertEquals(ContainerState.RUNNING, runtime.find(node, instance).toCompletableFuture()
                .get(15, TimeUnit.SECONDS).orElseThrow().state());
        assertTrue(runtime.unusedImages().toCompletableFuture().get(15, TimeUnit.SECONDS).stream()
                .noneMatch(IMAGE::equals), "an image a container uses is never a GC candidate");

        assertTrue(runtime.stopAndRemove(node, instance, Duration.ofSeconds(1)).toCompletableFuture()
                .get(15, TimeUnit.SECONDS));
        assertTrue(runtime.list(node).toCompletableFuture().get(15, TimeUnit.SECONDS).isEmpty());
        assertEquals(false, runtime.stopAndRemove(node, instance, Duration.ofSeconds(1)).toCompletableFuture()
                .get(15, TimeUnit.SECONDS));
    }

    @Test
    void aMissingImageFailsWithItsName() {
        String node = newNodeId();
        var failure = runtime.createAndStart(node, node + "-m-0", node + "-m",
                        new io.blackstart.protocol.wire.ContainerSpec("blackstart/absent:0", List.of("/bin/true"),
                                null, 16, 0.1, 10))
                .toCompletableFuture().handle((id, error) -> error).join();
        assertNotNull(failure);
        assertTrue(failure.getCause() instanceof ImageMissingException, String.valueOf(failure));
    }

    @Test
    void aDiagnosisShowsWhatTheDockerCliShows() throws Exception {
        io.blackstart.protocol.wire.EngineDiagnosis d = runtime.diagnose().toCompletableFuture().get(15, TimeUnit.SECONDS);

        assertTrue(d.reachable(), d.toString());
        assertEquals(docker("version", "--format", "{{.Server.Version}}").strip(), d.version());
        assertEquals(docker("version", "--format", "{{.Server.APIVersion}}").strip(), d.apiVersion());
        assertEquals(docker("info", "--format", "{{.Driver}}").strip(), d.storageDriver());
        assertEquals(docker("info", "--format", "{{.DockerRootDir}}").strip(), d.dataRoot());
        assertTrue(d.diskKnown() && d.freeBytes() <= d.totalBytes(), d.toString());
        assertEquals("", d.error());
    }

    @Test
    void aDiagnosisOfAnEngineThatIsNotThereSaysWhy() throws Exception {
        DockerJavaRuntime absent = new DockerJavaRuntime(TestConfigs.settings("it-absent",
                "docker-host = \"unix:///nonexistent/docker.sock\"\nhost-diagnosis-timeout = 1s"),
                testKit.system().dispatchers().lookup(DispatcherSelector.fromConfig(AgentSettings.DOCKER_DISPATCHER)));
        try {
            io.blackstart.protocol.wire.EngineDiagnosis d = absent.diagnose().toCompletableFuture()
                    .get(15, TimeUnit.SECONDS);
            assertTrue(!d.reachable() && d.error().startsWith("the Docker engine does not answer"), d.toString());
        } finally {
            absent.close();
        }
    }
}
