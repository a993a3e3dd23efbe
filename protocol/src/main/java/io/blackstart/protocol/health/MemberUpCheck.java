package io.blackstart.protocol.health;

import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.cluster.Cluster;
import org.apache.pekko.cluster.MemberStatus;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;

/**
 * Readiness check: this node is a cluster member with status Up (not Joining, WeaklyUp, Leaving, Down...). Reads the
 * cluster's own read view of this member; never blocks. Replaces Pekko's {@code cluster-membership} check, which also
 * accepts WeaklyUp and gives no reason.
 */
public final class MemberUpCheck implements Supplier<CompletionStage<Boolean>> {

    private final Supplier<MemberStatus> status;

    /** Constructed by Pekko Management with the node's actor system. */
    public MemberUpCheck(ActorSystem system) {
        this(() -> Cluster.get(system).selfMember().status());
    }

    MemberUpCheck(Supplier<MemberStatus> status) {
        this.status = status;
    }

    @Override
    public CompletionStage<Boolean> get() {
        MemberStatus s = status.get();
        if (s == MemberStatus.up()) {
            return CompletableFuture.completedFuture(true);
        }
        // before it has joined (and after it was removed) the cluster shows this node as Removed
        String why = s == MemberStatus.removed() ? "not a cluster member (not joined yet, or removed)"
                : "this member is " + s + ", not Up";
        return CompletableFuture.failedFuture(new NotReady("cluster: " + why));
    }
}
