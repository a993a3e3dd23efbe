package io.blackstart.coordinator.catalog;

import io.blackstart.testsupport.Await;
import io.blackstart.testsupport.TestKitExtension;
import io.blackstart.coordinator.CoordinatorSettings;
import io.blackstart.coordinator.TestFixtures;
import io.blackstart.coordinator.store.InMemoryDesiredStateStore;

import io.blackstart.protocol.Catalog;
import org.apache.pekko.actor.testkit.typed.javadsl.FishingOutcomes;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import static io.blackstart.coordinator.TestFixtures.spec;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The catalog keeper on the in-memory store: degraded mode and retries, the disk cache, last valid specs. */
@Timeout(60)
public class CatalogKeeperTest {

    private static final Duration WAIT = Duration.ofSeconds(10);
    @RegisterExtension
    static final TestKitExtension kit = new TestKitExtension(TestFixtures.localConfig());

    @TempDir
    Path dir;

    private static CoordinatorSettings.CatalogSettings settings(Path cache) {
        return new CoordinatorSettings.CatalogSettings(cache, Duration.ofMillis(50), Duration.ofMillis(200),
                Duration.ofMillis(20), Duration.ofMillis(100));
    }

    private static void put(InMemoryDesiredStateStore store, String id, String json) throws Exception {
        store.putApp(id, json).toCompletableFuture().get(5, TimeUnit.SECONDS);
    }

    private static CatalogKeeper.CatalogUpdate fish(TestProbe<CatalogKeeper.CatalogUpdate> p,
                                                    Predicate<CatalogKeeper.CatalogUpdate> wanted) {
        List<CatalogKeeper.CatalogUpdate> got = p.fishForMessage(WAIT,
                u -> wanted.test(u) ? FishingOutcomes.complete() : FishingOutcomes.continueAndIgnore());
        return got.get(got.size() - 1);
    }

    @Test
    void unreachableStoreIsReportedDegradedAndRetriedUntilItAnswers() throws Exception {
        InMemoryDesiredStateStore store = new InMemoryDesiredStateStore();
        put(store, "web", spec("web", 1, "app"));
        store.setDown(true);
        ActorRef<CatalogKeeper.Command> keeper = kit.get().spawn(CatalogKeeper.create(store, settings(null)));
        TestProbe<CatalogKeeper.CatalogUpdate> probe = kit.get().createTestProbe(CatalogKeeper.CatalogUpdate.class);
        TestProbe<CatalogKeeper.CatalogUpdate> get = kit.get().createTestProbe(CatalogKeeper.CatalogUpdate.class);
        CatalogKeeper.CatalogUpdate state = Await.until("degraded while the store is down", WAIT, () -> {
            keeper.tell(new CatalogKeeper.Get(get.ref()));
            return get.receiveMessage(WAIT);
        }, s -> !s.etcdOk());
        assertTrue(state.etcdDetail().contains("store down"), state.etcdDetail());

        keeper.tell(new CatalogKeeper.Subscribe(probe.ref()));
        store.setDown(false); // the next retry (backoff <= 200 ms) loads
        CatalogKeeper.CatalogUpdate ok = fish(probe, u -> u.etcdOk() && u.catalog().apps().containsKey("web"));
        assertEquals(CatalogKeeper.Source.ETCD, ok.source());

        // a dead store behind a live watch is noticed by the probe, and healed by a reload
        store.setDown(true);
        fish(probe, u -> !u.etcdOk());
        store.setDown(false);
        put(store, "db", spec("db", 1, "database"));
        fish(probe, u -> u.etcdOk() && u.catalog().apps().containsKey("db"));
        kit.get().stop(keeper);
    }

    @Test
    void endedWatchIsReplacedByAReloadThatMissesNothing() throws Exception {
        InMemoryDesiredStateStore store = new InMemoryDesiredStateStore();
        ActorRef<CatalogKeeper.Command> keeper = kit.get().spawn(CatalogKeeper.create(store, settings(null)));
        TestProbe<CatalogKeeper.CatalogUpdate> probe = kit.get().createTestProbe(CatalogKeeper.CatalogUpdate.class);
        keeper.tell(new CatalogKeeper.Subscribe(probe.ref()));
        fish(probe, u -> u.etcdOk());
        store.failWatches(new IllegalStateException("compacted"));
        put(store, "web", spec("web", 2, "app"));
        CatalogKeeper.CatalogUpdate u = fish(probe, x -> x.catalog().apps().containsKey("web") && x.etcdOk());
        assertEquals(2, u.catalog().apps().get("web").instances());
        kit.get().stop(keeper);
    }

    @Test
    void aCatalogOfManyBadAppsPublishesTheFirstRejectionsAndTheirCountUnderTheConfiguredLimits() throws Exception {
        InMemoryDesiredStateStore store = new InMemoryDesiredStateStore();
        put(store, "web", spec("web", 3, "app"));
        for (int i = 0; i < 500; i++) {
            put(store, String.format("bad-%03d", i), String.format("{\"id\":\"bad-%03d\"}", i)); // no image
        }
        // a spec over the configured 2 KiB document cap (the default is 64 KiB)
        String bigJson = "{\"id\":\"big\",\"image\":\"busybox:1\",\"env\":{\"X\":\"" + "x".repeat(3000) + "\"}}";
        put(store, "big", bigJson);
        io.blackstart.protocol.SpecLimits limits = new io.blackstart.protocol.SpecLimits(2048, 32, 64, 256, 32 * 1024,
                256, 32 * 1024, 256, 1_000_000);
        ActorRef<CatalogKeeper.Command> keeper = kit.get().spawn(CatalogKeeper.create(store,
                new CoordinatorSettings.CatalogSettings(null, Duration.ofMillis(50), Duration.ofMillis(200),
                        Duration.ofMillis(20), Duration.ofMillis(100), limits, 10)));
        TestProbe<CatalogKeeper.CatalogUpdate> probe = kit.get().createTestProbe(CatalogKeeper.CatalogUpdate.class);
        keeper.tell(new CatalogKeeper.Subscribe(probe.ref()));
        CatalogKeeper.CatalogUpdate u = fish(probe, x -> x.catalog().apps().containsKey("web"));
        assertEquals(501, u.rejectedTotal(), "500 bad apps and the document over the configured cap");
        assertEquals(10, u.catalog().rejected().size(), "at most status-rejected listed");
        assertEquals("/blackstart/apps/bad-000", u.catalog().rejected().get(0).key(), "the first by key");
        assertEquals("/blackstart/apps/bad-009", u.catalog().rejected().get(9).key());
        kit.get().stop(keeper);
        // the same "big" document under the configured cap, checked directly
        var big = io.blackstart.protocol.CatalogValidator.validate(List.of(new io.blackstart.protocol.CatalogValidator
                .Document("/k/big", "big", bigJson)), limits);
        assertTrue(big.rejected().get(0).message().contains("larger than the limit of 2048 bytes"),
                big.rejected().toString());
    }

    @Test
    void appWhoseSpecTurnsInvalidKeepsItsLastValidSpecAndListsTheRejection() throws Exception {
        InMemoryDesiredStateStore store = new InMemoryDesiredStateStore();
        put(store, "web", spec("web", 3, "app"));
        put(store, "db", spec("db", 1, "database"));
        ActorRef<CatalogKeeper.Command> keeper = kit.get().spawn(CatalogKeeper.create(store, settings(null)));
        TestProbe<CatalogKeeper.CatalogUpdate> probe = kit.get().createTestProbe(CatalogKeeper.CatalogUpdate.class);
        keeper.tell(new CatalogKeeper.Subscribe(probe.ref()));
        fish(probe, u -> u.catalog().apps().size() == 2);

        put(store, "web", "{\"id\":\"web\",\"image\":\"busybox:1\",\"instances\":-1}");
        CatalogKeeper.CatalogUpdate u = fish(probe, x -> !x.catalog().rejected().isEmpty());
        assertEquals(3, u.catalog().apps().get("web").instances(), "the last valid spec stays in force");
        assertEquals("instances", u.catalog().rejected().get(0).field());
        assertEquals("/blackstart/apps/web", u.catalog().rejected().get(0).key());
        assertTrue(u.catalog().apps().containsKey("db"));

        // a brand-new invalid app is simply rejected
        put(store, "new", "{\"id\":\"other\",\"image\":\"busybox:1\"}");
        CatalogKeeper.CatalogUpdate v = fish(probe, x -> x.catalog().rejected().size() == 2);
        assertFalse(v.catalog().apps().containsKey("new"));
        assertFalse(v.catalog().apps().containsKey("other"));

        // deleting the app removes it, rejection and all
        store.deleteApp("web").toCompletableFuture().get(5, TimeUnit.SECONDS);
        CatalogKeeper.CatalogUpdate w = fish(probe, x -> !x.catalog().apps().containsKey("web"));
        assertEquals(1, w.catalog().rejected().size());
        kit.get().stop(keeper);
    }

    @Test
    void lastValidCatalogIsCachedOnDiskAndOfferedWhenTheStoreIsDown() throws Exception {
        Path cache = dir.resolve("sub/catalog.json");
        InMemoryDesiredStateStore store = new InMemoryDesiredStateStore();
        put(store, "web", spec("web", 2, "app"));
        put(store, "bad", "{");
        ActorRef<CatalogKeeper.Command> keeper = kit.get().spawn(CatalogKeeper.create(store, settings(cache)));
        TestProbe<CatalogKeeper.CatalogUpdate> probe = kit.get().createTestProbe(CatalogKeeper.CatalogUpdate.class);
        keeper.tell(new CatalogKeeper.Subscribe(probe.ref()));
        fish(probe, u -> u.catalog().apps().containsKey("web"));
        Await.until("the catalog cache written", WAIT, () -> Files.exists(cache));
        kit.get().stop(keeper);
        Catalog cached = CatalogCache.read(cache).orElseThrow().catalog();
        assertEquals(List.of("web"), List.copyOf(cached.apps().keySet()));
        assertTrue(cached.rejected().isEmpty());

        // a new keeper while etcd is down publishes the cache, marked as such
        store.setDown(true);
        ActorRef<CatalogKeeper.Command> second = kit.get().spawn(CatalogKeeper.create(store, settings(cache)));
        TestProbe<CatalogKeeper.CatalogUpdate> p2 = kit.get().createTestProbe(CatalogKeeper.CatalogUpdate.class);
        second.tell(new CatalogKeeper.Subscribe(p2.ref()));
        CatalogKeeper.CatalogUpdate fromCache = fish(p2, u -> u.source() == CatalogKeeper.Source.CACHE);
        assertEquals(2, fromCache.catalog().apps().get("web").instances());
        kit.get().stop(second);
    }
}
