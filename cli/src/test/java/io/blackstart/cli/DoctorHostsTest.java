package io.blackstart.cli;

import io.blackstart.testsupport.Await;
import io.blackstart.testsupport.FreePorts;
import io.blackstart.testsupport.SharedEtcd;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.blackstart.agent.AgentNode;
import io.blackstart.coordinator.CoordinatorNode;
import io.blackstart.coordinator.status.StatusSnapshot;
import io.blackstart.doctor.DoctorCommand;
import io.blackstart.doctor.DoctorMain;
import org.apache.pekko.actor.typed.ActorSystem;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The doctor's per-host checks end to end in one JVM: a real coordinator node (etcd at 127.0.0.1:2379, a private
 * prefix) and two real node agents on the local Docker engine, joined over Artery. The doctor reports each agent's
 * Docker version as the Docker CLI shows it and a clock offset within its uncertainty (one machine, one clock), and
 * the agents the coordinator recorded in etcd; after one agent stops, the doctor names it.
 */
@Tag("docker")
@Tag("etcd")
@Timeout(180)
class DoctorHostsTest {

    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String RUN = UUID.randomUUID().toString().substring(0, 6);
    private static final String A = "doc-" + RUN + "-a";
    private static final String B = "doc-" + RUN + "-b";
    private static final List<ActorSystem<?>> SYSTEMS = new ArrayList<>();
    private static SharedEtcd etcd;
    private static ActorSystem<?> coordinator;
    private static ActorSystem<?> agentB;
    private static String api;

    @BeforeAll
    static void start() throws Exception {
        etcd = SharedEtcd.withUniquePrefix("doctor");
        int port = FreePorts.one();
        String seed = "pekko://blackstart@127.0.0.1:" + port;
        coordinator = CoordinatorNode.start(node(Map.of("pekko.remote.artery.canonical.port", port,
                "pekko.cluster.seed-nodes", List.of(seed),
                "blackstart.coordinator.etcd.prefix", etcd.prefix(),
                "blackstart.coordinator.api.port", 0,
                "blackstart.coordinator.tracker.jmx", "off",
                "blackstart.coordinator.recovery.settle-time", "500ms",
                "blackstart.coordinator.agents.diagnosis-deadline", "2s")));
        SYSTEMS.add(coordinator);
        api = "http://127.0.0.1:" + CoordinatorNode.httpAddress(coordinator).toCompletableFuture()
                .get(30, TimeUnit.SECONDS).getPort();
        for (String id : List.of(A, B)) {
            ActorSystem<?> agent = AgentNode.start(node(Map.of("pekko.remote.artery.canonical.port", 0,
                    "pekko.cluster.seed-nodes", List.of(seed),
                    "blackstart.agent.node-id", id,
                    "blackstart.agent.host-diagnosis-timeout", "1s")));
            SYSTEMS.add(agent);
            if (id.equals(B)) {
                agentB = agent;
            }
        }
        await("both agents reporting", () -> hosts().containsAll(Set.of(A, B)));
        // the coordinator records the agents it sees in etcd, where the doctor reads them
        await("both agents recorded in etcd", () -> recorded().containsAll(Set.of(A, B)));
    }

    /** The node ids recorded under the prefix, read with etcdctl as an operator would. */
    private static Set<String> recorded() {
        return etcd.keys("/agents/").stream().map(l -> l.substring(l.lastIndexOf('/') + 1)).collect(Collectors.toSet());
    }

    @AfterAll
    static void stop() throws Exception {
        SYSTEMS.forEach(ActorSystem::terminate);
        for (ActorSystem<?> s : SYSTEMS) {
            s.getWhenTerminated().toCompletableFuture().orTimeout(30, TimeUnit.SECONDS).exceptionally(e -> null).join();
        }
        if (etcd != null) {
            etcd.close();
        }
    }

    private static Config node(Map<String, Object> overrides) {
        return ConfigFactory.parseMap(overrides)
                .withFallback(ConfigFactory.parseString("""
                        pekko.cluster.jmx.multi-mbeans-in-same-jvm = on
                        pekko.coordinated-shutdown.exit-jvm = off
                        pekko.loglevel = WARNING
                        """))
                .withFallback(ConfigFactory.parseResources(NodeConfig.class, "blackstart-node.conf"));
    }

    private static Set<String> hosts() {
        return CoordinatorNode.statusBoard(coordinator).latest().map(s -> s.hosts().stream()
                .map(StatusSnapshot.HostStatus::nodeId).collect(Collectors.toSet())).orElse(Set.of());
    }

    private static void await(String what, BooleanSupplier done) {
        Await.until(what, WAIT, Duration.ofMillis(100), done);
    }

    /** One line of the human report: status symbol, check name, finding. */
    private record Line(String symbol, String name, String finding) {
        String status() {
            return switch (symbol) {
                case "✔" -> "ok";
                case "‼" -> "warn";
                default -> "fail";
            };
        }
    }

    private record Doctor(int exit, String text) {
        /** The line of check {@code name} in its group (root causes are listed first and again in their group). */
        Line check(String name) {
            Line found = null;
            for (String l : text.split("\n")) {
                for (String symbol : List.of("✔", "‼", "✘")) {
                    if (l.startsWith(symbol + " " + name + ": ")) {
                        found = new Line(symbol, name, l.substring(symbol.length() + name.length() + 3));
                    }
                }
            }
            if (found == null) {
                throw new AssertionError(name + " missing:\n" + text);
            }
            return found;
        }
    }

    /** The doctor as an operator runs it; its report is printed, for the record. */
    private static Doctor doctor() {
        String[] args = {"--api", api, "--etcd", SharedEtcd.ENDPOINT, "--prefix", etcd.prefix()};
        ByteArrayOutputStream text = new ByteArrayOutputStream();
        int exit = DoctorMain.run(args, new PrintStream(text, true, StandardCharsets.UTF_8), System.err);
        System.out.println(text.toString(StandardCharsets.UTF_8));
        return new Doctor(exit, text.toString(StandardCharsets.UTF_8));
    }

    private static String dockerCli(String format) throws Exception {
        Process p = new ProcessBuilder("docker", "version", "--format", format).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        assertTrue(p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0, out);
        return out;
    }

    @Test
    void theDoctorChecksDockerAndTheClockOfEveryHostAndNamesAnAgentThatStopped() throws Exception {
        String version = dockerCli("{{.Server.Version}}");
        String apiVersion = dockerCli("{{.Server.APIVersion}}");

        Doctor d = doctor();

        assertTrue(d.exit() == 0 || d.exit() == DoctorCommand.EXIT_WARNINGS, d.text()); // no failure (a disk under 10 % free on this machine would warn)
        assertEquals("ok", d.check("agents answering").status(), d.text());
        for (String id : List.of(A, B)) {
            Line docker = d.check("docker on " + id);
            assertTrue(!docker.status().equals("fail") && docker.finding().contains(" free of "), d.text());
            assertTrue(docker.finding().startsWith("Docker " + version + " (API " + apiVersion + "), storage driver "),
                    docker.finding());
            Line clock = d.check("clock on " + id);
            assertEquals("ok", clock.status(), d.text());
            Matcher m = Pattern.compile(Pattern.quote(id) + " is ([+-]?\\d+) ms ± (\\d+) ms from the coordinator's clock "
                    + "\\(round trip (\\d+) ms\\), ([+-]?\\d+) ms ± (\\d+) ms from this machine's")
                    .matcher(clock.finding());
            assertTrue(m.matches(), clock.finding());
            long skew = Long.parseLong(m.group(1));
            long uncertainty = Long.parseLong(m.group(2));
            assertTrue(Math.abs(skew) <= uncertainty + 1 && uncertainty < 1000, "one clock: " + m.group());
            long fromHere = Long.parseLong(m.group(4));
            assertTrue(Math.abs(fromHere) <= Long.parseLong(m.group(5)) + 1, "one clock: " + m.group());
        }
        // the coordinator's clock, measured on the diagnosis request itself: this machine's clock, within a few ms
        Line coordinatorClock = d.check("coordinator clock");
        assertEquals("ok", coordinatorClock.status(), d.text());
        Matcher c = Pattern.compile("the coordinator is ([+-]?\\d+) ms ± (\\d+) ms from this machine's clock "
                + "\\(round trip \\d+ ms\\)").matcher(coordinatorClock.finding());
        assertTrue(c.matches(), coordinatorClock.finding());
        assertTrue(Math.abs(Long.parseLong(c.group(1))) <= Long.parseLong(c.group(2)) + 1, coordinatorClock.finding());
        String recorded = d.check("agents recorded").finding();
        assertTrue(recorded.startsWith("2 agents recorded under " + etcd.prefix() + "/agents/") && recorded.contains(A)
                && recorded.contains(B), recorded);
        assertEquals("ok", d.check("agents present").status(), d.text());
        assertTrue(d.text().indexOf("\ndocker\n") < d.text().indexOf("✔ docker on " + A)
                && d.text().indexOf("✔ docker on " + A) < d.text().indexOf("\nclocks\n"), "in the docker group");

        // the endpoint the doctor reads
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(api
                + "/api/v1/hosts/diagnosis")).timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), r.body());
        JsonNode diagnosis = JSON.readTree(r.body());
        assertEquals(2, diagnosis.path("answered").asInt(), r.body());
        assertEquals(version, diagnosis.path("hosts").get(0).path("docker").path("version").asText(), r.body());

        // an agent stops: the doctor names it, from the coordinator's view and the record in etcd
        agentB.terminate();
        agentB.getWhenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
        await(B + " gone from the coordinator's hosts", () -> !hosts().contains(B));

        Doctor after = doctor();

        assertEquals(DoctorCommand.EXIT_WARNINGS, after.exit(), after.text());
        Line gone = after.check("docker on " + B);
        assertEquals("warn", gone.status(), after.text());
        assertTrue(gone.finding().startsWith("not checked: "), gone.finding());
        Line answering = after.check("agents answering");
        assertEquals("warn", answering.status());
        assertEquals("1 of 2 agents answered; silent: " + B, answering.finding());
        assertTrue(after.check("docker on " + A).finding().startsWith("Docker " + version), after.text());
        assertTrue(after.check("agents present").finding().endsWith("missing: " + B), after.text());
    }
}
