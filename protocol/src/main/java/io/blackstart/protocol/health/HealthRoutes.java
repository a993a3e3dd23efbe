package io.blackstart.protocol.health;

import org.apache.pekko.actor.ExtendedActorSystem;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.management.HealthCheckSettings;
import org.apache.pekko.management.javadsl.CheckResult;
import org.apache.pekko.management.javadsl.HealthChecks;
import org.apache.pekko.management.javadsl.ManagementRouteProvider;
import org.apache.pekko.management.javadsl.ManagementRouteProviderSettings;

import java.util.concurrent.CompletionStage;

/**
 * {@code GET /alive} and {@code GET /ready} of the management endpoint (paths from
 * {@code pekko.management.health-checks}), in place of Pekko's own health routes, which answer a failed check with
 * 500 and, for a Java check, name only a lambda class.
 *
 * <p>Runs the configured checks ({@link HealthChecks}): 200 {@code OK} when all pass; otherwise 503 with one line
 * of text saying which condition failed (the message of the failing check's {@link NotReady}, or which check timed
 * out after {@code check-timeout}). Read-only: no route changes anything.
 */
public final class HealthRoutes extends AllDirectives implements ManagementRouteProvider {

    private final HealthCheckSettings settings;
    private final HealthChecks checks;

    /** Constructed by Pekko Management ({@code pekko.management.http.routes.health-checks}). */
    public HealthRoutes(ExtendedActorSystem system) {
        this.settings = HealthCheckSettings.create(system.settings().config().getConfig("pekko.management.health-checks"));
        this.checks = new HealthChecks(system, settings);
    }

    @Override
    public Route routes(ManagementRouteProviderSettings routeSettings) {
        return concat(
                path(settings.readinessPath(), () -> get(() -> completeWithFuture(answer(checks.readyResult())))),
                path(settings.livenessPath(), () -> get(() -> completeWithFuture(answer(checks.aliveResult())))));
    }

    private static CompletionStage<HttpResponse> answer(CompletionStage<CheckResult> result) {
        return result.handle((r, error) -> {
            if (error == null && r.isSuccess()) {
                return HttpResponse.create().withStatus(StatusCodes.OK).withEntity(ContentTypes.TEXT_PLAIN_UTF8, "OK\n");
            }
            String reason = error != null ? reason(error) : r.failure().orElse("not ok");
            return HttpResponse.create().withStatus(StatusCodes.SERVICE_UNAVAILABLE)
                    .withEntity(ContentTypes.TEXT_PLAIN_UTF8, "Not ready: " + reason + "\n");
        });
    }

    /** The innermost message: Pekko wraps a check's failure as "Check [lambda class] failed: ..." around it. */
    static String reason(Throwable error) {
        Throwable t = error;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t.getMessage() == null ? t.toString() : t.getMessage();
    }
}
