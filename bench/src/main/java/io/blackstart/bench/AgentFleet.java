package io.blackstart.bench;

import io.blackstart.protocol.wire.AgentEvent;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.receptionist.Receptionist;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Spawns {@code agents} {@link SimulatedAgent}s ({@code bench-1}, {@code bench-2}, ...) once a coordinator gateway is
 * listed by the receptionist, each talking to that gateway. Each agent holds the images of the containers it ran
 * before the blackout (image GC is held during recovery, so they are still there): the catalog's instances, in
 * order, had been spread round-robin over the hosts, so an app of ten instances has its image on ten hosts and a
 * host of a platform with 100,000 instances on 500 hosts has about 200 images.
 */
public final class AgentFleet {

    private AgentFleet() {
    }

    /** What the fleet takes: the gateway listing, and a stop of one agent (its host goes away). */
    public sealed interface Command permits Listed, StopAgent {
    }

    private record Listed(Receptionist.Listing listing) implements Command {
    }

    /** Stops the agent {@code nodeId}: it deregisters, and the coordinator loses the host. */
    public record StopAgent(String nodeId) implements Command {
    }

    /**
     * A fleet for tests and demos: {@code agents} agents named {@code prefix-1}, {@code prefix-2}, ... with
     * {@code credits} credits each, confirming starts after {@code confirmDelay}, reporting at most every 200 ms,
     * holding no image.
     */
    public static Behavior<Command> create(String prefix, int agents, int credits, Duration confirmDelay) {
        return create(prefix, agents, credits, confirmDelay, Duration.ofMillis(200), false, List.of(),
                new FleetRecorder(0));
    }

    static Behavior<Command> create(int agents, int credits, Duration confirmDelay, Duration reportInterval,
                                    boolean fullReports, List<CatalogGenerator.App> apps, FleetRecorder recorder) {
        return create("bench", agents, credits, confirmDelay, reportInterval, fullReports, apps, recorder);
    }

    private static Behavior<Command> create(String prefix, int agents, int credits, Duration confirmDelay,
                                            Duration reportInterval, boolean fullReports,
                                            List<CatalogGenerator.App> apps, FleetRecorder recorder) {
        return Behaviors.setup(ctx -> {
            ctx.getSystem().receptionist().tell(Receptionist.subscribe(SimulatedAgent.gatewayKey(),
                    ctx.messageAdapter(Receptionist.Listing.class, Listed::new)));
            Behavior<Command> running = Behaviors.receive(Command.class) // later listings change nothing
                    .onMessage(StopAgent.class, m -> {
                        ctx.getChild(m.nodeId()).ifPresent(ctx::stop);
                        return Behaviors.same();
                    })
                    .build();
            return Behaviors.receive(Command.class)
                    .onMessage(Listed.class, m -> {
                        var gateways = m.listing().getServiceInstances(SimulatedAgent.gatewayKey());
                        if (gateways.isEmpty()) {
                            return Behaviors.same();
                        }
                        ActorRef<AgentEvent> gateway = gateways.iterator().next();
                        List<Set<String>> images = new ArrayList<>();
                        for (int i = 0; i < agents; i++) {
                            images.add(new LinkedHashSet<>());
                        }
                        int host = 0;
                        for (CatalogGenerator.App app : apps) {
                            for (int j = 0; j < app.instances(); j++) {
                                images.get(host).add(app.image());
                                host = (host + 1) % agents;
                            }
                        }
                        for (int i = 0; i < agents; i++) {
                            String id = prefix + "-" + (i + 1);
                            ctx.spawn(SimulatedAgent.create(id, gateway, credits, confirmDelay, reportInterval,
                                    fullReports, List.copyOf(images.get(i)), recorder), id);
                        }
                        ctx.getLog().info("{} simulated agents started, reporting to {}", agents, gateway);
                        return running;
                    })
                    .build();
        });
    }
}
