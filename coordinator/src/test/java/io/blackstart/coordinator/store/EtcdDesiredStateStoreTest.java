package io.blackstart.coordinator.store;

import io.blackstart.testsupport.SharedEtcd;
import io.blackstart.testsupport.TestKitExtension;
import io.blackstart.coordinator.CoordinatorSettings;
import io.blackstart.coordinator.TestFixtures;
import io.blackstart.coordinator.catalog.CatalogKeeper;

import io.blackstart.coordinator.store.DesiredStateStore.AppChange;
import io.blackstart.coordinator.store.DesiredStateStore.AssignmentValue;
import io.blackstart.coordinator.store.DesiredStateStore.CasResult;
import io.blackstart.coordinator.store.DesiredStateStore.ModeRecord;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static io.blackstart.coordinator.TestFixtures.spec;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The etcd adapter and the catalog keeper against the real etcd at 127.0.0.1:2379, one fresh prefix per test. */
@Tag("etcd")
@Timeout(60)
public class EtcdDesiredStateStoreTest {

    private static final Duration WAIT = Duration.ofSeconds(10);
    @RegisterExtension
    static final TestKitExtension kit = new TestKitExtension(TestFixtures.localConfig());
    private String prefix;
    private EtcdDesiredStateStore store;

    public static CoordinatorSettings.Etcd etcd(String prefix, String endpoint) {
        return new CoordinatorSettings.Etcd(List.of(endpoint), prefix, Duration.ofSeconds(3), Duration.ofSeconds(1),
                Duration.ofSeconds(10), Duration.ofSeconds(3), 64 << 20);
    }

    @BeforeEach
    void open() {
        prefix = SharedEtcd.uniquePrefix("test");
        store = EtcdDesiredStateStore.create(etcd(prefix, SharedEtcd.ENDPOINT));
    }

    @AfterEach
    void cleanUp() throws Exception {
        store.deleteAll().toCompletableFuture().get(5, TimeUnit.SECONDS);
        store.close();
    }

    private static <T> T await(java.util.concurrent.CompletionStage<T> s) throws Exception {
        return s.toCompletableFuture().get(5, TimeUnit.SECONDS);
    }

    @Test
    void watchSeesPutsAndDeletesOfAppSpecsAfterTheLoadedRevision() throws Exception {
        await(store.putApp("before", spec("before", 1, "app")));
        DesiredStateStore.AppsSnapshot snap = await(store.loadApps());
        assertEquals(1, snap.apps().size());
        assertEquals("before", snap.apps().get(0).appId());
        assertEquals(prefix + "/apps/before", snap.apps().get(0).key());

        LinkedBlockingQueue<AppChange> seen = new LinkedBlockingQueue<>();
        DesiredStateStore.Subscription sub = store.watchApps(snap.revision() + 1, new DesiredStateStore.WatchListener() {
            @Override
            public void onChanges(List<AppChange> changes) {
                seen.addAll(changes);
            }

            @Override
            public void onError(Throwable error) {
                seen.add(new AppChange.Delete("error:" + error, -1));
            }
        });
        try {
            long rev = await(store.putApp("web", spec("web", 2, "app")));
            assertTrue(await(store.deleteApp("web")));
            AppChange put = seen.poll(5, TimeUnit.SECONDS);
            AppChange del = seen.poll(5, TimeUnit.SECONDS);
            assertInstanceOf(AppChange.Put.class, put);
            assertEquals(prefix + "/apps/web", put.key());
            assertEquals("web", put.appId());
            assertEquals(rev, put.modRevision());
            assertTrue(((AppChange.Put) put).json().contains("\"instances\":2"));
            assertInstanceOf(AppChange.Delete.class, del);
            assertEquals("web", del.appId());
            assertEquals(0, seen.size(), "the put before the loaded revision is not replayed");
        } finally {
            sub.close();
        }
    }

    @Test
    void assignmentCompareAndSetLetsOnlyOneWriterWin() throws Exception {
        AssignmentValue mine = new AssignmentValue("host-a", 1, "coord-1", 1000);
        AssignmentValue theirs = new AssignmentValue("host-b", 1, "coord-2", 1001);
        CasResult first = await(store.recordAssignment("web-0", mine, 0));
        assertInstanceOf(CasResult.Recorded.class, first);
        long rev = ((CasResult.Recorded) first).modRevision();

        // a second coordinator that also believed the key absent loses, and learns who won
        CasResult second = await(store.recordAssignment("web-0", theirs, 0));
        CasResult.Conflict c = assertInstanceOf(CasResult.Conflict.class, second);
        assertEquals("host-a", c.current().orElseThrow().value().node());
        assertEquals("coord-1", c.current().orElseThrow().value().coordinator());
        assertEquals(rev, c.current().orElseThrow().modRevision());

        // a stale revision loses too; the current one wins, once
        assertInstanceOf(CasResult.Conflict.class, await(store.recordAssignment("web-0", theirs, rev - 1)));
        CasResult retry = await(store.recordAssignment("web-0", new AssignmentValue("host-a", 2, "coord-1", 2000), rev));
        assertInstanceOf(CasResult.Recorded.class, retry);
        assertInstanceOf(CasResult.Conflict.class, await(store.recordAssignment("web-0", theirs, rev)));

        Map<String, DesiredStateStore.AssignmentRecord> all = await(store.loadAssignments());
        assertEquals(2, all.get("web-0").value().attempt());
        assertEquals(((CasResult.Recorded) retry).modRevision(), all.get("web-0").modRevision());
        assertTrue(await(store.deleteAssignment("web-0")));
        assertTrue(await(store.loadAssignments()).isEmpty());
    }

    @Test
    void agentRecordsAreComparedAndSetAndReadBackAsTheDoctorReadsThem() throws Exception {
        DesiredStateStore.AgentRecord first = new DesiredStateStore.AgentRecord("local-1",
                "pekko://blackstart@127.0.0.1:25531", 1_000, 1_000);
        DesiredStateStore.AgentWrite.Written w = assertInstanceOf(DesiredStateStore.AgentWrite.Written.class,
                await(store.recordAgent(first, 0)));

        // a coordinator that believed the key absent learns the record instead of overwriting its firstSeen
        DesiredStateStore.AgentWrite.Conflict c = assertInstanceOf(DesiredStateStore.AgentWrite.Conflict.class,
                await(store.recordAgent(new DesiredStateStore.AgentRecord("local-1", "x", 5_000, 5_000), 0)));
        assertEquals(new DesiredStateStore.StoredAgent(first, w.modRevision()), c.current().orElseThrow());

        DesiredStateStore.AgentRecord moved = new DesiredStateStore.AgentRecord("local-1",
                "pekko://blackstart@127.0.0.1:25532", 1_000, 9_000);
        assertInstanceOf(DesiredStateStore.AgentWrite.Written.class, await(store.recordAgent(moved, w.modRevision())));
        Map<String, DesiredStateStore.StoredAgent> all = await(store.loadAgents());
        assertEquals(List.of("local-1"), List.copyOf(all.keySet()));
        assertEquals(moved, all.get("local-1").agent());
        // the value is the JSON the doctor parses
        assertEquals("{\"nodeId\":\"local-1\",\"address\":\"pekko://blackstart@127.0.0.1:25532\",\"firstSeen\":1000,"
                + "\"lastSeen\":9000}", EtcdDesiredStateStore.encodeAgent(moved));
    }

    @Test
    void modeIsReadBackAsWritten() throws Exception {
        assertEquals(Optional.empty(), await(store.readMode()));
        await(store.writeMode(new ModeRecord(true, 12345, ModeRecord.AUTO)));
        ModeRecord m = await(store.readMode()).orElseThrow();
        assertTrue(m.recovery());
        assertEquals(12345, m.sinceMillis());
        assertEquals("auto", m.by());
        await(store.writeMode(new ModeRecord(false, 23456, ModeRecord.OPERATOR)));
        assertFalse(await(store.readMode()).orElseThrow().recovery());
    }

    @Test
    void catalogKeeperListsAMalformedSpecWithKeyAndFieldAndKeepsTheValidOne() throws Exception {
        await(store.putApp("good", spec("good", 1, "app")));
        await(store.putApp("bad", "{\"id\":\"bad\",\"image\":\"busybox:1\",\"instances\":\"two\"}"));
        ActorRef<CatalogKeeper.Command> keeper = kit.get().spawn(CatalogKeeper.create(store,
                new CoordinatorSettings.CatalogSettings(null, Duration.ofMillis(100), Duration.ofSeconds(1),
                        Duration.ofMillis(20), Duration.ofSeconds(1))));
        TestProbe<CatalogKeeper.CatalogUpdate> sub = kit.get().createTestProbe(CatalogKeeper.CatalogUpdate.class);
        keeper.tell(new CatalogKeeper.Subscribe(sub.ref()));
        CatalogKeeper.CatalogUpdate u = sub.receiveMessage(WAIT);
        assertEquals(List.of("good"), List.copyOf(u.catalog().apps().keySet()));
        assertEquals(1, u.catalog().rejected().size());
        assertEquals(prefix + "/apps/bad", u.catalog().rejected().get(0).key());
        assertEquals("instances", u.catalog().rejected().get(0).field());
        assertTrue(u.etcdOk());

        // the watch brings a new app; fixing the bad one clears its rejection
        await(store.putApp("bad", spec("bad", 1, "app")));
        CatalogKeeper.CatalogUpdate fixed = sub.fishForMessage(WAIT, x ->
                x.catalog().apps().containsKey("bad")
                        ? org.apache.pekko.actor.testkit.typed.javadsl.FishingOutcomes.complete()
                        : org.apache.pekko.actor.testkit.typed.javadsl.FishingOutcomes.continueAndIgnore()).get(0);
        assertTrue(fixed.catalog().rejected().isEmpty());
        assertNotNull(fixed.catalog().apps().get("good"));
        kit.get().stop(keeper);
    }

    @Test
    void everyCallToADeadEndpointEndsWithinTheCallTimeout() {
        try (EtcdDesiredStateStore dead = EtcdDesiredStateStore.create(etcd(prefix, "http://127.0.0.1:1"))) {
            long t0 = System.nanoTime();
            Throwable err = dead.loadApps().handle((r, e) -> e).toCompletableFuture().join();
            long ms = (System.nanoTime() - t0) / 1_000_000;
            assertNotNull(err, "a call to a refused port fails");
            assertTrue(ms < 4000, "bounded: " + ms + " ms");
            assertNotNull(dead.recordAssignment("x-0", new AssignmentValue("n", 1, "c", 1), 0)
                    .handle((r, e) -> e).toCompletableFuture().join());
        }
    }
}
