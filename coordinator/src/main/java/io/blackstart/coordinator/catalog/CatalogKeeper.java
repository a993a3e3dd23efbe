package io.blackstart.coordinator.catalog;

import io.blackstart.common.Failures;
import io.blackstart.coordinator.CoordinatorNode;
import io.blackstart.coordinator.CoordinatorSettings;
import io.blackstart.coordinator.store.DesiredStateStore;

import io.blackstart.protocol.AppSpec;
import io.blackstart.protocol.Catalog;
import io.blackstart.protocol.CatalogValidator;
import io.blackstart.protocol.SpecError;
import io.blackstart.protocol.health.NodeReadiness;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * Keeps the desired state (one per coordinator node).
 *
 * <p><b>Responsibility.</b> Loads every {@code <prefix>/apps/*} document, watches the prefix from the loaded
 * revision, validates the whole set with {@link CatalogValidator} (debounced, so an import of a thousand apps is
 * validated once) and publishes the resulting {@link Catalog} — valid apps plus rejected documents with reasons —
 * to its subscribers. When a document that was valid becomes invalid, the app keeps its last valid spec (its
 * containers are not stopped over a typo) and the rejection is listed. Every valid catalog is cached on disk.
 *
 * <p><b>States.</b> <i>loading</i> (a load is in flight), <i>watching</i> (loaded, watch open, probing etcd every
 * probe-interval), <i>retrying</i> (etcd unreachable or the watch ended: degraded is published, the load is
 * retried with exponential backoff between retry-backoff-min and -max). A catalog read from the disk cache is
 * published once with source {@link Source#CACHE} while no etcd catalog exists; it is used for recovery only if
 * an operator allows a stale catalog.
 *
 * <p><b>Never</b> blocks: store calls come back through {@code pipeToSelf}, watch callbacks only {@code tell},
 * cache files are read and written on the blocking dispatcher. It never writes to etcd.
 *
 * <p>It owns the node's readiness condition {@link CoordinatorNode#CATALOG_CONDITION}: met with the first catalog
 * loaded from etcd (the disk cache does not count), and kept when etcd goes away later.
 */
public final class CatalogKeeper {

    /** Where a published catalog came from. */
    public enum Source { ETCD, CACHE }

    /** Messages of the catalog keeper. */
    public sealed interface Command {
    }

    /** Receive every catalog update, starting with the current one (if any). */
    public record Subscribe(ActorRef<CatalogUpdate> subscriber) implements Command {
    }

    /** Reply with the current state (an empty ETCD catalog at revision 0 if nothing was loaded yet). */
    public record Get(ActorRef<CatalogUpdate> replyTo) implements Command {
    }

    /**
     * The current desired state.
     *
     * @param catalog   valid apps and rejected documents
     * @param revision  the etcd revision the catalog reflects (from the cache: the revision it was saved at)
     * @param source    etcd, or the disk cache while etcd is unreachable
     * @param etcdOk    false while etcd is unreachable (degraded)
     * @param etcdDetail why etcd is considered unreachable (empty when ok)
     */
    /**
     * A catalog as published. Its rejected list holds at most {@code catalog.status-rejected} entries (the first
     * by key); {@code rejectedTotal} counts them all. {@code savedAtMillis} is when a {@link Source#CACHE} catalog was
     * written to the cache (epoch millis; 0 for an etcd catalog).
     */
    public record CatalogUpdate(Catalog catalog, long revision, Source source, boolean etcdOk, String etcdDetail,
                                int rejectedTotal, long savedAtMillis) {
        public CatalogUpdate(Catalog catalog, long revision, Source source, boolean etcdOk, String etcdDetail,
                             int rejectedTotal) {
            this(catalog, revision, source, etcdOk, etcdDetail, rejectedTotal, 0);
        }

        public CatalogUpdate(Catalog catalog, long revision, Source source, boolean etcdOk, String etcdDetail) {
            this(catalog, revision, source, etcdOk, etcdDetail, catalog.rejected().size());
        }
    }

    private record Loaded(DesiredStateStore.AppsSnapshot snapshot) implements Command {
    }

    private record LoadFailed(Throwable error) implements Command {
    }

    private enum Retry implements Command { INSTANCE }

    private record WatchChanges(long generation, List<DesiredStateStore.AppChange> changes) implements Command {
    }

    private record WatchFailed(long generation, Throwable error) implements Command {
    }

    private enum Revalidate implements Command { INSTANCE }

    private enum Probe implements Command { INSTANCE }

    private record ProbeDone(Throwable error) implements Command {
    }

    private record CacheRead(Optional<CatalogCache.Cached> cached, Throwable error) implements Command {
    }

    private record CacheWritten(Throwable error) implements Command {
    }

    private record SubscriberGone(ActorRef<CatalogUpdate> subscriber) implements Command {
    }

    public static Behavior<Command> create(DesiredStateStore store, CoordinatorSettings.CatalogSettings settings) {
        return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> new CatalogKeeper(ctx, timers, store, settings).behavior()));
    }

    private final ActorContext<Command> ctx;
    private final TimerScheduler<Command> timers;
    private final DesiredStateStore store;
    private final CoordinatorSettings.CatalogSettings settings;
    private final Executor blocking;
    private final Set<ActorRef<CatalogUpdate>> subscribers = new HashSet<>();
    private final Map<String, String> docs = new TreeMap<>();          // key -> json
    private final Map<String, String> lastValidJson = new HashMap<>(); // appId -> json of its last valid spec
    private DesiredStateStore.Subscription watch;
    private long watchGeneration;
    private long revision;
    private boolean loading;
    private boolean loadedOnce;
    private Duration backoff;
    private CatalogUpdate current;
    private boolean etcdOk = true;
    private String etcdDetail = "";
    private Catalog lastCached;

    private CatalogKeeper(ActorContext<Command> ctx, TimerScheduler<Command> timers, DesiredStateStore store,
                          CoordinatorSettings.CatalogSettings settings) {
        this.ctx = ctx;
        this.timers = timers;
        this.store = store;
        this.settings = settings;
        this.blocking = ctx.getSystem().dispatchers().lookup(DispatcherSelector.blocking());
        this.backoff = settings.retryBackoffMin();
        load();
        if (settings.cacheFile() != null) {
            ctx.pipeToSelf(CompletableFuture.supplyAsync(() -> {
                try {
                    return CatalogCache.read(settings.cacheFile(), settings.specLimits());
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }, blocking), CacheRead::new);
        }
        timers.startTimerWithFixedDelay(Probe.INSTANCE, settings.probeInterval());
    }

    private Behavior<Command> behavior() {
        return Behaviors.receive(Command.class)
                .onMessage(Subscribe.class, this::onSubscribe)
                .onMessage(Get.class, this::onGet)
                .onMessage(SubscriberGone.class, m -> { subscribers.remove(m.subscriber()); return Behaviors.same(); })
                .onMessage(Loaded.class, this::onLoaded)
                .onMessage(LoadFailed.class, this::onLoadFailed)
                .onMessage(Retry.class, m -> { load(); return Behaviors.same(); })
                .onMessage(WatchChanges.class, this::onWatchChanges)
                .onMessage(WatchFailed.class, this::onWatchFailed)
                .onMessage(Revalidate.class, m -> { revalidate(); return Behaviors.same(); })
                .onMessage(Probe.class, this::onProbe)
                .onMessage(ProbeDone.class, this::onProbeDone)
                .onMessage(CacheRead.class, this::onCacheRead)
                .onMessage(CacheWritten.class, this::onCacheWritten)
                .onSignal(PostStop.class, s -> { closeWatch(); return Behaviors.same(); })
                .build();
    }

    private Behavior<Command> onSubscribe(Subscribe m) {
        if (subscribers.add(m.subscriber())) {
            ctx.watchWith(m.subscriber(), new SubscriberGone(m.subscriber()));
        }
        if (current != null) {
            m.subscriber().tell(current);
        }
        return Behaviors.same();
    }

    private Behavior<Command> onGet(Get m) {
        m.replyTo().tell(current != null ? current
                : new CatalogUpdate(Catalog.EMPTY, 0, Source.ETCD, etcdOk, etcdDetail));
        return Behaviors.same();
    }

    private void load() {
        if (loading) {
            return;
        }
        loading = true;
        ctx.pipeToSelf(store.loadApps(), (snap, err) -> err != null ? new LoadFailed(err) : new Loaded(snap));
    }

    private Behavior<Command> onLoaded(Loaded m) {
        loading = false;
        loadedOnce = true;
        NodeReadiness.get(ctx.getSystem()).met(CoordinatorNode.CATALOG_CONDITION);
        closeWatch();
        docs.clear();
        for (DesiredStateStore.AppDocument d : m.snapshot().apps()) {
            docs.put(d.key(), d.json());
        }
        revision = m.snapshot().revision();
        ActorRef<Command> self = ctx.getSelf();
        long generation = ++watchGeneration;
        watch = store.watchApps(revision + 1, new DesiredStateStore.WatchListener() {
            @Override
            public void onChanges(List<DesiredStateStore.AppChange> changes) {
                self.tell(new WatchChanges(generation, changes));
            }

            @Override
            public void onError(Throwable error) {
                self.tell(new WatchFailed(generation, error));
            }
        });
        backoff = settings.retryBackoffMin();
        if (!etcdOk) {
            ctx.getLog().info("etcd reachable again; catalog reloaded at revision {}", revision);
        }
        etcdOk = true;
        etcdDetail = "";
        revalidate();
        return Behaviors.same();
    }

    private Behavior<Command> onLoadFailed(LoadFailed m) {
        loading = false;
        degraded("loading apps failed: " + Failures.describe(m.error()));
        scheduleRetry();
        return Behaviors.same();
    }

    private Behavior<Command> onWatchChanges(WatchChanges m) {
        if (m.generation() != watchGeneration || watch == null) {
            return Behaviors.same(); // from a watch closed since (a reload replaced it)
        }
        for (DesiredStateStore.AppChange c : m.changes()) {
            if (c instanceof DesiredStateStore.AppChange.Put p) {
                docs.put(p.key(), p.json());
            } else {
                docs.remove(c.key());
            }
            revision = Math.max(revision, c.modRevision());
        }
        if (!timers.isTimerActive(Revalidate.INSTANCE)) {
            timers.startSingleTimer(Revalidate.INSTANCE, settings.validateDebounce());
        }
        return Behaviors.same();
    }

    private Behavior<Command> onWatchFailed(WatchFailed m) {
        if (m.generation() != watchGeneration || watch == null) {
            return Behaviors.same();
        }
        closeWatch();
        degraded("watch ended: " + Failures.describe(m.error()));
        scheduleRetry();
        return Behaviors.same();
    }

    private Behavior<Command> onProbe(Probe m) {
        if (watch != null && !loading) {
            ctx.pipeToSelf(store.ping(), (ok, err) -> new ProbeDone(err));
        }
        return Behaviors.same();
    }

    private Behavior<Command> onProbeDone(ProbeDone m) {
        if (watch == null) {
            return Behaviors.same();
        }
        if (m.error() != null) {
            degraded("etcd does not answer: " + Failures.describe(m.error()));
        } else if (!etcdOk) {
            // it answers again: reload so nothing missed while the watch was reconnecting goes unseen
            closeWatch();
            load();
        }
        return Behaviors.same();
    }

    private Behavior<Command> onCacheRead(CacheRead m) {
        if (m.error() != null) {
            ctx.getLog().warn("catalog cache {} unreadable: {}", settings.cacheFile(), Failures.describe(m.error()));
        } else if (m.cached().isPresent() && !loadedOnce) {
            CatalogCache.Cached c = m.cached().get();
            lastCached = c.catalog();
            ctx.getLog().info("catalog cache {} holds {} apps (revision {}); used only if etcd stays unreachable "
                    + "and an operator allows a stale catalog", settings.cacheFile(), c.catalog().apps().size(), c.revision());
            publish(new CatalogUpdate(c.catalog(), c.revision(), Source.CACHE, etcdOk, etcdDetail,
                    c.catalog().rejected().size(), c.savedAtMillis()));
        }
        return Behaviors.same();
    }

    private Behavior<Command> onCacheWritten(CacheWritten m) {
        if (m.error() != null) {
            ctx.getLog().warn("writing catalog cache {} failed: {}", settings.cacheFile(), Failures.describe(m.error()));
        }
        return Behaviors.same();
    }

    private void degraded(String why) {
        boolean changed = etcdOk || !why.equals(etcdDetail);
        if (etcdOk) {
            ctx.getLog().warn("etcd degraded: {}", why);
        }
        etcdOk = false;
        etcdDetail = why;
        if (changed && current != null) {
            publish(new CatalogUpdate(current.catalog(), current.revision(), current.source(), false, why,
                    current.rejectedTotal(), current.savedAtMillis()));
        }
    }

    private void scheduleRetry() {
        timers.startSingleTimer(Retry.INSTANCE, backoff);
        long next = Math.min(settings.retryBackoffMax().toMillis(), Math.max(1, backoff.toMillis() * 2));
        backoff = Duration.ofMillis(next);
    }

    /**
     * Validates the current documents. Documents rejected now whose app had a valid spec before keep that spec
     * in the catalog (their rejection is still listed).
     */
    private void revalidate() {
        List<CatalogValidator.Document> raw = new ArrayList<>();
        Map<String, String> jsonById = new HashMap<>();
        docs.forEach((key, json) -> {
            raw.add(new CatalogValidator.Document(key, lastSegment(key), json));
            jsonById.put(lastSegment(key), json);
        });
        Catalog strict = CatalogValidator.validate(raw, settings.specLimits());
        Set<String> rejectedKeys = new HashSet<>();
        strict.rejected().forEach(e -> rejectedKeys.add(e.key()));
        Catalog effective = strict;
        boolean substituted = false;
        if (!rejectedKeys.isEmpty()) {
            List<CatalogValidator.Document> lenient = new ArrayList<>();
            for (CatalogValidator.Document d : raw) {
                String previous = lastValidJson.get(d.expectedId());
                if (rejectedKeys.contains(d.key()) && previous != null) {
                    lenient.add(new CatalogValidator.Document(d.key(), d.expectedId(), previous));
                    substituted = true;
                } else {
                    lenient.add(d);
                }
            }
            if (substituted) {
                Catalog kept = CatalogValidator.validate(lenient, settings.specLimits());
                List<SpecError> rejected = new ArrayList<>(strict.rejected());
                effective = new Catalog(kept.apps(), rejected);
            }
        }
        lastValidJson.keySet().retainAll(effective.apps().keySet());
        for (AppSpec spec : strict.apps().values()) {
            lastValidJson.put(spec.id(), jsonById.get(spec.id()));
        }
        publish(new CatalogUpdate(effective, revision, Source.ETCD, etcdOk, etcdDetail));
        if (settings.cacheFile() != null && !effective.equals(lastCached)) {
            Catalog toCache = new Catalog(effective.apps(), List.of());
            lastCached = effective;
            long rev = revision;
            long now = System.currentTimeMillis();
            ctx.pipeToSelf(CompletableFuture.runAsync(() -> {
                try {
                    CatalogCache.write(settings.cacheFile(), toCache, rev, now);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }, blocking), (ok, err) -> new CacheWritten(err));
        }
    }

    private void publish(CatalogUpdate full) {
        CatalogUpdate update = full;
        List<SpecError> rejected = full.catalog().rejected();
        if (rejected.size() > settings.statusRejected()) {
            List<SpecError> shown = rejected.stream().sorted(java.util.Comparator.comparing(SpecError::key)
                    .thenComparing(SpecError::field)).limit(settings.statusRejected()).toList();
            update = new CatalogUpdate(new Catalog(full.catalog().apps(), shown), full.revision(), full.source(),
                    full.etcdOk(), full.etcdDetail(), Math.max(full.rejectedTotal(), rejected.size()),
                    full.savedAtMillis());
        }
        if (update.equals(current)) {
            return;
        }
        current = update;
        CatalogUpdate published = update;
        subscribers.forEach(s -> s.tell(published));
    }

    private void closeWatch() {
        if (watch != null) {
            watch.close();
            watch = null;
        }
    }

    private static String lastSegment(String key) {
        return key.substring(key.lastIndexOf('/') + 1);
    }
}
