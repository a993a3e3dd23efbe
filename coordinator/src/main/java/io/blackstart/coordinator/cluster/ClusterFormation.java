package io.blackstart.coordinator.cluster;

import com.typesafe.config.Config;
import io.blackstart.protocol.wire.CborSerializable;
import io.blackstart.scheduler.formation.FormationVote;
import io.blackstart.scheduler.formation.SeedOrder;
import org.apache.pekko.actor.Address;
import org.apache.pekko.actor.AddressFromURIString;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.JoinSeedNodes;
import org.apache.pekko.cluster.typed.SelfUp;
import org.apache.pekko.cluster.typed.Subscribe;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.LongSupplier;

/**
 * Joins this coordinator to the coordinator cluster after a cold start, so that any strict majority of the
 * coordinators forms it even when the first seed node never returns (Pekko lets only that node join itself).
 *
 * <p>Every {@code retry-interval} until this node is a member, a round: it sends {@link Hello} to the formation
 * actor of every other seed (over Artery, so TLS and the actor system name prove it is one of ours) and waits at
 * most {@code probe-timeout} for the answers. {@link SeedOrder} turns the answers into a decision: join a seed
 * that is already a member, follow the founder (the lowest alive address), found the cluster, or wait for a
 * majority. A founder first collects votes ({@link RequestVote}; each node promises its {@link FormationVote} to
 * one founder per {@code vote-lease}) and joins itself only with a strict majority of the coordinators' votes.
 * The decision reaches Pekko as {@link JoinSeedNodes} with the chosen order: only a founder lists itself first.
 *
 * <p>Once this node is a member it stops the rounds and only answers: {@code member = true}, no vote. It never
 * blocks and never touches etcd.
 */
public final class ClusterFormation extends AbstractBehavior<ClusterFormation.Command> {

    /** The actor's name under {@code /user}; the same on every coordinator, so peers find it by path. */
    public static final String NAME = "cluster-formation";

    /**
     * {@code blackstart.coordinator.cluster-formation} and the seed list ({@code pekko.cluster.seed-nodes}).
     *
     * @param enabled          form the cluster with the majority rule instead of Pekko's first-seed rule
     * @param seeds            the coordinators' seed nodes
     * @param coordinatorCount how many coordinators there are (the majority is counted of it)
     * @param probeTimeout     how long a round waits for answers (hello, then votes)
     * @param retryInterval    pause between rounds while not a member
     * @param voteLease        how long a promised vote holds
     */
    public record Settings(boolean enabled, List<String> seeds, int coordinatorCount, Duration probeTimeout,
                           Duration retryInterval, Duration voteLease) {

        /** Validates and copies. */
        public Settings {
            seeds = List.copyOf(seeds);
            for (Duration d : List.of(probeTimeout, retryInterval, voteLease)) {
                if (d.isNegative() || d.isZero()) {
                    throw new IllegalArgumentException("blackstart.coordinator.cluster-formation durations must be "
                            + "positive: " + d);
                }
            }
            if (coordinatorCount < seeds.size()) {
                throw new IllegalArgumentException("blackstart.coordinator.cluster-formation.coordinator-count ("
                        + coordinatorCount + ") is less than the " + seeds.size() + " seed nodes");
            }
        }

        /** Whether this node forms the cluster itself (enabled and seeds configured). */
        public boolean active() {
            return enabled && !seeds.isEmpty();
        }

        /** Reads the settings from a resolved config that includes this module's reference.conf. */
        public static Settings fromConfig(Config root) {
            Config c = root.getConfig("blackstart.coordinator.cluster-formation");
            List<String> seeds = new ArrayList<>();
            for (String s : root.getStringList("pekko.cluster.seed-nodes")) {
                try {
                    seeds.add(AddressFromURIString.parse(s.strip()).toString());
                } catch (RuntimeException e) {
                    throw new IllegalArgumentException("pekko.cluster.seed-nodes: not a Pekko address: '" + s + "'");
                }
            }
            int count = c.getInt("coordinator-count");
            if (count < 0) {
                throw new IllegalArgumentException("blackstart.coordinator.cluster-formation.coordinator-count must "
                        + "be >= 0 (0 = the number of seed nodes), got " + count);
            }
            return new Settings(c.getBoolean("enabled"), seeds, count == 0 ? seeds.size() : count,
                    c.getDuration("probe-timeout"), c.getDuration("retry-interval"), c.getDuration("vote-lease"));
        }
    }

    /** Messages of the formation actor; the public ones travel between coordinators. */
    public sealed interface Command {
    }

    /** A probe: "are you there, and are you a cluster member?" */
    public record Hello(long round, String from, ActorRef<Command> replyTo) implements Command, CborSerializable {
    }

    /** The answer to {@link Hello}. */
    public record HelloReply(long round, String from, boolean member) implements Command, CborSerializable {
    }

    /** A founder asks for this node's vote. */
    public record RequestVote(long round, String candidate, ActorRef<Command> replyTo)
            implements Command, CborSerializable {
    }

    /** The answer to {@link RequestVote}. */
    public record VoteReply(long round, String voter, boolean granted, boolean member)
            implements Command, CborSerializable {
    }

    private enum Tick implements Command { INSTANCE }

    private record RoundDeadline(long round) implements Command {
    }

    private record BecameUp() implements Command {
    }

    private enum Phase { IDLE, PROBING, VOTING }

    private final Settings settings;
    private final String self;
    private final TimerScheduler<Command> timers;
    private final LongSupplier clock;
    private final FormationVote vote;
    private final long startedMillis;
    private long round;
    private Phase phase = Phase.IDLE;
    private final Set<String> alive = new HashSet<>();
    private final Set<String> members = new HashSet<>();
    private final Set<String> voters = new HashSet<>();
    private SeedOrder.Found candidacy;
    private List<String> issued = List.of();
    private String lastLogged = "";

    private ClusterFormation(ActorContext<Command> ctx, TimerScheduler<Command> timers, Settings settings,
                             LongSupplier clock) {
        super(ctx);
        this.settings = settings;
        this.timers = timers;
        this.clock = clock;
        this.self = Cluster.get(ctx.getSystem()).selfMember().address().toString();
        this.vote = new FormationVote(settings.voteLease().toMillis());
        this.startedMillis = clock.getAsLong();
        ActorRef<SelfUp> up = ctx.messageAdapter(SelfUp.class, u -> new BecameUp());
        Cluster.get(ctx.getSystem()).subscriptions().tell(Subscribe.create(up, SelfUp.class));
    }

    /** The formation actor; spawn it as {@link #NAME} on every coordinator whose settings are {@link Settings#active()}. */
    public static Behavior<Command> create(Settings settings, LongSupplier clock) {
        return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> {
            ctx.getSelf().tell(Tick.INSTANCE);
            return new ClusterFormation(ctx, timers, settings, clock);
        }));
    }

    @Override
    public Receive<Command> createReceive() {
        return newReceiveBuilder()
                .onMessage(Tick.class, t -> startRound())
                .onMessage(Hello.class, this::onHello)
                .onMessage(HelloReply.class, this::onHelloReply)
                .onMessage(RequestVote.class, this::onRequestVote)
                .onMessage(VoteReply.class, this::onVoteReply)
                .onMessage(RoundDeadline.class, this::onDeadline)
                .onMessage(BecameUp.class, u -> joined())
                .build();
    }

    private Behavior<Command> startRound() {
        if (isMember()) {
            return joined();
        }
        round++;
        phase = Phase.PROBING;
        alive.clear();
        members.clear();
        alive.add(self);
        for (String seed : settings.seeds()) {
            if (!seed.equals(self)) {
                send(seed, new Hello(round, self, getContext().getSelf()));
            }
        }
        timers.startSingleTimer(new RoundDeadline(round), settings.probeTimeout());
        if (settings.seeds().stream().allMatch(self::equals)) {
            return evaluate();
        }
        return this;
    }

    private Behavior<Command> onHello(Hello h) {
        h.replyTo().tell(new HelloReply(h.round(), self, isMember()));
        return this;
    }

    private Behavior<Command> onHelloReply(HelloReply r) {
        if (r.round() != round || phase != Phase.PROBING) {
            return this;
        }
        alive.add(r.from());
        if (r.member()) {
            members.add(r.from());
        }
        // a member decides the round (join it) whoever else answers; a seed that never returns would delay it
        if (r.member() || alive.containsAll(settings.seeds())) {
            return evaluate();
        }
        return this;
    }

    private Behavior<Command> onRequestVote(RequestVote v) {
        boolean member = isMember();
        boolean granted = !member && vote.grant(v.candidate(), clock.getAsLong());
        if (granted && !v.candidate().equals(self)) {
            report("promised this node's vote to founder " + v.candidate());
        }
        v.replyTo().tell(new VoteReply(v.round(), self, granted, member));
        return this;
    }

    private Behavior<Command> onVoteReply(VoteReply r) {
        if (r.round() != round || phase != Phase.VOTING) {
            return this;
        }
        if (r.granted()) {
            voters.add(r.voter());
        }
        if (voters.size() >= candidacy.majority()) {
            return found();
        }
        return this;
    }

    private Behavior<Command> onDeadline(RoundDeadline d) {
        if (d.round() != round) {
            return this;
        }
        if (phase == Phase.PROBING) {
            return evaluate();
        }
        if (phase == Phase.VOTING) {
            vote.release(self);
            report("founding postponed: " + voters.size() + " of " + settings.coordinatorCount()
                    + " coordinators promised their vote, " + candidacy.majority() + " needed");
            return nextRound();
        }
        return this;
    }

    private Behavior<Command> evaluate() {
        SeedOrder.Decision d = SeedOrder.decide(new SeedOrder.View(self, settings.seeds(), alive, members,
                settings.coordinatorCount()));
        if (d instanceof SeedOrder.Wait w) {
            report("waiting: " + w.reason());
            return nextRound();
        }
        if (d instanceof SeedOrder.JoinExisting j) {
            report("joining the existing cluster of " + j.joinOrder().get(0) + firstSeedNote());
            issue("join", j.joinOrder());
            return nextRound();
        }
        if (d instanceof SeedOrder.Follow f) {
            report("following founder " + f.founder() + " (" + alive.size() + " of " + settings.coordinatorCount()
                    + " coordinators answer)" + firstSeedNote());
            issue("follow", f.joinOrder());
            return nextRound();
        }
        SeedOrder.Found found = (SeedOrder.Found) d;
        if (!vote.grant(self, clock.getAsLong())) {
            report("would found, but this node's vote is promised to " + vote.promisedTo(clock.getAsLong()).orElse("?"));
            return nextRound();
        }
        candidacy = found;
        voters.clear();
        voters.add(self);
        phase = Phase.VOTING;
        for (String peer : found.joinOrder()) {
            if (!peer.equals(self)) {
                send(peer, new RequestVote(round, self, getContext().getSelf()));
            }
        }
        timers.startSingleTimer(new RoundDeadline(round), settings.probeTimeout());
        return voters.size() >= found.majority() ? found() : this;
    }

    private Behavior<Command> found() {
        report("founding the cluster with the votes of " + new java.util.TreeSet<>(voters) + " ("
                + voters.size() + " of " + settings.coordinatorCount() + " coordinators)" + firstSeedNote());
        issue("found", candidacy.joinOrder());
        return nextRound();
    }

    private Behavior<Command> nextRound() {
        phase = Phase.IDLE;
        timers.startSingleTimer(Tick.INSTANCE, settings.retryInterval());
        return this;
    }

    private Behavior<Command> joined() {
        timers.cancelAll();
        getContext().getLog().info("cluster formation: {} is a member of the coordinator cluster, {} ms after the "
                + "formation started", self, clock.getAsLong() - startedMillis);
        return Behaviors.receive(Command.class)
                .onMessage(Hello.class, h -> {
                    h.replyTo().tell(new HelloReply(h.round(), self, true));
                    return Behaviors.same();
                })
                .onMessage(RequestVote.class, v -> {
                    v.replyTo().tell(new VoteReply(v.round(), self, false, true));
                    return Behaviors.same();
                })
                .build();
    }

    /**
     * Hands the order to Pekko's join, which restarts its seed-node process (and so asks the seeds at once instead of
     * after seed-node-timeout); only when the decision or the order changed.
     */
    private void issue(String kind, List<String> order) {
        List<String> key = new ArrayList<>(order);
        key.add(0, kind);
        if (key.equals(issued)) {
            return;
        }
        issued = List.copyOf(key);
        List<Address> addresses = order.stream().map(AddressFromURIString::parse).toList();
        Cluster.get(getContext().getSystem()).manager().tell(new JoinSeedNodes(addresses));
    }

    private void send(String address, Command message) {
        Adapter.toClassic(getContext().getSystem()).actorSelection(address + "/user/" + NAME)
                .tell(message, org.apache.pekko.actor.ActorRef.noSender());
    }

    private boolean isMember() {
        MemberStatus s = Cluster.get(getContext().getSystem()).selfMember().status();
        return s.equals(MemberStatus.up()) || s.equals(MemberStatus.joining()) || s.equals(MemberStatus.weaklyUp());
    }

    private String firstSeedNote() {
        String first = settings.seeds().get(0);
        return alive.contains(first) ? "" : "; first seed " + first + " does not answer";
    }

    // one line per change of what this node does, not one per round
    private void report(String what) {
        if (!what.equals(lastLogged)) {
            lastLogged = what;
            getContext().getLog().info("cluster formation: {}", what);
        }
    }
}
