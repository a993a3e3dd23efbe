package io.blackstart.coordinator.cluster;

import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.Member;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.typed.Cluster;

/**
 * Whether this node hosts the recovery manager singleton: Pekko runs a cluster singleton on the oldest member of
 * its role that is up (or leaving, while it hands over). Read from the node's current view of the cluster, which
 * Pekko keeps as an immutable snapshot: cheap and non-blocking, callable from any thread (the metrics scrape).
 */
public final class SingletonHost {

    private SingletonHost() {
    }

    /** True when, in this node's view, it is the oldest up member with {@code role}. */
    public static boolean isSelf(ActorSystem<?> system, String role) {
        Cluster cluster = Cluster.get(system);
        Member oldest = null;
        for (Member m : cluster.state().getMembers()) {
            boolean serving = m.status() == MemberStatus.up() || m.status() == MemberStatus.leaving();
            if (serving && m.hasRole(role) && (oldest == null || m.isOlderThan(oldest))) {
                oldest = m;
            }
        }
        return oldest != null && oldest.uniqueAddress().equals(cluster.selfMember().uniqueAddress());
    }
}
