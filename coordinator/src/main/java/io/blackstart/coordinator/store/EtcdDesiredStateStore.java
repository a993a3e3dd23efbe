package io.blackstart.coordinator.store;

import io.blackstart.coordinator.CoordinatorSettings;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.blackstart.common.etcd.EtcdAccess;
import io.blackstart.common.etcd.UnaryDeadline;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KV;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.Watch;
import io.etcd.jetcd.kv.GetResponse;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.CmpTarget;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.DeleteOption;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.PutOption;
import io.etcd.jetcd.options.WatchOption;
import io.etcd.jetcd.watch.WatchEvent;
import io.etcd.jetcd.watch.WatchResponse;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.MethodDescriptor;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Predicate;

/** {@link DesiredStateStore} on etcd v3 with jetcd, using the "tuned" client of ETCD.md section 3. */
public final class EtcdDesiredStateStore implements DesiredStateStore {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Client client;
    private final KV kv;
    private final String prefix;
    private final long callTimeoutMillis;
    private final EtcdAccess access;
    private final String endpoints;
    private final CasTimings timings;

    private EtcdDesiredStateStore(Client client, String prefix, long callTimeoutMillis, EtcdAccess access,
                                  String endpoints, CasTimings timings) {
        this.client = client;
        this.timings = timings;
        this.access = access;
        this.endpoints = endpoints;
        this.kv = client.getKVClient();
        this.prefix = prefix;
        this.callTimeoutMillis = callTimeoutMillis;
    }

    /** A store with its own client, configured from {@code settings}; its compare-and-sets are not timed. */
    public static EtcdDesiredStateStore create(CoordinatorSettings.Etcd settings) {
        return create(settings, CasTimings.NONE);
    }

    /** A store with its own client, configured from {@code settings}, telling {@code timings} each CAS's latency. */
    public static EtcdDesiredStateStore create(CoordinatorSettings.Etcd settings, CasTimings timings) {
        long deadline = Math.max(100, settings.callTimeout().toMillis() - 200);
        Client client = settings.access().applyTo(Client.builder())
                .endpoints(settings.endpoints().toArray(String[]::new))
                .waitForReady(false)                        // default true: calls queue forever while not connected
                .connectTimeout(settings.connectTimeout())  // dropped SYNs
                .retryMaxAttempts(0)                        // default retries turn 7 s into 29.5 s under quorum loss
                .keepaliveTime(settings.keepaliveTime())
                .keepaliveTimeout(settings.keepaliveTimeout())
                .maxInboundMessageSize(settings.maxInboundMessageBytes()) // a whole catalog is read in one response
                .interceptor(new UnaryDeadline(deadline))   // frozen / not-ready members: only a deadline helps
                .build();
        return new EtcdDesiredStateStore(client, settings.prefix(), settings.callTimeout().toMillis(),
                settings.access(), String.join(",", settings.endpoints()), timings);
    }

    private String appsDir() {
        return prefix + "/apps/";
    }

    private String assignmentsDir() {
        return prefix + "/assignments/";
    }

    private String agentsDir() {
        return prefix + "/agents/";
    }

    private String modeKey() {
        return prefix + "/mode";
    }

    private static ByteSequence bytes(String s) {
        return ByteSequence.from(s, StandardCharsets.UTF_8);
    }

    private static String text(ByteSequence b) {
        return b.toString(StandardCharsets.UTF_8);
    }

    /** Belt and braces: the deadline interceptor ends the RPC; this bounds the caller's wait regardless. */
    private <T> CompletionStage<T> bounded(CompletableFuture<T> f) {
        return f.orTimeout(callTimeoutMillis, TimeUnit.MILLISECONDS).handle((v, e) -> {
            if (e == null) {
                return v;
            }
            Throwable cause = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
            // authentication and TLS failures are named as such, not as "etcd unavailable"
            throw access.explain(endpoints, cause).<RuntimeException>map(m -> new EtcdAccessException(m, cause))
                    .orElseGet(() -> e instanceof CompletionException ce ? ce : new CompletionException(cause));
        });
    }

    /** Tells {@link #timings} the latency of a CAS begun at {@code t0}, when it completes (not blocking). */
    private <T> CompletionStage<T> timed(String op, long t0, Predicate<T> succeeded, CompletionStage<T> cas) {
        return cas.whenComplete((r, e) -> {
            String outcome = e != null ? CasTimings.FAILED
                    : succeeded.test(r) ? CasTimings.SUCCEEDED : CasTimings.CONFLICT;
            try {
                timings.observe(op, outcome, System.nanoTime() - t0);
            } catch (RuntimeException ignored) {
                // a measurement never changes the write's outcome
            }
        });
    }

    /** An etcd call refused for etcd authentication or TLS; the message names which, and the endpoint. */
    public static final class EtcdAccessException extends RuntimeException {
        EtcdAccessException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private static GetOption prefixGet() {
        return GetOption.builder().isPrefix(true).build();
    }

    @Override
    public CompletionStage<AppsSnapshot> loadApps() {
        return bounded(kv.get(bytes(appsDir()), prefixGet()).thenApply(r -> {
            List<AppDocument> docs = new ArrayList<>();
            for (KeyValue k : r.getKvs()) {
                String key = text(k.getKey());
                docs.add(new AppDocument(key, key.substring(appsDir().length()), text(k.getValue()), k.getModRevision()));
            }
            return new AppsSnapshot(docs, r.getHeader().getRevision());
        }));
    }

    @Override
    public Subscription watchApps(long fromRevision, WatchListener listener) {
        AtomicBoolean done = new AtomicBoolean();
        WatchOption option = WatchOption.builder().isPrefix(true).withRevision(fromRevision).build();
        Watch.Watcher watcher = client.getWatchClient().watch(bytes(appsDir()), option, new Watch.Listener() {
            @Override
            public void onNext(WatchResponse response) {
                if (done.get() || response.getEvents().isEmpty()) {
                    return;
                }
                List<AppChange> changes = new ArrayList<>();
                for (WatchEvent e : response.getEvents()) {
                    KeyValue k = e.getKeyValue();
                    String key = text(k.getKey());
                    switch (e.getEventType()) {
                        case PUT -> changes.add(new AppChange.Put(key, text(k.getValue()), k.getModRevision()));
                        case DELETE -> changes.add(new AppChange.Delete(key, k.getModRevision()));
                        default -> { }
                    }
                }
                listener.onChanges(changes);
            }

            @Override
            public void onError(Throwable error) {
                if (done.compareAndSet(false, true)) {
                    listener.onError(error);
                }
            }

            @Override
            public void onCompleted() {
                if (done.compareAndSet(false, true)) {
                    listener.onError(new IllegalStateException("etcd watch completed"));
                }
            }
        });
        return () -> {
            done.set(true);
            watcher.close();
        };
    }

    @Override
    public CompletionStage<Long> putApp(String appId, String json) {
        return bounded(kv.put(bytes(appsDir() + appId), bytes(json)).thenApply(r -> r.getHeader().getRevision()));
    }

    @Override
    public CompletionStage<Boolean> deleteApp(String appId) {
        return bounded(kv.delete(bytes(appsDir() + appId)).thenApply(r -> r.getDeleted() > 0));
    }

    @Override
    public CompletionStage<Map<String, AssignmentRecord>> loadAssignments() {
        return bounded(kv.get(bytes(assignmentsDir()), prefixGet()).thenApply(r -> {
            Map<String, AssignmentRecord> out = new LinkedHashMap<>();
            for (KeyValue k : r.getKvs()) {
                AssignmentRecord rec = toRecord(k);
                out.put(rec.instanceId(), rec);
            }
            return out;
        }));
    }

    @Override
    public CompletionStage<CasResult> recordAssignment(String instanceId, AssignmentValue value, long expectedModRevision) {
        ByteSequence key = bytes(assignmentsDir() + instanceId);
        Cmp cmp = expectedModRevision == 0
                ? new Cmp(key, Cmp.Op.EQUAL, CmpTarget.version(0))
                : new Cmp(key, Cmp.Op.EQUAL, CmpTarget.modRevision(expectedModRevision));
        long t0 = System.nanoTime();
        return timed(CasTimings.ASSIGNMENT, t0, r -> r instanceof CasResult.Recorded, bounded(kv.txn()
                .If(cmp)
                .Then(Op.put(key, bytes(encode(value)), PutOption.DEFAULT))
                .Else(Op.get(key, GetOption.DEFAULT))
                .commit()
                .thenApply(r -> {
                    if (r.isSucceeded()) {
                        // a txn with one write moves the store revision once: it is the key's new mod revision
                        return new CasResult.Recorded(r.getHeader().getRevision());
                    }
                    Optional<AssignmentRecord> current = Optional.empty();
                    for (GetResponse g : r.getGetResponses()) {
                        if (!g.getKvs().isEmpty()) {
                            current = Optional.of(toRecord(g.getKvs().get(0)));
                        }
                    }
                    return new CasResult.Conflict(current);
                })));
    }

    @Override
    public CompletionStage<Boolean> deleteAssignment(String instanceId) {
        return bounded(kv.delete(bytes(assignmentsDir() + instanceId), DeleteOption.DEFAULT)
                .thenApply(r -> r.getDeleted() > 0));
    }

    @Override
    public CompletionStage<Optional<ModeRecord>> readMode() {
        return bounded(kv.get(bytes(modeKey())).thenApply(r -> r.getKvs().isEmpty()
                ? Optional.<ModeRecord>empty()
                : Optional.of(decodeMode(text(r.getKvs().get(0).getValue())))));
    }

    @Override
    public CompletionStage<Void> writeMode(ModeRecord mode) {
        return bounded(kv.put(bytes(modeKey()), bytes(encodeMode(mode))).thenApply(r -> null));
    }

    @Override
    public CompletionStage<Map<String, StoredAgent>> loadAgents() {
        return bounded(kv.get(bytes(agentsDir()), prefixGet()).thenApply(r -> {
            Map<String, StoredAgent> out = new LinkedHashMap<>();
            for (KeyValue k : r.getKvs()) {
                StoredAgent a = toAgent(k);
                out.put(a.agent().nodeId(), a);
            }
            return out;
        }));
    }

    @Override
    public CompletionStage<AgentWrite> recordAgent(AgentRecord agent, long expectedModRevision) {
        ByteSequence key = bytes(agentsDir() + agent.nodeId());
        Cmp cmp = expectedModRevision == 0
                ? new Cmp(key, Cmp.Op.EQUAL, CmpTarget.version(0))
                : new Cmp(key, Cmp.Op.EQUAL, CmpTarget.modRevision(expectedModRevision));
        long t0 = System.nanoTime();
        return timed(CasTimings.AGENT, t0, r -> r instanceof AgentWrite.Written, bounded(kv.txn()
                .If(cmp)
                .Then(Op.put(key, bytes(encodeAgent(agent)), PutOption.DEFAULT))
                .Else(Op.get(key, GetOption.DEFAULT))
                .commit()
                .thenApply(r -> {
                    if (r.isSucceeded()) {
                        return new AgentWrite.Written(r.getHeader().getRevision());
                    }
                    Optional<StoredAgent> current = Optional.empty();
                    for (GetResponse g : r.getGetResponses()) {
                        if (!g.getKvs().isEmpty()) {
                            current = Optional.of(toAgent(g.getKvs().get(0)));
                        }
                    }
                    return new AgentWrite.Conflict(current);
                })));
    }

    @Override
    public CompletionStage<Void> ping() {
        return bounded(kv.get(bytes(modeKey()), GetOption.builder().withCountOnly(true).build()).thenApply(r -> null));
    }

    /** Deletes everything under the prefix (tests and tooling only). */
    public CompletionStage<Long> deleteAll() {
        return bounded(kv.delete(bytes(prefix + "/"), DeleteOption.builder().isPrefix(true).build())
                .thenApply(r -> r.getDeleted()));
    }

    @Override
    public void close() {
        client.close();
    }

    // ---------------------------------------------------------------- value formats

    private AssignmentRecord toRecord(KeyValue k) {
        String id = text(k.getKey()).substring(assignmentsDir().length());
        return new AssignmentRecord(id, decode(text(k.getValue())), k.getModRevision());
    }

    static String encode(AssignmentValue v) {
        ObjectNode n = JSON.createObjectNode();
        n.put("node", v.node());
        n.put("attempt", v.attempt());
        n.put("coordinator", v.coordinator());
        n.put("at", v.atMillis());
        return n.toString();
    }

    static AssignmentValue decode(String json) {
        try {
            JsonNode n = JSON.readTree(json);
            return new AssignmentValue(n.path("node").asText(""), n.path("attempt").asInt(0),
                    n.path("coordinator").asText(""), n.path("at").asLong(0));
        } catch (IOException e) {
            // an unreadable record still blocks a blind overwrite: it names no node, so it conflicts with all
            return new AssignmentValue("", 0, "unreadable", 0);
        }
    }

    private StoredAgent toAgent(KeyValue k) {
        String id = text(k.getKey()).substring(agentsDir().length());
        return new StoredAgent(decodeAgent(id, text(k.getValue())), k.getModRevision());
    }

    static String encodeAgent(AgentRecord a) {
        ObjectNode n = JSON.createObjectNode();
        n.put("nodeId", a.nodeId());
        n.put("address", a.address());
        n.put("firstSeen", a.firstSeenMillis());
        n.put("lastSeen", a.lastSeenMillis());
        return n.toString();
    }

    /** The record of {@code nodeId} (the key's last segment); an unreadable value keeps the id, nothing else. */
    static AgentRecord decodeAgent(String nodeId, String json) {
        try {
            JsonNode n = JSON.readTree(json);
            return new AgentRecord(nodeId, n.path("address").asText(""), n.path("firstSeen").asLong(0),
                    n.path("lastSeen").asLong(0));
        } catch (IOException e) {
            return new AgentRecord(nodeId, "", 0, 0);
        }
    }

    static String encodeMode(ModeRecord m) {
        ObjectNode n = JSON.createObjectNode();
        n.put("mode", m.mode());
        n.put("since", m.sinceMillis());
        n.put("by", m.by());
        return n.toString();
    }

    static ModeRecord decodeMode(String json) {
        try {
            JsonNode n = JSON.readTree(json);
            return new ModeRecord("recovery".equals(n.path("mode").asText()), n.path("since").asLong(0),
                    n.path("by").asText(ModeRecord.OPERATOR));
        } catch (IOException e) {
            throw new UncheckedIOException("unreadable mode record: " + json, e);
        }
    }
}
