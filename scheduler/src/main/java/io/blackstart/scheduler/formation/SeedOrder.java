package io.blackstart.scheduler.formation;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * Who founds the coordinator cluster after a cold start, and in which order a coordinator asks the seeds to join.
 *
 * <p><b>Goals.</b> Any strict majority of the configured coordinators forms the cluster, even when the first
 * entry of the seed list never comes back (Pekko lets only that node join itself). Two groups that cannot see each
 * other never both form a cluster.
 *
 * <p><b>Constraints.</b> Addresses are Pekko address strings ({@code pekko://blackstart@10.0.0.1:25520}); every
 * coordinator evaluates the rule on its own view, so the same view must give the same founder on every node,
 * whatever the order of each node's seed list.
 *
 * <p><b>Algorithm.</b> Given the configured seeds, the seeds that answered a probe ({@code alive}, this node
 * included) and those that said they are already cluster members:
 * <ol>
 *   <li>a member answered: join the existing cluster ({@link JoinExisting}; this node is never first, so Pekko
 *       never lets it join itself);</li>
 *   <li>fewer than a strict majority of the coordinators answer: {@link Wait};</li>
 *   <li>the lowest alive address ({@link #ADDRESS_ORDER}) is the founder: the founder itself gets {@link Found}
 *       (it may join itself once a majority promised it their vote, see {@link FormationVote}), every other node
 *       {@link Follow} with the founder first.</li>
 * </ol>
 * The majority rule keeps disjoint groups apart; the votes keep two founders of overlapping views (one node
 * missed a probe answer) apart, because a node promises its vote to one founder at a time.
 */
public final class SeedOrder {

    /**
     * Orders addresses by host (as text), then by port (as a number), then by the whole string; the founder is
     * the lowest.
     */
    public static final Comparator<String> ADDRESS_ORDER = Comparator.comparing(SeedOrder::host)
            .thenComparingInt(SeedOrder::port).thenComparing(Comparator.naturalOrder());

    private SeedOrder() {
    }

    /**
     * What one coordinator sees in one probe round.
     *
     * @param self             this node's address
     * @param seeds            the configured seed nodes (all coordinators), in any order
     * @param alive            the seeds that answered the probe, and this node
     * @param members          the seeds that answered that they are already members of a cluster
     * @param coordinatorCount how many coordinators are configured; a strict majority of it must be alive before
     *                         anyone founds a cluster (at least the number of seeds)
     */
    public record View(String self, List<String> seeds, Set<String> alive, Set<String> members,
                       int coordinatorCount) {

        /** Validates and copies. */
        public View {
            Objects.requireNonNull(self, "self");
            seeds = List.copyOf(new LinkedHashSet<>(seeds));
            alive = Set.copyOf(alive);
            members = Set.copyOf(members);
            if (coordinatorCount < 1) {
                throw new IllegalArgumentException("coordinatorCount must be >= 1, got " + coordinatorCount);
            }
            if (coordinatorCount < seeds.size()) {
                throw new IllegalArgumentException("coordinatorCount " + coordinatorCount
                        + " is less than the " + seeds.size() + " seed nodes");
            }
        }
    }

    /** The outcome of one round. */
    public sealed interface Decision {
        /** The seed list to hand to Pekko's join, empty for {@link Wait}; never starts with self unless {@link Found}. */
        List<String> joinOrder();
    }

    /** Some seed is already a cluster member: join it ({@code joinOrder} starts with the members). */
    public record JoinExisting(List<String> joinOrder) implements Decision {
        /** Copies. */
        public JoinExisting {
            joinOrder = List.copyOf(joinOrder);
        }
    }

    /** This node founds the cluster once it holds a majority of votes ({@code joinOrder} starts with self). */
    public record Found(List<String> joinOrder, int majority) implements Decision {
        /** Copies. */
        public Found {
            joinOrder = List.copyOf(joinOrder);
        }
    }

    /** Another node founds it: join with {@code founder} first (self is not in the list). */
    public record Follow(String founder, List<String> joinOrder) implements Decision {
        /** Copies. */
        public Follow {
            joinOrder = List.copyOf(joinOrder);
        }
    }

    /** Not enough coordinators answer: join nothing yet. */
    public record Wait(String reason) implements Decision {
        @Override
        public List<String> joinOrder() {
            return List.of();
        }
    }

    /** The strict majority of {@code count}: {@code count / 2 + 1}. */
    public static int majority(int count) {
        return count / 2 + 1;
    }

    /** The rule, see the class comment. */
    public static Decision decide(View v) {
        Set<String> seeds = new LinkedHashSet<>(v.seeds());
        Set<String> alive = new TreeSet<>(ADDRESS_ORDER);
        for (String a : v.alive()) {
            if (seeds.contains(a) || a.equals(v.self())) {
                alive.add(a);
            }
        }
        alive.add(v.self());
        Set<String> members = new TreeSet<>(ADDRESS_ORDER);
        for (String m : v.members()) {
            if (!m.equals(v.self()) && seeds.contains(m)) {
                members.add(m);
            }
        }
        if (!members.isEmpty()) {
            List<String> order = new ArrayList<>(members);
            alive.stream().filter(a -> !a.equals(v.self()) && !members.contains(a)).forEach(order::add);
            return new JoinExisting(order);
        }
        int majority = majority(v.coordinatorCount());
        if (alive.size() < majority) {
            String firstSeed = v.seeds().isEmpty() ? "" : v.seeds().get(0);
            return new Wait(alive.size() + " of " + v.coordinatorCount() + " coordinators answer, " + majority
                    + " needed" + (firstSeed.isEmpty() || alive.contains(firstSeed) ? ""
                    : " (first seed " + firstSeed + " down)"));
        }
        String founder = alive.iterator().next();
        if (founder.equals(v.self())) {
            if (!seeds.contains(v.self())) {
                // unreachable in practice: the lowest alive address of a non-seed node is a seed unless all are down
                return new Wait("this node is not a seed node and no seed answers");
            }
            return new Found(new ArrayList<>(alive), majority);
        }
        List<String> order = new ArrayList<>();
        order.add(founder);
        alive.stream().filter(a -> !a.equals(founder) && !a.equals(v.self())).forEach(order::add);
        return new Follow(founder, order);
    }

    private static String host(String address) {
        String hostPort = address.substring(address.indexOf('@') + 1);
        int colon = hostPort.lastIndexOf(':');
        return colon < 0 ? hostPort : hostPort.substring(0, colon);
    }

    private static int port(String address) {
        int colon = address.lastIndexOf(':');
        int at = address.indexOf('@');
        if (colon <= at) {
            return -1;
        }
        try {
            return Integer.parseInt(address.substring(colon + 1).replaceAll("[^0-9].*$", ""));
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
