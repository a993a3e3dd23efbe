package io.blackstart.protocol.health;

import org.apache.pekko.actor.AbstractExtensionId;
import org.apache.pekko.actor.ClassicActorSystemProvider;
import org.apache.pekko.actor.ExtendedActorSystem;
import org.apache.pekko.actor.Extension;

import java.net.URI;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The readiness conditions of one node (one per actor system), besides cluster membership: e.g. "catalog loaded" on a
 * coordinator, "Docker answering" on an agent.
 *
 * <p><b>Contract.</b> The node {@link #require requires} each condition before its management endpoint starts, so
 * {@code /ready} can never answer 200 before the owner has spoken. Each condition has exactly one owner, an actor,
 * which reports it with {@link #met} and {@link #unmet} from its own thread; {@link ConditionsCheck} only reads. The
 * state is a small synchronized map: a read never waits for an actor.
 */
public final class NodeReadiness implements Extension {

    private static final Id ID = new Id();

    // condition -> why it is not met; "" when met. Sorted, so the first unmet one reported is stable.
    private final Map<String, String> conditions = new TreeMap<>();
    private final CompletableFuture<URI> management = new CompletableFuture<>();

    NodeReadiness() {
    }

    /** The readiness of this actor system's node. */
    public static NodeReadiness get(ClassicActorSystemProvider system) {
        return ID.get(system.classicSystem());
    }

    /** Declares a condition as not met (yet), with the reason {@code /ready} gives until its owner reports it met. */
    public synchronized void require(String condition, String reason) {
        conditions.putIfAbsent(condition, reason);
    }

    /** The condition holds (called by its owner). */
    public synchronized void met(String condition) {
        conditions.put(condition, "");
    }

    /** The condition does not hold, because of {@code reason} (called by its owner). */
    public synchronized void unmet(String condition, String reason) {
        conditions.put(condition, reason.isEmpty() ? condition + " not met" : reason);
    }

    /** The first condition not met, as "condition: reason"; empty when every required condition holds. */
    public synchronized Optional<String> firstUnmet() {
        for (Map.Entry<String, String> e : conditions.entrySet()) {
            if (!e.getValue().isEmpty()) {
                return Optional.of(e.getKey() + ": " + e.getValue());
            }
        }
        return Optional.empty();
    }

    /** Where this node's management endpoint listens (completes once bound; fails if disabled or not bound). */
    public CompletionStage<URI> managementUri() {
        return management;
    }

    void bound(URI uri) {
        management.complete(uri);
    }

    void notBound(Throwable error) {
        management.completeExceptionally(error);
    }

    private static final class Id extends AbstractExtensionId<NodeReadiness> {
        @Override
        public NodeReadiness createExtension(ExtendedActorSystem system) {
            return new NodeReadiness();
        }
    }
}
