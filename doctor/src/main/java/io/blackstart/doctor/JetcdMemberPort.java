package io.blackstart.doctor;

import io.blackstart.common.etcd.EtcdAccess;
import io.blackstart.common.etcd.UnaryDeadline;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.cluster.Member;
import io.etcd.jetcd.common.exception.EtcdException;
import io.etcd.jetcd.maintenance.StatusResponse;
import io.etcd.jetcd.options.GetOption;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.MethodDescriptor;
import io.grpc.Status;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * {@link EtcdMemberPort} over jetcd 0.8.7 (client port) and plain HTTP (peer port).
 *
 * <p>Every jetcd client is built for one endpoint with the settings measured in {@code ETCD.md}:
 * {@code waitForReady(false)}, a 1 s connect timeout, no retries, and a gRPC deadline on every unary call,
 * so that a dead, frozen or not-ready member ends each call within the deadline and leaks no channel.
 * Until one Status call in this JVM has succeeded, Status calls get 3 s more, because the first gRPC
 * call of a fresh JVM spends 0.6-2.2 s loading classes inside its deadline; a hung member then costs
 * that much more on a cold start only.
 *
 * <p>A member that answers Status is also asked {@code GET <client URL>/metrics} (plain HTTP, same deadline) for its
 * backend quota, the gauge {@value #QUOTA_GAUGE}.
 */
public final class JetcdMemberPort implements EtcdMemberPort {

    // grpc logs through java.util.logging; keep a strong reference or the level is lost with the logger.
    private static final Logger GRPC_LOG = Logger.getLogger("io.grpc");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long COLD_START_ALLOWANCE_MILLIS = 3000;
    private static final AtomicBoolean WARM = new AtomicBoolean();
    /** The Prometheus gauge of a member's backend quota (etcd 3.4 and later). */
    static final String QUOTA_GAUGE = "etcd_server_quota_backend_bytes";
    private static final ByteSequence PROBE_KEY = ByteSequence.from("blackstart/doctor/probe", StandardCharsets.UTF_8);

    private final Duration callTimeout;
    private final Executor executor;
    private final HttpFetch peerHttp;
    private final HttpFetch clientHttp;
    private final EtcdAccess access;

    /**
     * A port whose every call ends within {@code callTimeout} (plus scheduling slack).
     *
     * @param callTimeout deadline of each call
     * @param executor    runs the two reads of a member concurrently (they block up to the deadline)
     */
    public JetcdMemberPort(Duration callTimeout, Executor executor) {
        this(callTimeout, executor, EtcdAccess.NONE);
    }

    /** A port whose clients use this TLS / user / password; its HTTP calls (peer port, /metrics) the same TLS files. */
    public JetcdMemberPort(Duration callTimeout, Executor executor, EtcdAccess access) {
        GRPC_LOG.setLevel(Level.WARNING);
        this.callTimeout = callTimeout;
        this.executor = executor;
        this.access = access;
        this.peerHttp = new HttpFetch(Duration.ofMillis(Math.min(1000, callTimeout.toMillis())), callTimeout,
                access.jdkContext());
        this.clientHttp = peerHttp;
    }

    @Override
    public EtcdClientView clientSide(String clientUrl) {
        // the first gRPC call of a JVM loads Netty and gRPC classes inside its deadline (measured 0.6-2.2 s),
        // so until one Status call has succeeded, Status calls get a longer deadline
        long statusDeadline = firstCallDeadlineMillis(callTimeout);
        try (Client statusClient = client(clientUrl, statusDeadline); Client client = client(clientUrl,
                callTimeout.toMillis())) {
            long t0 = System.nanoTime();
            StatusResponse s;
            try {
                s = await(() -> statusClient.getMaintenanceClient().statusMember(clientUrl), statusDeadline);
                WARM.set(true);
            } catch (Exception e) {
                return new EtcdClientView(clientUrl, classify(access, clientUrl, e, t0), Optional.empty(), CallOutcome.skipped(),
                        CallOutcome.skipped(), List.of());
            }
            CallOutcome statusCall = CallOutcome.ok(HttpFetch.millisSince(t0));
            EtcdMemberStatus status = new EtcdMemberStatus(s.getHeader().getClusterId(), s.getHeader().getMemberId(),
                    s.getLeader(), s.getRaftIndex(), s.getRaftAppliedIndex(), s.getDbSize(), s.getDbSizeInUse(),
                    s.getErrorList(), s.getVersion());
            CompletableFuture<CallOutcome> serializable = CompletableFuture.supplyAsync(() -> timed(() ->
                    client.getKVClient().get(PROBE_KEY, GetOption.builder().withSerializable(true).build())), executor);
            CompletableFuture<CallOutcome> linearizable = CompletableFuture.supplyAsync(() -> timed(() ->
                    client.getKVClient().get(PROBE_KEY)), executor);
            CompletableFuture<HttpFetch.Answer> metrics = CompletableFuture.supplyAsync(() ->
                    clientHttp.get(clientUrl + "/metrics"), executor);
            List<EtcdMember> members = new ArrayList<>();
            try {
                for (Member m : await(() -> client.getClusterClient().listMember(), callTimeout.toMillis())
                        .getMembers()) {
                    members.add(new EtcdMember(m.getId(), m.getName(), urls(m.getPeerURIs()), urls(m.getClientURIs())));
                }
            } catch (Exception e) {
                // the member list is only used to name members; the Status call above already classified the member
            }
            HttpFetch.Answer m = metrics.join();
            CallOutcome metricsCall = !m.outcome().isOk() || m.status() == 200 ? m.outcome()
                    : new CallOutcome(CallOutcome.Kind.ERROR, "HTTP " + m.status(), m.outcome().millis());
            Optional<Long> quota = metricsCall.isOk() ? quotaOf(m.body()) : Optional.empty();
            if (metricsCall.isOk() && quota.isEmpty()) {
                metricsCall = new CallOutcome(CallOutcome.Kind.ERROR, "no " + QUOTA_GAUGE + " in /metrics",
                        m.outcome().millis());
            }
            return new EtcdClientView(clientUrl, statusCall, Optional.of(status), serializable.join(),
                    linearizable.join(), members, metricsCall, quota);
        }
    }

    @Override
    public EtcdPeerView peerSide(String peerUrl) {
        HttpFetch.Answer members = peerHttp.get(peerUrl + "/members");
        if (!members.outcome().isOk()) {
            return new EtcdPeerView(peerUrl, members.outcome(), Optional.empty(), Optional.empty(), List.of());
        }
        Optional<Long> clusterId = members.header("X-Etcd-Cluster-Id").flatMap(JetcdMemberPort::parseHex);
        List<EtcdMember> list = new ArrayList<>();
        try {
            for (JsonNode m : JSON.readTree(members.body())) {
                list.add(new EtcdMember(Long.parseUnsignedLong(m.path("id").asText("0")), m.path("name").asText(""),
                        strings(m.path("peerURLs")), strings(m.path("clientURLs"))));
            }
        } catch (Exception e) {
            // an unparsable body leaves the list empty; the cluster id header is what matters
        }
        HttpFetch.Answer version = peerHttp.get(peerUrl + "/version");
        Optional<String> clusterVersion = Optional.empty();
        if (version.outcome().isOk() && version.status() == 200) {
            try {
                clusterVersion = Optional.ofNullable(JSON.readTree(version.body()).path("etcdcluster").textValue());
            } catch (Exception e) {
                // unknown version format: leave it empty
            }
        }
        CallOutcome call = members.status() == 200 ? members.outcome()
                : new CallOutcome(CallOutcome.Kind.ERROR, "HTTP " + members.status(), members.outcome().millis());
        return new EtcdPeerView(peerUrl, call, clusterId, clusterVersion, list);
    }

    @Override
    public void close() {
        // clients are per call; nothing is held between calls
    }

    private Client client(String endpoint, long deadlineMillis) {
        return tunedClient(endpoint, callTimeout, deadlineMillis, access);
    }

    /**
     * A client of one endpoint with the settings of ETCD.md section 3: no wait for ready, a connect timeout of at most
     * 1 s, no retries, a gRPC deadline of {@code deadlineMillis} on every unary call.
     */
    static Client tunedClient(String endpoint, Duration callTimeout, long deadlineMillis, EtcdAccess access) {
        GRPC_LOG.setLevel(Level.WARNING);
        return access.applyTo(Client.builder())
                .endpoints(endpoint)
                .waitForReady(false)
                .connectTimeout(Duration.ofMillis(Math.min(1000, callTimeout.toMillis())))
                .retryMaxAttempts(0)
                .interceptor(new UnaryDeadline(deadlineMillis))
                .build();
    }

    /** The deadline of a first call: {@code callTimeout}, plus the cold-start allowance until a call succeeded. */
    static long firstCallDeadlineMillis(Duration callTimeout) {
        return callTimeout.toMillis() + (WARM.get() ? 0 : COLD_START_ALLOWANCE_MILLIS);
    }

    /** Notes that a gRPC call succeeded in this JVM (classes are loaded from now on). */
    static void warm() {
        WARM.set(true);
    }

    static <T> T await(Supplier<CompletableFuture<T>> call, long deadlineMillis) throws Exception {
        // the gRPC deadline ends the call; orTimeout only guards against a call that was never sent
        return call.get().orTimeout(deadlineMillis + 1000, TimeUnit.MILLISECONDS).get();
    }

    private CallOutcome timed(Supplier<? extends CompletableFuture<?>> call) {
        long t0 = System.nanoTime();
        try {
            call.get().orTimeout(callTimeout.toMillis() + 1000, TimeUnit.MILLISECONDS).get();
            return CallOutcome.ok(HttpFetch.millisSince(t0));
        } catch (Exception e) {
            return classify(access, "", e, t0);
        }
    }

    /** Classifies a jetcd failure, etcd authentication and TLS failures first (named by {@link EtcdAccess#explain}). */
    static CallOutcome classify(EtcdAccess access, String endpoint, Throwable e, long t0) {
        Throwable t = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
        Optional<String> why = access.explain(endpoint, t);
        if (why.isPresent()) {
            String m = why.get();
            String text = endpoint.isEmpty() ? m.replaceFirst("^etcd at : ", "") : m;
            return new CallOutcome(m.contains(": TLS") ? CallOutcome.Kind.TLS : CallOutcome.Kind.AUTH, text,
                    HttpFetch.millisSince(t0));
        }
        return classify(e, t0);
    }

    /** Classifies a jetcd failure (see ETCD.md section 3). */
    static CallOutcome classify(Throwable e, long t0) {
        long ms = HttpFetch.millisSince(t0);
        Throwable t = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
        if (t instanceof InterruptedException) {
            Thread.currentThread().interrupt();
            return new CallOutcome(CallOutcome.Kind.TIMEOUT, "interrupted", ms);
        }
        if (t instanceof TimeoutException) {
            return new CallOutcome(CallOutcome.Kind.TIMEOUT, "no answer within " + ms + " ms", ms);
        }
        Status.Code code = t instanceof EtcdException ee
                ? Status.Code.valueOf(ee.getErrorCode().name())
                : Status.fromThrowable(t).getCode();
        String message = String.valueOf(t.getMessage());
        if (code == Status.Code.DEADLINE_EXCEEDED) {
            return new CallOutcome(CallOutcome.Kind.TIMEOUT, "no answer within " + ms + " ms (deadline exceeded)", ms);
        }
        if (message.contains("etcdserver: no leader") || message.contains("etcdserver: request timed out")
                || message.contains("context deadline exceeded")) {
            return new CallOutcome(CallOutcome.Kind.NO_QUORUM, message, ms);
        }
        if (code == Status.Code.UNAVAILABLE) {
            String why = message.contains("refused") || rootMessage(t).contains("refused") ? "connection refused"
                    : message.contains("timed out") || rootMessage(t).contains("timed out") ? "connect timed out"
                    : message;
            return new CallOutcome(CallOutcome.Kind.REFUSED, why, ms);
        }
        return new CallOutcome(CallOutcome.Kind.ERROR, code + ": " + message, ms);
    }

    private static String rootMessage(Throwable t) {
        Throwable r = t;
        while (r.getCause() != null && r.getCause() != r) {
            r = r.getCause();
        }
        return String.valueOf(r.getMessage()).toLowerCase(java.util.Locale.ROOT);
    }

    /** The value of the gauge {@value #QUOTA_GAUGE} in a Prometheus text exposition, if present. */
    static Optional<Long> quotaOf(String metrics) {
        for (String line : metrics.split("\n")) {
            if (line.startsWith(QUOTA_GAUGE + " ") || line.startsWith(QUOTA_GAUGE + "{")) {
                String value = line.substring(line.lastIndexOf(' ') + 1).strip();
                try {
                    double v = Double.parseDouble(value);
                    return v > 0 && v < 9.2e18 ? Optional.of(Math.round(v)) : Optional.empty();
                } catch (NumberFormatException e) {
                    return Optional.empty();
                }
            }
        }
        return Optional.empty();
    }

    private static Optional<Long> parseHex(String s) {
        try {
            return Optional.of(Long.parseUnsignedLong(s.strip(), 16));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    private static List<String> urls(List<URI> uris) {
        return uris.stream().map(u -> u.toString().replaceAll("/$", "")).toList();
    }

    private static List<String> strings(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText().replaceAll("/$", "")));
        return out;
    }

}
