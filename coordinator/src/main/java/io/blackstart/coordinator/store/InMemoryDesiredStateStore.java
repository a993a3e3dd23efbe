package io.blackstart.coordinator.store;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An in-memory {@link DesiredStateStore} with etcd's semantics (one global revision, compare-and-set on mod
 * revisions, watches from a revision), plus what a real etcd cannot be made to do on demand: be down
 * ({@link #setDown}) and count calls. Thread-safe; completes stages asynchronously like a real client.
 *
 * <p>In main code (not only tests) so that the coordinator benchmark and tests of other modules can run the real
 * recovery manager without an etcd. Not for production: nothing is persisted.
 */
public final class InMemoryDesiredStateStore implements DesiredStateStore {

    private record Entry(String value, long modRevision) {
    }

    private final String prefix;
    private final TreeMap<String, Entry> data = new TreeMap<>();
    private final List<AppChange> history = new ArrayList<>();
    private final List<Watcher> watchers = new CopyOnWriteArrayList<>();
    // one thread, so watchers see changes in revision order (like an etcd watch stream)
    private final ExecutorService notifier = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "in-memory-store-watch");
        t.setDaemon(true);
        return t;
    });
    // completes the stages, in call order, like the single response stream of an etcd client. Not
    // CompletableFuture's default async pool: with fewer than three cores the common pool's parallelism is 1 and
    // supplyAsync then starts a new thread per call (one per assignment: 55,000 thread starts in a benchmark run)
    private final ExecutorService completer = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "in-memory-store-calls");
        t.setDaemon(true);
        return t;
    });
    private long revision = 1;
    private volatile boolean down;
    public final AtomicInteger casCalls = new AtomicInteger();
    public final AtomicInteger agentWrites = new AtomicInteger();

    private record Watcher(WatchListener listener, boolean[] closed) {
    }

    public InMemoryDesiredStateStore() {
        this("/blackstart");
    }

    public InMemoryDesiredStateStore(String prefix) {
        this.prefix = prefix;
    }

    public void setDown(boolean down) {
        this.down = down;
    }

    private <T> CompletionStage<T> call(java.util.function.Supplier<T> body) {
        if (down) {
            return CompletableFuture.supplyAsync(() -> {
                throw new IllegalStateException("UNAVAILABLE: store down (test)");
            }, completer);
        }
        T result;
        synchronized (this) {
            result = body.get();
        }
        return CompletableFuture.supplyAsync(() -> result, completer);
    }

    private String apps() {
        return prefix + "/apps/";
    }

    private String assignments() {
        return prefix + "/assignments/";
    }

    @Override
    public CompletionStage<AppsSnapshot> loadApps() {
        return call(() -> {
            List<AppDocument> docs = new ArrayList<>();
            data.subMap(apps(), apps() + Character.MAX_VALUE).forEach((k, e) ->
                    docs.add(new AppDocument(k, k.substring(apps().length()), e.value(), e.modRevision())));
            return new AppsSnapshot(docs, revision);
        });
    }

    @Override
    public synchronized Subscription watchApps(long fromRevision, WatchListener listener) {
        boolean[] closed = {false};
        Watcher w = new Watcher(listener, closed);
        List<AppChange> missed = history.stream().filter(c -> c.modRevision() >= fromRevision).toList();
        watchers.add(w);
        if (!missed.isEmpty()) {
            notifier.execute(() -> listener.onChanges(missed));
        }
        return () -> {
            closed[0] = true;
            watchers.remove(w);
        };
    }

    /** Ends every watch with an error (like a compaction or a cancelled stream). */
    public void failWatches(Throwable error) {
        for (Watcher w : watchers) {
            watchers.remove(w);
            w.listener().onError(error);
        }
    }

    private void notify(AppChange change) {
        history.add(change);
        for (Watcher w : watchers) {
            notifier.execute(() -> {
                if (!w.closed()[0]) {
                    w.listener().onChanges(List.of(change));
                }
            });
        }
    }

    @Override
    public CompletionStage<Long> putApp(String appId, String json) {
        return call(() -> {
            long rev = ++revision;
            data.put(apps() + appId, new Entry(json, rev));
            notify(new AppChange.Put(apps() + appId, json, rev));
            return rev;
        });
    }

    @Override
    public CompletionStage<Boolean> deleteApp(String appId) {
        return call(() -> {
            Entry e = data.remove(apps() + appId);
            if (e == null) {
                return false;
            }
            long rev = ++revision;
            notify(new AppChange.Delete(apps() + appId, rev));
            return true;
        });
    }

    @Override
    public CompletionStage<Map<String, AssignmentRecord>> loadAssignments() {
        return call(() -> {
            Map<String, AssignmentRecord> out = new LinkedHashMap<>();
            data.subMap(assignments(), assignments() + Character.MAX_VALUE).forEach((k, e) -> {
                String id = k.substring(assignments().length());
                out.put(id, new AssignmentRecord(id, EtcdDesiredStateStore.decode(e.value()), e.modRevision()));
            });
            return out;
        });
    }

    @Override
    public CompletionStage<CasResult> recordAssignment(String instanceId, AssignmentValue value, long expectedModRevision) {
        casCalls.incrementAndGet();
        return call(() -> {
            String key = assignments() + instanceId;
            Entry e = data.get(key);
            long current = e == null ? 0 : e.modRevision();
            if (current != expectedModRevision) {
                return new CasResult.Conflict(e == null ? Optional.empty()
                        : Optional.of(new AssignmentRecord(instanceId, EtcdDesiredStateStore.decode(e.value()), e.modRevision())));
            }
            long rev = ++revision;
            data.put(key, new Entry(EtcdDesiredStateStore.encode(value), rev));
            return new CasResult.Recorded(rev);
        });
    }

    @Override
    public CompletionStage<Boolean> deleteAssignment(String instanceId) {
        return call(() -> {
            boolean existed = data.remove(assignments() + instanceId) != null;
            if (existed) {
                revision++;
            }
            return existed;
        });
    }

    /** The stored assignment records (for assertions). */
    public synchronized Map<String, AssignmentRecord> assignmentsNow() {
        return loadAssignmentsSync();
    }

    private Map<String, AssignmentRecord> loadAssignmentsSync() {
        Map<String, AssignmentRecord> out = new LinkedHashMap<>();
        data.subMap(assignments(), assignments() + Character.MAX_VALUE).forEach((k, e) -> {
            String id = k.substring(assignments().length());
            out.put(id, new AssignmentRecord(id, EtcdDesiredStateStore.decode(e.value()), e.modRevision()));
        });
        return out;
    }

    /** Writes an assignment record directly (as an earlier coordinator incarnation would have). */
    public synchronized long seedAssignment(String instanceId, AssignmentValue value) {
        long rev = ++revision;
        data.put(assignments() + instanceId, new Entry(EtcdDesiredStateStore.encode(value), rev));
        return rev;
    }

    @Override
    public CompletionStage<Optional<ModeRecord>> readMode() {
        return call(() -> Optional.ofNullable(data.get(prefix + "/mode"))
                .map(e -> EtcdDesiredStateStore.decodeMode(e.value())));
    }

    /** The stored mode (for assertions). */
    public synchronized Optional<ModeRecord> modeNow() {
        return Optional.ofNullable(data.get(prefix + "/mode")).map(e -> EtcdDesiredStateStore.decodeMode(e.value()));
    }

    @Override
    public CompletionStage<Void> writeMode(ModeRecord mode) {
        return call(() -> {
            data.put(prefix + "/mode", new Entry(EtcdDesiredStateStore.encodeMode(mode), ++revision));
            return null;
        });
    }

    private String agents() {
        return prefix + "/agents/";
    }

    @Override
    public CompletionStage<Map<String, StoredAgent>> loadAgents() {
        return call(this::agentsNowSync);
    }

    /** The stored agent records (for assertions). */
    public synchronized Map<String, StoredAgent> agentsNow() {
        return agentsNowSync();
    }

    private Map<String, StoredAgent> agentsNowSync() {
        Map<String, StoredAgent> out = new LinkedHashMap<>();
        data.subMap(agents(), agents() + Character.MAX_VALUE).forEach((k, e) -> {
            String id = k.substring(agents().length());
            out.put(id, new StoredAgent(EtcdDesiredStateStore.decodeAgent(id, e.value()), e.modRevision()));
        });
        return out;
    }

    @Override
    public CompletionStage<AgentWrite> recordAgent(AgentRecord agent, long expectedModRevision) {
        agentWrites.incrementAndGet();
        return call(() -> {
            String key = agents() + agent.nodeId();
            Entry e = data.get(key);
            long current = e == null ? 0 : e.modRevision();
            if (current != expectedModRevision) {
                return new AgentWrite.Conflict(e == null ? Optional.empty() : Optional.of(new StoredAgent(
                        EtcdDesiredStateStore.decodeAgent(agent.nodeId(), e.value()), e.modRevision())));
            }
            long rev = ++revision;
            data.put(key, new Entry(EtcdDesiredStateStore.encodeAgent(agent), rev));
            return new AgentWrite.Written(rev);
        });
    }

    @Override
    public CompletionStage<Void> ping() {
        return call(() -> null);
    }

    @Override
    public void close() {
        watchers.clear();
        notifier.shutdown();
        completer.shutdown();
    }
}
