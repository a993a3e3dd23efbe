package io.blackstart.coordinator.store;

import io.blackstart.coordinator.store.DesiredStateStore.AgentRecord;
import io.blackstart.coordinator.store.DesiredStateStore.AgentWrite;
import io.blackstart.coordinator.store.DesiredStateStore.AssignmentValue;
import io.blackstart.coordinator.store.DesiredStateStore.CasResult;
import io.blackstart.testsupport.SharedEtcd;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static io.blackstart.coordinator.store.EtcdDesiredStateStoreTest.etcd;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The store tells its {@link CasTimings} each compare-and-set's op, outcome and latency (real etcd, fresh prefix). */
@Tag("etcd")
@Timeout(60)
public class EtcdCasTimingsTest {

    private record Observed(String op, String outcome, long nanos) {
    }

    private final List<Observed> seen = new CopyOnWriteArrayList<>();
    private final CasTimings recording = (op, outcome, nanos) -> seen.add(new Observed(op, outcome, nanos));
    private EtcdDesiredStateStore store;

    @BeforeEach
    void open() {
        store = EtcdDesiredStateStore.create(etcd(SharedEtcd.uniquePrefix("cas-timings"), SharedEtcd.ENDPOINT),
                recording);
    }

    @AfterEach
    void cleanUp() throws Exception {
        store.deleteAll().toCompletableFuture().get(5, TimeUnit.SECONDS);
        store.close();
    }

    private static <T> T await(CompletionStage<T> s) throws Exception {
        return s.toCompletableFuture().get(5, TimeUnit.SECONDS);
    }

    private List<String> pairs() {
        return seen.stream().map(o -> o.op() + "/" + o.outcome()).toList();
    }

    @Test
    void aSucceedingAndAConflictingAssignmentAreTimedAsSuch() throws Exception {
        long t0 = System.nanoTime();
        assertInstanceOf(CasResult.Recorded.class,
                await(store.recordAssignment("web-0", new AssignmentValue("host-a", 1, "coord-1", 1000), 0)));
        // the key exists now: expecting it absent is a conflict
        assertInstanceOf(CasResult.Conflict.class,
                await(store.recordAssignment("web-0", new AssignmentValue("host-b", 1, "coord-2", 1001), 0)));
        long elapsed = System.nanoTime() - t0;

        assertEquals(List.of("assignment/succeeded", "assignment/conflict"), pairs(),
                "observed when each CAS completes, before its caller sees the result");
        for (Observed o : seen) {
            assertTrue(o.nanos() > 0 && o.nanos() <= elapsed, "a latency within the calls: " + o);
        }
    }

    @Test
    void agentWritesAreTimedWithTheirOwnOp() throws Exception {
        AgentRecord agent = new AgentRecord("local-1", "pekko://blackstart@127.0.0.1:25531", 1_000, 1_000);
        assertInstanceOf(AgentWrite.Written.class, await(store.recordAgent(agent, 0)));
        assertInstanceOf(AgentWrite.Conflict.class, await(store.recordAgent(agent, 0)));
        assertEquals(List.of("agent/succeeded", "agent/conflict"), pairs());
    }

    @Test
    void aCasThatCannotReachEtcdIsTimedAsFailed() {
        List<Observed> dead = new CopyOnWriteArrayList<>();
        try (EtcdDesiredStateStore unreachable = EtcdDesiredStateStore.create(
                etcd(SharedEtcd.uniquePrefix("cas-timings"), "http://127.0.0.1:1"),
                (op, outcome, nanos) -> dead.add(new Observed(op, outcome, nanos)))) {
            assertNotNull(unreachable.recordAssignment("x-0", new AssignmentValue("n", 1, "c", 1), 0)
                    .handle((r, e) -> e).toCompletableFuture().join(), "a refused port fails the CAS");
        }
        assertEquals(1, dead.size(), dead.toString());
        assertEquals(CasTimings.ASSIGNMENT, dead.get(0).op());
        assertEquals(CasTimings.FAILED, dead.get(0).outcome());
    }
}
