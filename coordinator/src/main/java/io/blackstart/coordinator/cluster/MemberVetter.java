package io.blackstart.coordinator.cluster;

import com.typesafe.config.Config;
import io.blackstart.protocol.trust.NodeIdentity;
import io.blackstart.protocol.wire.CborSerializable;
import org.apache.pekko.actor.Address;
import org.apache.pekko.actor.AddressFromURIString;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.receptionist.Receptionist;
import org.apache.pekko.actor.typed.receptionist.ServiceKey;
import org.apache.pekko.cluster.ClusterEvent;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Down;
import org.apache.pekko.cluster.typed.Subscribe;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.LongSupplier;

/**
 * On every coordinator node with a TLS identity: makes every other member that declares the {@code coordinator}
 * role prove it ({@link RoleVetting}), and downs the ones that cannot. Each coordinator also answers the others'
 * challenges for its own address (a member never signs for another address, so a challenge relayed to a real
 * coordinator proves nothing for the relay). Thin: the policy is {@link RoleVetting}.
 */
public final class MemberVetter {
    /** Receptionist key of the provers (one per coordinator node). */
    static final ServiceKey<Challenge> PROVER_KEY = ServiceKey.create(Challenge.class, "blackstart-coordinator-prover");

    /** A challenge to the member at {@code address}. */
    public record Challenge(String address, byte[] nonce, ActorRef<Proof> replyTo) implements CborSerializable {
    }

    /** The answer: a signature over the address and nonce by the member's certificate key. */
    public record Proof(String address, byte[] nonce, List<byte[]> chain, byte[] signature) implements CborSerializable {
    }

    /** Settings: {@code blackstart.coordinator.member-vetting}. */
    public record Settings(Duration timeout, Duration challengeInterval) {
        public Settings {
            if (timeout.isNegative() || timeout.isZero() || challengeInterval.isNegative()
                    || challengeInterval.isZero()) {
                throw new IllegalArgumentException("blackstart.coordinator.member-vetting durations must be positive");
            }
        }

        public static Settings fromConfig(Config root) {
            Config c = root.getConfig("blackstart.coordinator.member-vetting");
            return new Settings(c.getDuration("timeout"), c.getDuration("challenge-interval"));
        }
    }

    interface Command {
    }

    private record MemberChanged(ClusterEvent.MemberEvent event) implements Command {
    }

    private record ReachabilityChanged(ClusterEvent.ReachabilityEvent event) implements Command {
    }

    private record ProversListed(Set<ActorRef<Challenge>> provers) implements Command {
    }

    private record Answered(Proof proof) implements Command {
    }

    private enum Tick implements Command { INSTANCE }

    private MemberVetter() {
    }

    /** The prover: answers challenges for this node's own address. */
    public static Behavior<Challenge> prover(NodeIdentity identity) {
        return Behaviors.setup(ctx -> {
            ctx.getSystem().receptionist().tell(Receptionist.register(PROVER_KEY, ctx.getSelf()));
            String self = ctx.getSystem().address().toString();
            return Behaviors.receiveMessage(c -> {
                if (self.equals(c.address()) && c.nonce() != null && c.nonce().length == 16) {
                    c.replyTo().tell(new Proof(self, c.nonce(), identity.chainDer(),
                            identity.sign(RoleVetting.signed(self, c.nonce()))));
                }
                return Behaviors.same();
            });
        });
    }

    /** The vetter. */
    public static Behavior<Command> create(NodeIdentity identity, Settings settings, LongSupplier clock) {
        return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> {
            ctx.setLoggerName(MemberVetter.class);
            Cluster cluster = Cluster.get(ctx.getSystem());
            RoleVetting vetting = new RoleVetting(cluster.selfMember().address().toString(), identity.peers(),
                    settings.timeout().toMillis());
            cluster.subscriptions().tell(Subscribe.create(
                    ctx.messageAdapter(ClusterEvent.MemberEvent.class, MemberChanged::new),
                    ClusterEvent.MemberEvent.class));
            cluster.subscriptions().tell(Subscribe.create(
                    ctx.messageAdapter(ClusterEvent.ReachabilityEvent.class, ReachabilityChanged::new),
                    ClusterEvent.ReachabilityEvent.class));
            ctx.getSystem().receptionist().tell(Receptionist.subscribe(PROVER_KEY,
                    ctx.messageAdapter(Receptionist.Listing.class, l -> new ProversListed(l.getServiceInstances(PROVER_KEY)))));
            ActorRef<Proof> answers = ctx.messageAdapter(Proof.class, Answered::new);
            timers.startTimerWithFixedDelay(Tick.INSTANCE, settings.challengeInterval());
            Map<String, ActorRef<Challenge>> provers = new HashMap<>();
            return Behaviors.receive(Command.class)
                    .onMessage(MemberChanged.class, m -> {
                        String address = m.event().member().address().toString();
                        if (m.event() instanceof ClusterEvent.MemberUp up) {
                            vetting.up(address, up.member().getRoles(), clock.getAsLong());
                            challenge(vetting, provers, address, answers);
                        } else if (m.event() instanceof ClusterEvent.MemberRemoved) {
                            vetting.removed(address);
                        }
                        return Behaviors.same();
                    })
                    .onMessage(ReachabilityChanged.class, m -> {
                        vetting.reachable(m.event().member().address().toString(),
                                m.event() instanceof ClusterEvent.ReachableMember);
                        return Behaviors.same();
                    })
                    .onMessage(ProversListed.class, m -> {
                        provers.clear();
                        m.provers().forEach(p -> provers.put(p.path().address().toString(), p));
                        return Behaviors.same();
                    })
                    .onMessage(Answered.class, m -> {
                        Proof p = m.proof();
                        if (vetting.nonce(p.address()) == null) {
                            return Behaviors.same(); // not waiting for this one
                        }
                        if (vetting.proof(p.address(), p.nonce(), p.chain(), p.signature())) {
                            ctx.getLog().info("member {} proved the coordinator role ({})", p.address(),
                                    vetting.reason(p.address()));
                        } else {
                            down(ctx, cluster, vetting, p.address());
                        }
                        return Behaviors.same();
                    })
                    .onMessageEquals(Tick.INSTANCE, () -> {
                        RoleVetting.Actions a = vetting.tick(clock.getAsLong());
                        a.challenge().forEach(address -> challenge(vetting, provers, address, answers));
                        a.down().forEach(address -> down(ctx, cluster, vetting, address));
                        return Behaviors.same();
                    })
                    .build();
        }));
    }

    private static void challenge(RoleVetting vetting, Map<String, ActorRef<Challenge>> provers, String address,
                                  ActorRef<Proof> answers) {
        byte[] nonce = vetting.nonce(address);
        ActorRef<Challenge> prover = provers.get(address);
        if (nonce != null && prover != null) {
            prover.tell(new Challenge(address, nonce, answers));
        }
    }

    private static void down(ActorContext<Command> ctx, Cluster cluster, RoleVetting vetting, String address) {
        ctx.getLog().error("downing member {}: it declares the coordinator role but did not prove it with a"
                + " coordinator certificate of the cluster CA ({})", address, vetting.reason(address));
        Address a = AddressFromURIString.parse(address);
        cluster.manager().tell(new Down(a));
    }
}
