package io.blackstart.bench;

import com.typesafe.config.ConfigFactory;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.typed.Cluster;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The second JVM of the remote variant (started by {@link CoordinatorBench}, not by hand): an actor system
 * {@code blackstart} with the cluster role {@code agent}, Artery on 127.0.0.1 and a free port, joined to the
 * coordinator given by {@code --coordinator host:port}, running the simulated agents. Prints {@code READY} once it
 * is a cluster member and the agents are spawned, {@code RESULT <json>} once every instance was confirmed, and
 * leaves the cluster and exits when its standard input closes.
 */
public final class AgentFleetMain {

    private AgentFleetMain() {
    }

    public static void main(String[] args) throws Exception {
        String coordinator = null;
        int agents = 500;
        int instances = 100_000;
        int apps = 10_000;
        int credits = 4;
        long seed = 42;
        int delay = 0;
        int reportInterval = 200;
        boolean fullReports = false;
        for (int i = 0; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--coordinator" -> coordinator = args[i + 1];
                case "--agents" -> agents = Integer.parseInt(args[i + 1]);
                case "--instances" -> instances = Integer.parseInt(args[i + 1]);
                case "--apps" -> apps = Integer.parseInt(args[i + 1]);
                case "--credits" -> credits = Integer.parseInt(args[i + 1]);
                case "--seed" -> seed = Long.parseLong(args[i + 1]);
                case "--confirm-delay-ms" -> delay = Integer.parseInt(args[i + 1]);
                case "--report-interval-ms" -> reportInterval = Integer.parseInt(args[i + 1]);
                case "--full-reports" -> fullReports = Boolean.parseBoolean(args[i + 1]);
                default -> throw new IllegalArgumentException("unknown argument " + args[i]);
            }
        }
        if (coordinator == null) {
            System.err.println("usage: AgentFleetMain --coordinator host:port [--agents N] [--instances N] [--apps N]"
                    + " [--credits N] [--seed S] [--confirm-delay-ms MS] [--report-interval-ms MS]"
                    + " [--full-reports true|false]");
            System.exit(2);
        }
        BenchMain.quietLogging();
        List<CatalogGenerator.App> catalog = CatalogGenerator.generate(instances, apps, seed);
        FleetRecorder recorder = new FleetRecorder(instances);
        ActorSystem<Void> system = ActorSystem.create(Behaviors.empty(), "blackstart", ConfigFactory.parseString("""
                pekko.actor.provider = cluster
                pekko.remote.artery.canonical.hostname = "127.0.0.1"
                pekko.remote.artery.canonical.port = 0
                pekko.cluster.roles = [agent]
                pekko.cluster.seed-nodes = ["pekko://blackstart@%s"]
                pekko.cluster.jmx.multi-mbeans-in-same-jvm = on
                pekko.coordinated-shutdown.exit-jvm = off
                pekko.loglevel = WARNING
                pekko.log-dead-letters = off
                pekko.log-dead-letters-during-shutdown = off
                """.formatted(coordinator)).withFallback(ConfigFactory.load()));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (Cluster.get(system).selfMember().status() != MemberStatus.up()) {
            if (System.nanoTime() > deadline) {
                System.err.println("did not join " + coordinator + " within 60 s");
                System.exit(1);
            }
            Thread.sleep(20);
        }
        system.systemActorOf(AgentFleet.create(agents, credits, Duration.ofMillis(delay),
                Duration.ofMillis(reportInterval), fullReports, catalog, recorder),
                "bench-fleet", Props.empty());
        System.out.println("READY");
        System.out.flush();
        Thread result = new Thread(() -> {
            try {
                recorder.await(Long.MAX_VALUE, TimeUnit.DAYS);
                System.out.println("RESULT " + recorder.figures().toJson());
                System.out.flush();
            } catch (InterruptedException ignored) {
                Thread.currentThread().interrupt();
            }
        }, "bench-fleet-result");
        result.setDaemon(true);
        result.start();
        try {
            while (System.in.read() >= 0) {
                // run until the benchmark closes our standard input
            }
        } catch (IOException ignored) {
            // the parent is gone
        }
        system.terminate();
        system.getWhenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
        System.exit(0);
    }
}
