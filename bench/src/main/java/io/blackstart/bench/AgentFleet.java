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
final class AgentFleet {

    private AgentFleet() {
    }

    static Behavior<Receptionist.Listing> create(int agents, int credits, Duration confirmDelay, Duration reportInterval,
                                                 boolean fullReports, List<CatalogGenerator.App> apps,
                                                 FleetRecorder recorder) {
        return Behaviors.setup(ctx -> {
            ctx.getSystem().receptionist().tell(Receptionist.subscribe(SimulatedAgent.gatewayKey(), ctx.getSelf()));
            return Behaviors.receiveMessage(listing -> {
                var gateways = listing.getServiceInstances(SimulatedAgent.gatewayKey());
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
                    ctx.spawn(SimulatedAgent.create("bench-" + (i + 1), gateway, credits, confirmDelay,
                            reportInterval, fullReports, List.copyOf(images.get(i)), recorder), "bench-" + (i + 1));
                }
                ctx.getLog().info("{} simulated agents started, reporting to {}", agents, gateway);
                return Behaviors.ignore();
            });
        });
    }
}
