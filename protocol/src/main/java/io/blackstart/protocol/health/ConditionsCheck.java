package io.blackstart.protocol.health;

import org.apache.pekko.actor.ActorSystem;

import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;

/**
 * Readiness check (registered under {@code pekko.management.health-checks.readiness-checks}): every condition the node
 * {@link NodeReadiness#require required} holds. Never blocks: it reads what the conditions' owners last published.
 * Not ready is a failed stage whose message names the condition and why, which {@link HealthRoutes} answers with 503.
 */
public final class ConditionsCheck implements Supplier<CompletionStage<Boolean>> {

    private final NodeReadiness readiness;

    /** Constructed by Pekko Management with the node's actor system. */
    public ConditionsCheck(ActorSystem system) {
        this(NodeReadiness.get(system));
    }

    ConditionsCheck(NodeReadiness readiness) {
        this.readiness = readiness;
    }

    @Override
    public CompletionStage<Boolean> get() {
        Optional<String> unmet = readiness.firstUnmet();
        return unmet.isEmpty() ? CompletableFuture.completedFuture(true)
                : CompletableFuture.failedFuture(new NotReady(unmet.get()));
    }
}
