package io.blackstart.bench;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.blackstart.coordinator.CoordinatorNode;
import io.blackstart.coordinator.store.InMemoryDesiredStateStore;
import io.blackstart.coordinator.recovery.RecoveryManager;
import io.blackstart.coordinator.status.StatusSnapshot;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Join;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * One benchmark run: a fresh coordinator node (the real {@code CoordinatorNode} with its catalog keeper, recovery
 * manager singleton and agent gateway, on an {@link InMemoryDesiredStateStore}; HTTP API off), a fleet of simulated
 * agents (in this JVM, or in a second JVM joined over Artery on 127.0.0.1), then the catalog, then the wait until
 * every instance was confirmed.
 *
 * <p>Sequence: the node joins itself and its recovery manager finishes rebuilding on an empty catalog; an operator
 * {@code SetMode(recovery)}; the agents register and report (every one of them is a host in the status before any
 * work exists); the whole catalog is written to the store, which the catalog keeper takes as one update (its
 * validate-debounce is raised to {@link #CATALOG_DEBOUNCE} for that); from then on the recovery manager assigns,
 * records each assignment by compare-and-set and sends the starts. The clock runs from the first start an agent
 * receives to the last confirmation an agent sends.
 */
final class CoordinatorBench {

    static final Duration CATALOG_DEBOUNCE = Duration.ofSeconds(3);

    /**
     * @param variant         {@code in-jvm} or {@code remote}
     * @param fleet           what the agents saw
     * @param placementsPerSecond instances confirmed / seconds
     * @param heapUsedMb      the coordinator JVM's heap after a GC at the end of the run (ledger, status, agents if
     *                        in this JVM)
     * @param running         instances the recovery manager counts as running at the end
     * @param retries         instances it needed more than one attempt for
     * @param peakOutstanding the most outstanding starts it ever had on one host
     * @param catalogMillis   how long writing the catalog to the store took
     * @param problems        broken invariants, empty if none
     */
    record RunResult(String variant, boolean warmup, FleetRecorder.FleetFigures fleet, double placementsPerSecond,
                     double heapUsedMb, int running, int retries, int peakOutstanding, long catalogMillis,
                     List<String> problems) {
    }

    private CoordinatorBench() {
    }

    static RunResult run(BenchOptions o, List<CatalogGenerator.App> apps, boolean remote, boolean warmup,
                         PrintStream log) throws Exception {
        InMemoryDesiredStateStore store = new InMemoryDesiredStateStore();
        ActorSystem<Void> system = CoordinatorNode.start(coordinatorConfig(), store, true);
        Process fleetProcess = null;
        try {
            Cluster.get(system).manager().tell(Join.create(Cluster.get(system).selfMember().address()));
            await("coordinator node up", Duration.ofSeconds(30),
                    () -> Cluster.get(system).selfMember().status() == MemberStatus.up());
            ActorRef<RecoveryManager.Command> manager = CoordinatorNode.recoveryManager(system);
            awaitStatus(system, manager, "recovery manager running", Duration.ofSeconds(60),
                    s -> "running".equals(s.phase()));
            AskPattern.<RecoveryManager.Command, RecoveryManager.ModeReply>ask(manager,
                    r -> new RecoveryManager.SetMode(true, false, r), Duration.ofSeconds(10), system.scheduler())
                    .toCompletableFuture().get(15, TimeUnit.SECONDS);

            FleetRecorder recorder = null;
            BlockingQueue<String> fleetOut = null;
            if (remote) {
                fleetOut = new LinkedBlockingQueue<>();
                fleetProcess = forkFleet(o, Cluster.get(system).selfMember().address().hostPort(), fleetOut);
                waitForLine(fleetOut, fleetProcess, "READY", Duration.ofSeconds(120));
            } else {
                recorder = new FleetRecorder(o.instances());
                system.systemActorOf(AgentFleet.create(o.agents(), o.credits(),
                        Duration.ofMillis(o.confirmDelayMillis()), Duration.ofMillis(o.reportIntervalMillis()),
                        o.fullReports(), apps, recorder), "bench-fleet", Props.empty());
            }
            awaitStatus(system, manager, o.agents() + " hosts reporting", Duration.ofSeconds(120),
                    s -> s.hosts().size() >= o.agents());

            long t0 = System.nanoTime();
            List<CompletableFuture<Long>> puts = new ArrayList<>(apps.size());
            for (CatalogGenerator.App app : apps) {
                puts.add(store.putApp(app.id(), app.json()).toCompletableFuture());
            }
            CompletableFuture.allOf(puts.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
            long catalogMillis = (System.nanoTime() - t0) / 1_000_000;
            List<String> problems = new ArrayList<>();
            if (catalogMillis >= CATALOG_DEBOUNCE.toMillis()) {
                problems.add("writing the catalog took " + catalogMillis + " ms, longer than the catalog debounce: "
                        + "the recovery manager may have seen it in parts");
            }

            FleetRecorder.FleetFigures fleet;
            if (remote) {
                String line = waitForLine(fleetOut, fleetProcess, "RESULT ", Duration.ofSeconds(o.timeoutSeconds()));
                fleet = parseFigures(line.substring("RESULT ".length()));
            } else {
                if (!recorder.await(o.timeoutSeconds(), TimeUnit.SECONDS)) {
                    throw new IllegalStateException("run timed out after " + o.timeoutSeconds() + " s with "
                            + recorder.confirmedInstances() + " of " + o.instances() + " instances confirmed");
                }
                fleet = recorder.figures();
                if (!recorder.timeline().isEmpty()) {
                    log.println("confirmations per 100 ms:\n" + recorder.timeline());
                }
            }

            StatusSnapshot end = awaitStatus(system, manager, "every instance running in the recovery manager",
                    Duration.ofSeconds(120), s -> s.total().running() >= o.instances());
            int retries = (int) end.instances().stream().filter(i -> i.attempt() > 1).count();
            int peak = end.hosts().stream().mapToInt(StatusSnapshot.HostStatus::peakOutstanding).max().orElse(0);
            int granted = end.hosts().stream().mapToInt(StatusSnapshot.HostStatus::maxCredits).max().orElse(0);
            if (peak > granted) {
                problems.add("the recovery manager had " + peak + " starts outstanding on a host that granted "
                        + granted);
            }
            if (fleet.duplicates() > 0) {
                problems.add(fleet.duplicates() + " instances were started more than once");
            }
            if (fleet.creditViolations() > 0) {
                problems.add(fleet.creditViolations() + " starts arrived at an agent beyond its credits");
            }
            if (fleet.placed() != o.instances() || end.total().running() != o.instances()) {
                problems.add(fleet.placed() + " instances confirmed, " + end.total().running()
                        + " running, of " + o.instances());
            }
            int recorded = store.assignmentsNow().size();
            if (recorded != o.instances()) {
                problems.add(recorded + " assignment records for " + o.instances() + " instances");
            }
            System.gc();
            double heapMb = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed() / (1024.0 * 1024.0);
            return new RunResult(remote ? "remote" : "in-jvm", warmup, fleet,
                    fleet.seconds() > 0 ? fleet.placed() / fleet.seconds() : 0, heapMb, end.total().running(),
                    retries, peak, catalogMillis, problems);
        } finally {
            // tearing down loses every host at once: hundreds of expected warnings
            BenchMain.logLevel(ch.qos.logback.classic.Level.ERROR);
            try {
                if (fleetProcess != null) {
                    stopFleet(fleetProcess);
                }
                system.terminate();
                system.getWhenTerminated().toCompletableFuture().get(60, TimeUnit.SECONDS);
            } finally {
                BenchMain.quietLogging();
            }
        }
    }

    static Config coordinatorConfig() {
        return ConfigFactory.parseString("""
                pekko.actor.provider = cluster
                pekko.remote.artery.canonical.hostname = "127.0.0.1"
                pekko.remote.artery.canonical.port = 0
                pekko.cluster.seed-nodes = []
                pekko.cluster.jmx.multi-mbeans-in-same-jvm = on
                pekko.coordinated-shutdown.exit-jvm = off
                pekko.loglevel = WARNING
                pekko.log-dead-letters = off
                pekko.log-dead-letters-during-shutdown = off
                blackstart.coordinator.api.enabled = false
                blackstart.coordinator.recovery.settle-time = 1s
                blackstart.coordinator.catalog.validate-debounce = %dms
                """.formatted(CATALOG_DEBOUNCE.toMillis()));
    }

    static StatusSnapshot awaitStatus(ActorSystem<?> system, ActorRef<RecoveryManager.Command> manager, String what,
                                      Duration max, java.util.function.Predicate<StatusSnapshot> condition)
            throws InterruptedException {
        long deadline = System.nanoTime() + max.toNanos();
        StatusSnapshot last = null;
        while (System.nanoTime() < deadline) {
            try {
                last = AskPattern.<RecoveryManager.Command, StatusSnapshot>ask(manager, RecoveryManager.GetStatus::new,
                        Duration.ofSeconds(30), system.scheduler()).toCompletableFuture().get(35, TimeUnit.SECONDS);
                if (condition.test(last)) {
                    return last;
                }
            } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
                // the singleton may not be there yet: ask again until the deadline
            }
            Thread.sleep(100); // polling interval of a condition with a deadline
        }
        throw new IllegalStateException("timed out waiting for " + what + (last == null ? ""
                : " (last status: phase " + last.phase() + ", hosts " + last.hosts().size() + ", " + last.total() + ")"));
    }

    private static void await(String what, Duration max, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + max.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("timed out waiting for " + what);
            }
            Thread.sleep(20);
        }
    }

    // ---------------------------------------------------------------- the second JVM

    private static Process forkFleet(BenchOptions o, String coordinatorHostPort, BlockingQueue<String> lines)
            throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> cmd = new ArrayList<>(List.of(java, "-Xmx1g", "-cp", System.getProperty("java.class.path"),
                AgentFleetMain.class.getName(),
                "--coordinator", coordinatorHostPort.substring(coordinatorHostPort.indexOf('@') + 1),
                "--agents", String.valueOf(o.agents()), "--instances", String.valueOf(o.instances()),
                "--apps", String.valueOf(o.apps()), "--credits", String.valueOf(o.credits()),
                "--seed", String.valueOf(o.seed()), "--confirm-delay-ms", String.valueOf(o.confirmDelayMillis()),
                "--report-interval-ms", String.valueOf(o.reportIntervalMillis()),
                "--full-reports", String.valueOf(o.fullReports())));
        Path err = Files.createTempFile("blackstart-bench-fleet-", ".log");
        Process p = new ProcessBuilder(cmd).redirectError(err.toFile()).start();
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    lines.add(line);
                }
            } catch (IOException ignored) {
                // the process ended
            }
            lines.add("EOF " + err);
        }, "bench-fleet-stdout");
        reader.setDaemon(true);
        reader.start();
        return p;
    }

    private static String waitForLine(BlockingQueue<String> lines, Process p, String prefix, Duration max)
            throws InterruptedException {
        long deadline = System.nanoTime() + max.toNanos();
        while (true) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new IllegalStateException("the agent fleet JVM did not print " + prefix.trim() + " within " + max);
            }
            String line = lines.poll(left, TimeUnit.NANOSECONDS);
            if (line == null) {
                continue;
            }
            if (line.startsWith(prefix)) {
                return line;
            }
            if (line.startsWith("EOF ")) {
                throw new IllegalStateException("the agent fleet JVM ended (exit " + waitExit(p) + "); its log: "
                        + line.substring(4));
            }
        }
    }

    private static String waitExit(Process p) throws InterruptedException {
        return p.waitFor(5, TimeUnit.SECONDS) ? String.valueOf(p.exitValue()) : "still running";
    }

    private static void stopFleet(Process p) throws InterruptedException {
        try {
            p.getOutputStream().close(); // the fleet leaves the cluster and exits when its stdin closes
        } catch (IOException ignored) {
            // already gone
        }
        if (!p.waitFor(20, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            p.waitFor(10, TimeUnit.SECONDS);
        }
    }

    private static FleetRecorder.FleetFigures parseFigures(String json) throws IOException {
        var n = new com.fasterxml.jackson.databind.ObjectMapper().readTree(json);
        return new FleetRecorder.FleetFigures(n.get("placed").asInt(), n.get("starts").asInt(),
                n.get("duplicates").asInt(), n.get("creditViolations").asInt(), n.get("stops").asInt(),
                n.get("seconds").asDouble(), n.get("refillP50Millis").asDouble(), n.get("refillP99Millis").asDouble());
    }
}
