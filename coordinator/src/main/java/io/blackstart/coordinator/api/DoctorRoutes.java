package io.blackstart.coordinator.api;

import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * {@code GET /api/v1/doctor}: runs the doctor ({@link NodeDoctor}) on the dedicated blocking dispatcher
 * {@value #DISPATCHER} (never on an actor's or pekko-http's threads) and answers its JSON report with 200
 * whatever the verdict; a run that takes longer than {@code blackstart.coordinator.doctor.timeout} is answered
 * 503 with a JSON error. Runs are coalesced: at most one runs at a time, a request that arrives while one runs
 * gets that run's report, and the first request after it finished starts a new run (so a burst of requests, or a
 * client retrying in a loop, costs one doctor run, not one each).
 */
public final class DoctorRoutes extends AllDirectives {

    /** Config path of the dispatcher the doctor runs on. */
    public static final String DISPATCHER = "blackstart.coordinator.doctor-dispatcher";

    private final Supplier<DoctorScope> scope;
    private final NodeDoctor doctor;
    private final Executor executor;
    private final Duration timeout;
    private final java.util.concurrent.atomic.AtomicReference<CompletableFuture<String>> running =
            new java.util.concurrent.atomic.AtomicReference<>();
    private final java.util.concurrent.atomic.AtomicLong requests = new java.util.concurrent.atomic.AtomicLong();

    /**
     * @param system  the actor system whose {@value #DISPATCHER} runs the doctor
     * @param scope   what one run looks at, read per request (the API's own URL is known once it is bound)
     * @param doctor  runs the doctor
     * @param timeout how long a request waits for the run
     */
    public DoctorRoutes(ActorSystem<?> system, Supplier<DoctorScope> scope, NodeDoctor doctor, Duration timeout) {
        this.scope = scope;
        this.doctor = doctor;
        this.executor = system.dispatchers().lookup(DispatcherSelector.fromConfig(DISPATCHER));
        this.timeout = timeout;
    }

    /** How many doctor requests this node has answered or is answering. */
    long requests() {
        return requests.get();
    }

    /** The run in progress, or a new one if none is. */
    private CompletableFuture<String> currentRun() {
        while (true) {
            CompletableFuture<String> now = running.get();
            if (now != null && !now.isDone()) {
                return now;
            }
            CompletableFuture<String> next = new CompletableFuture<>();
            if (running.compareAndSet(now, next)) {
                return next.completeAsync(() -> doctor.runJson(scope.get()), executor);
            }
        }
    }

    /** The route answering {@code GET} at the current path. */
    Route route() {
        requests.incrementAndGet();
        // each request waits with its own timeout on a copy: one request timing out does not end the shared run
        CompletableFuture<String> run = currentRun().copy().orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS);
        return completeWithFuture(run.handle((json, err) -> {
            if (err == null) {
                return HttpApi.response(StatusCodes.OK, json);
            }
            Throwable cause = err.getCause() != null ? err.getCause() : err;
            String why = cause instanceof TimeoutException
                    ? "the doctor did not finish within " + timeout.toMillis() + " ms"
                    : "the doctor failed: " + cause;
            return HttpApi.response(StatusCodes.SERVICE_UNAVAILABLE, HttpApi.error(why));
        }));
    }
}
