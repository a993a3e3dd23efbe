package io.blackstart.agent;

import io.blackstart.testsupport.DockerEngine;
import io.blackstart.protocol.HealthCheck;
import io.blackstart.protocol.wire.AgentCommand;
import io.blackstart.protocol.wire.AgentEvent;
import io.blackstart.protocol.wire.AgentEvent.AgentReport;
import io.blackstart.protocol.wire.AgentEvent.StartOutcome;
import io.blackstart.protocol.wire.ContainerHealth;
import io.blackstart.protocol.wire.ContainerInfo;
import io.blackstart.protocol.wire.ContainerSpec;
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
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static io.blackstart.agent.DockerCli.docker;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Readiness probes against real containers on the local engine: the agent's own exec, tcp and http probes of an
 * app's {@code health} check, and an image's Docker {@code HEALTHCHECK}. Each app is not ready at first and becomes
 * ready (or never does) on its own schedule; the test follows the health the agent reports for its container.
 */
@Tag("docker")
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class HealthProbeDockerTest {

    private static final String IMAGE = DockerEngine.TEST_IMAGE;
    private static final String CHECKED_IMAGE = "blackstart/testapp-healthcheck:1";
    private static final Duration WAIT = Duration.ofSeconds(30);

    private static ActorTestKit testKit;
    private static DockerJavaRuntime runtime;

    private final ReportViews views = new ReportViews();
    private TestProbe<AgentEvent> gateway;
    private String nodeId;
    private ActorRef<NodeAgent.Command> agentActor;
    private ActorRef<AgentCommand> agent;

    @BeforeAll
    static void setUpAll() throws Exception {
        DockerEngine.requireTestImage();
        // an image with its own HEALTHCHECK, built locally from the test image (no registry)
        if (docker("images", "-q", CHECKED_IMAGE).isBlank()) {
            Process build = new ProcessBuilder("docker", "build", "-t", CHECKED_IMAGE, "-")
                    .redirectErrorStream(true).start();
            build.getOutputStream().write(("FROM " + IMAGE + "\n"
                    + "HEALTHCHECK --interval=1s --timeout=1s --retries=2 CMD test -f /tmp/ready\n")
                    .getBytes(StandardCharsets.UTF_8));
            build.getOutputStream().close();
            String out = new String(build.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(build.waitFor(120, TimeUnit.SECONDS) && build.exitValue() == 0, "docker build: " + out);
        }
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
        nodeId = "it-" + UUID.randomUUID().toString().substring(0, 8);
        FakeProbes disk = new FakeProbes();
        disk.diskUsedPercent.set(0.0);
        agentActor = testKit.spawn(NodeAgent.create(TestConfigs.settings(nodeId, ""), runtime,
                new ProcfsHostProbe(java.nio.file.Path.of("/proc")), disk));
        agent = awaitHealth("", null).agent;
    }

    @AfterEach
    void tearDown() throws Exception {
        testKit.system().receptionist().tell(Receptionist.deregister(NodeAgent.GATEWAY_KEY, gateway.ref()));
        testKit.stop(agentActor);
        for (String id : docker("ps", "-aq", "--filter", "label=io.blackstart.node=" + nodeId).split("\\s+")) {
            if (!id.isBlank()) {
                docker("rm", "-f", id);
            }
        }
    }

    /** The healths reported for an instance, in order (repeats collapsed), up to the first {@code until}. */
    private record Seen(ActorRef<AgentCommand> agent, List<ContainerHealth> healths, String detail, long atNanos) {
    }

    private Seen awaitHealth(String instanceId, ContainerHealth until) {
        List<ContainerHealth> healths = new ArrayList<>();
        Seen[] seen = new Seen[1];
        gateway.fishForMessage(WAIT, instanceId + " reported " + until + " (seen " + healths + ")", event -> {
            if (!(event instanceof AgentReport r) || !r.nodeId().equals(nodeId)) {
                return FishingOutcomes.continueAndIgnore();
            }
            AgentReport complete = views.complete(r);
            if (until == null) {
                seen[0] = new Seen(complete.agent(), healths, null, System.nanoTime());
                return FishingOutcomes.complete();
            }
            ContainerInfo c = complete.containers().stream().filter(x -> x.instanceId().equals(instanceId))
                    .findFirst().orElse(null);
            if (c == null || c.state() != io.blackstart.protocol.wire.ContainerState.RUNNING) {
                return FishingOutcomes.continueAndIgnore(); // created, not started yet
            }
            if (healths.isEmpty() || healths.get(healths.size() - 1) != c.health()) {
                healths.add(c.health());
            }
            if (c.health() == until) {
                seen[0] = new Seen(complete.agent(), healths, c.healthDetail(), System.nanoTime());
                return FishingOutcomes.complete();
            }
            return FishingOutcomes.continueAndIgnore();
        });
        return seen[0];
    }

    private StartOutcome start(String instanceId, String image, List<String> command, HealthCheck check) {
        TestProbe<AgentEvent> replies = testKit.createTestProbe(AgentEvent.class);
        agent.tell(new AgentCommand.StartInstance(instanceId, instanceId.substring(0, instanceId.lastIndexOf('-')),
                new ContainerSpec(image, command, Map.of(), 64, 0.2, 30, check), 1, 1, replies.ref()));
        StartOutcome o = replies.expectMessageClass(StartOutcome.class, WAIT);
        assertEquals(StartResult.STARTED, o.result(), o.toString());
        return o;
    }

    private static HealthCheck fast(HealthCheck c) {
        return c.withTimings(1, 1, 2, 0);
    }

    @Test
    void aTcpCheckPassesOnlyOnceThePortAcceptsConnections() {
        long t0 = System.nanoTime();
        StartOutcome o = start("db-0", IMAGE, List.of("/bin/sh", "-c",
                "sleep 3; while true; do nc -l -p 5432 < /dev/null; done"), HealthCheck.tcp(5432).withTimings(1, 1, 2, 10));
        assertEquals(ContainerHealth.STARTING, o.health(), "a checked container is not ready when it starts");
        Seen ready = awaitHealth("db-0", ContainerHealth.HEALTHY);
        assertEquals(List.of(ContainerHealth.STARTING, ContainerHealth.HEALTHY), ready.healths());
        assertTrue(ready.atNanos() - t0 >= TimeUnit.SECONDS.toNanos(3), "ready before the port listened");
        assertTrue(ready.detail().startsWith("connected to ") && ready.detail().endsWith(":5432"), ready.detail());
    }

    @Test
    void anHttpCheckPassesOn200AndAMissingPathNeverPasses() {
        String serve = "mkdir -p /www && echo ok > /www/index.html && exec httpd -f -p 8080 -h /www";
        start("web-0", IMAGE, List.of("/bin/sh", "-c", serve), fast(HealthCheck.http(8080, "/index.html")));
        Seen ready = awaitHealth("web-0", ContainerHealth.HEALTHY);
        assertTrue(ready.detail().endsWith(":8080/index.html: HTTP 200"), ready.detail());

        start("api-0", IMAGE, List.of("/bin/sh", "-c", serve), fast(HealthCheck.http(8080, "/ready")));
        Seen broken = awaitHealth("api-0", ContainerHealth.UNHEALTHY);
        assertEquals(List.of(ContainerHealth.STARTING, ContainerHealth.UNHEALTHY), broken.healths());
        assertTrue(broken.detail().endsWith(":8080/ready: HTTP 404"), broken.detail());
    }

    @Test
    void anExecCheckRunsInsideTheContainerAndReportsItsOutputWhenItFails() {
        start("queue-0", IMAGE, List.of("/bin/sh", "-c", "sleep 2; touch /tmp/ready; exec sleep 100000"),
                HealthCheck.exec(List.of("test", "-f", "/tmp/ready")).withTimings(1, 1, 2, 10));
        assertEquals(List.of(ContainerHealth.STARTING, ContainerHealth.HEALTHY),
                awaitHealth("queue-0", ContainerHealth.HEALTHY).healths());

        start("cache-0", IMAGE, List.of("/bin/sleep", "100000"),
                fast(HealthCheck.exec(List.of("/bin/sh", "-c", "echo cache not loaded; exit 3"))));
        Seen broken = awaitHealth("cache-0", ContainerHealth.UNHEALTHY);
        assertEquals("exit 3: cache not loaded", broken.detail());
    }

    @Test
    void anImageHealthcheckIsReadFromTheEngineWhenTheSpecHasNone() {
        StartOutcome o = start("legacy-0", CHECKED_IMAGE, List.of("/bin/sh", "-c",
                "sleep 2; touch /tmp/ready; exec sleep 100000"), null);
        assertEquals(ContainerHealth.STARTING, o.health(), "the image's HEALTHCHECK makes it unready at first");
        assertEquals(List.of(ContainerHealth.STARTING, ContainerHealth.HEALTHY),
                awaitHealth("legacy-0", ContainerHealth.HEALTHY).healths());

        StartOutcome plain = start("plain-0", IMAGE, List.of("/bin/sleep", "100000"), null);
        assertEquals(ContainerHealth.NONE, plain.health(), "no check at all: running is ready");
    }
}
