package io.blackstart.scheduler;

import io.blackstart.protocol.wire.ContainerHealth;
import io.blackstart.protocol.wire.StartResult;

import java.util.HashSet;
import java.util.List;
import java.util.PriorityQueue;
import java.util.random.RandomGenerator;

/**
 * What happens to an instance after it was placed: its assignment is recorded or conflicts, its start succeeds,
 * fails or times out, its container's health is seen, its container goes down. Failures retry with backoff up to
 * {@link LedgerSettings#maxAttempts()} and count against their host, which a run of failures penalises.
 */
final class Lifecycle {

    private final LedgerSettings settings;
    private final RandomGenerator random;
    private final InstanceBook book;
    private final HostBook hosts;
    private final PendingIndex pending;
    private final PriorityQueue<Timed> deadlines = new PriorityQueue<>();
    private long timedSeq;

    Lifecycle(LedgerSettings settings, RandomGenerator random, InstanceBook book, HostBook hosts,
              PendingIndex pending) {
        this.settings = settings;
        this.random = random;
        this.book = book;
        this.hosts = hosts;
        this.pending = pending;
    }

    /** The assignment was recorded (etcd compare-and-set succeeded): the start may be sent. */
    void assignmentRecorded(String instanceId, String nodeId, long now) {
        Instance e = book.instances.get(instanceId);
        if (e == null || e.state != InstanceState.ASSIGNED || !nodeId.equals(e.node)) {
            return;
        }
        book.transition(e, InstanceState.STARTING, "assignment recorded", now);
        // a start that needs a pull may first pull for up to the agents' pull timeout: its start timeout begins after
        e.deadlineMillis = now + attemptTimeoutSeconds(e) * 1000L + settings.outcomeGraceMillis()
                + (e.pulling ? settings.pullTimeoutMillis() : 0);
        deadlines.add(new Timed(e.deadlineMillis, timedSeq++, e, null));
        e.history(now, "starting on " + nodeId + " (attempt " + e.attempt + ")");
    }

    /** Recording the assignment failed (another coordinator holds it, or etcd refused): back to pending. */
    void assignmentConflict(String instanceId, String nodeId, String why, long now) {
        Instance e = book.instances.get(instanceId);
        if (e == null || e.state != InstanceState.ASSIGNED || !nodeId.equals(e.node)) {
            return;
        }
        hosts.releaseOutstanding(e);
        book.setNode(e, null);
        String reason = "assignment not recorded: " + why;
        book.transition(e, InstanceState.PENDING, reason, now);
        e.attempt = Math.max(0, e.attempt - 1);
        e.notBeforeMillis = now + settings.backoffBaseMillis();
        e.history(now, reason);
        pending.enqueue(e, now);
    }

    /** See {@link Ledger#startOutcome(String, String, int, StartResult, String, ContainerHealth, long)}. */
    List<StopOrder> startOutcome(String nodeId, String instanceId, int attempt, StartResult result,
                                 String detail, ContainerHealth health, long now) {
        Instance e = book.instances.get(instanceId);
        if (e == null) {
            return result == StartResult.STARTED ? List.of(new StopOrder(instanceId, nodeId, "no longer desired")) : List.of();
        }
        if (result == StartResult.STARTED && e.state.hasContainer() && !nodeId.equals(e.node)) {
            return List.of(new StopOrder(instanceId, nodeId, "duplicate: already running on " + e.node));
        }
        boolean current = (e.state == InstanceState.STARTING || e.state == InstanceState.ASSIGNED)
                && nodeId.equals(e.node) && e.attempt == attempt;
        if (!current) {
            return List.of();
        }
        hosts.releaseOutstanding(e);
        if (result == StartResult.STARTED) {
            Host h = hosts.get(nodeId);
            book.setNode(e, h);
            e.node = nodeId;
            e.history(now, "started on " + nodeId);
            healthSeen(e, health == null ? ContainerHealth.NONE : health, null, "started", now);
            return List.of();
        }
        if (result == StartResult.TIMED_OUT) {
            book.startTimedOut(e.timeoutFactor, settings.maxStartTimeoutFactor());
        }
        fail(e, nodeId, result.name().toLowerCase() + (detail == null ? "" : ": " + detail),
                result != StartResult.REJECTED, now);
        return List.of();
    }

    /** The start timeout the instance's current attempt was sent with, in seconds. */
    private static long attemptTimeoutSeconds(Instance e) {
        return InstanceBook.startTimeoutSeconds(e.app.spec, e.timeoutFactor);
    }

    /** Starts with no outcome past their deadline by {@code now} count as timed out. */
    void timeouts(long now) {
        while (!deadlines.isEmpty() && deadlines.peek().at() <= now) {
            Instance e = deadlines.poll().entry();
            if (e.state == InstanceState.STARTING && now >= e.deadlineMillis) {
                String node = e.node;
                hosts.releaseOutstanding(e);
                long seconds = attemptTimeoutSeconds(e);
                book.startTimedOut(e.timeoutFactor, settings.maxStartTimeoutFactor());
                fail(e, node, "timed_out: no outcome within " + seconds + " s", true, now);
            }
        }
    }

    /** The state of an instance whose container runs with this health. */
    static InstanceState stateFor(ContainerHealth health) {
        return switch (health) {
            case NONE, HEALTHY -> InstanceState.RUNNING;
            case STARTING -> InstanceState.RUNNING_UNREADY;
            case UNHEALTHY -> InstanceState.NEEDS_ATTENTION;
        };
    }

    /**
     * The instance's container runs (on {@code e.node}) with this health: ready, not yet, or needs attention.
     * {@code cause} names why it has a container now (it did not before), or is null when it had one already.
     */
    void healthSeen(Instance e, ContainerHealth health, String detail, String cause, long now) {
        InstanceState to = stateFor(health);
        if (to == InstanceState.NEEDS_ATTENTION) {
            e.failure = "health check failing" + (detail == null || detail.isBlank() ? "" : ": " + detail);
            if (e.state != to) {
                e.history(now, "needs attention on " + e.node + ": " + e.failure);
            }
        } else {
            e.failure = null;
            if (e.state != to && health != ContainerHealth.NONE) {
                e.history(now, to == InstanceState.RUNNING ? "ready (health check passed)"
                        : "waiting for its health check");
            }
        }
        book.transition(e, to, cause != null ? cause : to == InstanceState.NEEDS_ATTENTION ? e.failure
                : to == InstanceState.RUNNING ? "health check passed" : "waiting for its health check", now);
    }

    /** The instance's container stopped or vanished: pending again, a fresh run of attempts. */
    void down(Instance e, String why, long now) {
        book.setNode(e, null);
        book.transition(e, InstanceState.PENDING, why, now);
        e.attempt = 0;
        e.history(now, "down: " + why);
        pending.enqueue(e, now);
    }

    private void fail(Instance e, String nodeId, String reason, boolean hostFault, long now) {
        if (nodeId != null && hostFault) {
            if (e.failedOn == null) {
                e.failedOn = new HashSet<>(2);
            }
            e.failedOn.add(nodeId);
            e.cand = null;
            Host h = hosts.get(nodeId);
            if (h != null) {
                recordHostFailure(h, now);
            }
        }
        book.setNode(e, null);
        e.failure = reason;
        if (e.attempt >= settings.maxAttempts()) {
            book.transition(e, InstanceState.FAILED, reason, now);
            e.history(now, "failed after " + e.attempt + " attempts: " + reason);
            return;
        }
        long delay = Backoff.delayMillis(e.attempt, settings.backoffBaseMillis(), settings.backoffMaxMillis(), random);
        book.transition(e, InstanceState.PENDING, reason, now);
        e.notBeforeMillis = now + delay;
        e.history(now, "attempt " + e.attempt + " failed on " + nodeId + ": " + reason + "; retry in " + delay + " ms");
        pending.enqueue(e, now);
    }

    /** A host that keeps failing starts gets no new ones for a while (swarmkit #1552: it must not look "free"). */
    private void recordHostFailure(Host h, long now) {
        h.failures.addLast(now);
        while (!h.failures.isEmpty() && h.failures.peekFirst() < now - settings.hostPenaltyWindowMillis()) {
            h.failures.pollFirst();
        }
        if (h.failures.size() >= settings.hostPenaltyFailures()) {
            h.failures.clear();
            hosts.penalise(h, now);
            pending.requeueHome(h, now);
        }
    }
}
