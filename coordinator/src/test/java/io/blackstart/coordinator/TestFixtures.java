package io.blackstart.coordinator;

import io.blackstart.coordinator.catalog.CatalogKeeper;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.blackstart.protocol.AppSpec;
import io.blackstart.protocol.Catalog;
import io.blackstart.protocol.CatalogValidator;
import io.blackstart.protocol.wire.AgentCommand;
import io.blackstart.protocol.wire.AgentEvent;
import io.blackstart.protocol.wire.ContainerInfo;
import io.blackstart.protocol.wire.ContainerState;
import io.blackstart.protocol.wire.HostLoad;
import io.blackstart.scheduler.LedgerSettings;
import org.apache.pekko.actor.typed.ActorRef;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Shared test infrastructure: configs, settings with short timings, specs, agent reports. */
public final class TestFixtures {

    private TestFixtures() {
    }

    /** A local (non-cluster) actor system config with the coordinator's reference.conf. */
    public static Config localConfig() {
        return ConfigFactory.parseString("""
                pekko.actor.provider = local
                pekko.loglevel = INFO
                """).withFallback(ConfigFactory.load());
    }

    public static CoordinatorSettings.Recovery recovery(int maxAttempts, Duration settle) {
        return recovery(maxAttempts, settle, Duration.ofSeconds(30));
    }

    public static CoordinatorSettings.Recovery recovery(int maxAttempts, Duration settle, Duration hostTimeout) {
        return new CoordinatorSettings.Recovery(0.30, settle, hostTimeout, Duration.ofMillis(50),
                Duration.ofMillis(50), Duration.ofMillis(50), Duration.ofMillis(200), Duration.ofSeconds(2), Duration.ofMillis(800),
                Duration.ofMillis(200), new LedgerSettings(maxAttempts, 20, 100, 10_000, 100, 300_000, 60_000),
                Duration.ofMinutes(5));
    }

    public static CoordinatorSettings.Recovery recovery() {
        return recovery(3, Duration.ofMillis(300));
    }

    public static String spec(String id, int instances, String tier, String... dependsOn) {
        StringBuilder deps = new StringBuilder();
        for (String d : dependsOn) {
            deps.append(deps.isEmpty() ? "" : ",").append('"').append(d).append('"');
        }
        return "{\"id\":\"" + id + "\",\"image\":\"busybox:1\",\"instances\":" + instances + ",\"tier\":\"" + tier
                + "\",\"memoryMb\":64,\"dependsOn\":[" + deps + "],\"startTimeoutSeconds\":60}";
    }

    public static Catalog catalog(String... specs) {
        List<CatalogValidator.Document> docs = new ArrayList<>();
        for (String s : specs) {
            String id = s.substring(s.indexOf("\"id\":\"") + 6);
            id = id.substring(0, id.indexOf('"'));
            docs.add(new CatalogValidator.Document("/blackstart/apps/" + id, id, s));
        }
        Catalog c = CatalogValidator.validate(docs);
        if (!c.rejected().isEmpty()) {
            throw new IllegalArgumentException(c.rejected().toString());
        }
        return c;
    }

    public static CatalogKeeper.CatalogUpdate update(Catalog c) {
        return new CatalogKeeper.CatalogUpdate(c, 1, CatalogKeeper.Source.ETCD, true, "");
    }

    public static ContainerInfo running(String instanceId) {
        String app = instanceId.substring(0, instanceId.lastIndexOf('-'));
        return new ContainerInfo(instanceId, app, "c-" + instanceId, "busybox:1", ContainerState.RUNNING, 1);
    }

    public static ContainerInfo stopped(String instanceId) {
        String app = instanceId.substring(0, instanceId.lastIndexOf('-'));
        return new ContainerInfo(instanceId, app, "c-" + instanceId, "busybox:1", ContainerState.STOPPED, 1);
    }

    public static AgentEvent.AgentReport report(String node, ActorRef<AgentCommand> agent, long seq, int credits,
                                         int inFlight, boolean gcHeld, ContainerInfo... containers) {
        return new AgentEvent.AgentReport(node, agent, seq, List.of(containers),
                new HostLoad(2, 8192, 8192, 0.0, 0.0, 0.1, 0, List.of("busybox:1")), credits, inFlight, 4, gcHeld);
    }

    public static AppSpec app(Catalog c, String id) {
        return c.apps().get(id);
    }

    /**
     * Plays agent {@code local-1} (an empty host with 2 credits) on {@code agent}: answers report requests until the
     * first {@code StartInstance} arrives, and returns it.
     */
    public static io.blackstart.protocol.wire.AgentCommand.StartInstance firstStart(
            org.apache.pekko.actor.testkit.typed.javadsl.TestProbe<io.blackstart.protocol.wire.AgentCommand> agent,
            java.time.Duration max) {
        long deadline = System.nanoTime() + max.toNanos();
        while (true) {
            var c = agent.receiveMessage(java.time.Duration.ofNanos(Math.max(1, deadline - System.nanoTime())));
            if (c instanceof io.blackstart.protocol.wire.AgentCommand.RequestReport rr) {
                rr.replyTo().tell(report("local-1", agent.ref(), 1, 2, 0, false));
            } else if (c instanceof io.blackstart.protocol.wire.AgentCommand.StartInstance s) {
                return s;
            }
        }
    }
}
