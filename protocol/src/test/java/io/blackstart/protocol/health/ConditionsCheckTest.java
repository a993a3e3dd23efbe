package io.blackstart.protocol.health;

import org.apache.pekko.cluster.MemberStatus;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The readiness checks on their own: what they answer for each state, and the reason a 503 carries. */
@Timeout(10)
class ConditionsCheckTest {

    private static String failure(CompletionStage<Boolean> stage) {
        CompletionException e = assertThrows(CompletionException.class, () -> stage.toCompletableFuture().join());
        assertTrue(e.getCause() instanceof NotReady, e.toString());
        return HealthRoutes.reason(e);
    }

    @Test
    void readyOnlyOnceEveryRequiredConditionIsMet() {
        NodeReadiness readiness = new NodeReadiness();
        ConditionsCheck check = new ConditionsCheck(readiness);
        assertTrue(check.get().toCompletableFuture().join(), "nothing required: ready");

        readiness.require("docker", "the engine has not answered yet");
        readiness.require("catalog", "not yet loaded from etcd");
        assertEquals("catalog: not yet loaded from etcd", failure(check.get()), "first unmet by name");
        readiness.met("catalog");
        assertEquals("docker: the engine has not answered yet", failure(check.get()));
        readiness.met("docker");
        assertTrue(check.get().toCompletableFuture().join());

        readiness.unmet("docker", "container event stream broke: connection refused");
        assertEquals("docker: container event stream broke: connection refused", failure(check.get()));
        readiness.unmet("docker", "");
        assertEquals("docker: docker not met", failure(check.get()), "an empty reason still says something");
    }

    @Test
    void requireNeverUndoesWhatTheOwnerAlreadyReported() {
        NodeReadiness readiness = new NodeReadiness();
        readiness.met("catalog"); // the owner can be faster than the node's start
        readiness.require("catalog", "not yet loaded from etcd");
        assertTrue(readiness.firstUnmet().isEmpty());
    }

    @Test
    void memberUpOnlyWhenUp() {
        AtomicReference<MemberStatus> status = new AtomicReference<>(MemberStatus.removed());
        MemberUpCheck check = new MemberUpCheck(status::get);
        assertEquals("cluster: not a cluster member (not joined yet, or removed)", failure(check.get()));
        status.set(MemberStatus.joining());
        assertEquals("cluster: this member is Joining, not Up", failure(check.get()));
        status.set(MemberStatus.weaklyUp());
        assertEquals("cluster: this member is WeaklyUp, not Up", failure(check.get()));
        status.set(MemberStatus.up());
        assertTrue(check.get().toCompletableFuture().join());
        status.set(MemberStatus.leaving());
        assertEquals("cluster: this member is Leaving, not Up", failure(check.get()));
    }

    @Test
    void theReasonIsTheInnermostMessage() {
        RuntimeException wrapped = new RuntimeException("Check [HealthChecksImpl$$Lambda/0x1] failed: x",
                new NotReady("catalog: not yet loaded from etcd"));
        assertEquals("catalog: not yet loaded from etcd", HealthRoutes.reason(new CompletionException(wrapped)));
        assertEquals("Check [x] timed out after 1 second", HealthRoutes.reason(
                new RuntimeException("Check [x] timed out after 1 second")));
    }
}
