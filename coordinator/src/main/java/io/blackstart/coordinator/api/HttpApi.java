package io.blackstart.coordinator.api;

import io.blackstart.coordinator.CoordinatorSettings;
import io.blackstart.coordinator.recovery.RecoveryManager;
import io.blackstart.coordinator.status.StatusBoard;
import io.blackstart.coordinator.status.StatusSnapshot;
import io.blackstart.coordinator.tracker.TrackerSettings;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.blackstart.protocol.trust.NodeIdentity;
import io.blackstart.protocol.SpecError;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpEntity;
import org.apache.pekko.http.javadsl.model.HttpMethod;
import org.apache.pekko.http.javadsl.model.HttpMethods;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCode;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.model.headers.RawHeader;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.ExceptionHandler;
import org.apache.pekko.http.javadsl.server.RejectionHandler;
import org.apache.pekko.http.javadsl.server.Route;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.Iterator;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;

/**
 * The coordinator's HTTP API (DESIGN.md "HTTP API"). Reads go to this node's {@link StatusBoard} (no actor is
 * asked per request); {@code POST /api/v1/recovery} needs {@code Authorization: Bearer <token>} and asks the
 * recovery manager singleton. Every error is JSON {@code {"error": "..."}}; bad input is always a 4xx. The token
 * is compared in constant time and never logged.
 */
public final class HttpApi extends AllDirectives {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> STATES = Set.of("pending", "assigned", "starting", "running-unready", "running",
            "needs-attention", "failed");
    private static final Set<String> RECOVERY_FIELDS = Set.of("action", "allowStaleCatalog");

    private final StatusBoard board;
    private final ActorRef<RecoveryManager.Command> manager;
    private final CoordinatorSettings.Api settings;
    private final ActorSystem<?> system;
    private final TrackerRoutes tracker;
    private final Optional<DoctorRoutes> doctor;
    private final Optional<HostDiagnosisRoutes> hosts;
    private final Optional<NodeIdentity> identity;

    public HttpApi(StatusBoard board, ActorRef<RecoveryManager.Command> manager, CoordinatorSettings.Api settings,
                   ActorSystem<?> system) {
        this(board, manager, settings, system, new TrackerRoutes(board, new EventStream(board, system),
                new Metrics(board), TrackerSettings.DEFAULT));
    }

    /** With the tracker's routes (events, metrics, report, dashboard) built by the caller. */
    public HttpApi(StatusBoard board, ActorRef<RecoveryManager.Command> manager, CoordinatorSettings.Api settings,
                   ActorSystem<?> system, TrackerRoutes tracker) {
        this(board, manager, settings, system, tracker, Optional.empty());
    }

    /** With the tracker's routes and, if present, {@code GET /api/v1/doctor}. */
    public HttpApi(StatusBoard board, ActorRef<RecoveryManager.Command> manager, CoordinatorSettings.Api settings,
                   ActorSystem<?> system, TrackerRoutes tracker, Optional<DoctorRoutes> doctor) {
        this(board, manager, settings, system, tracker, doctor, Optional.empty());
    }

    /** With the tracker's routes and, if present, {@code GET /api/v1/doctor} and {@code GET /api/v1/hosts/diagnosis}. */
    public HttpApi(StatusBoard board, ActorRef<RecoveryManager.Command> manager, CoordinatorSettings.Api settings,
                   ActorSystem<?> system, TrackerRoutes tracker, Optional<DoctorRoutes> doctor,
                   Optional<HostDiagnosisRoutes> hosts) {
        this(board, manager, settings, system, tracker, doctor, hosts, Optional.empty());
    }

    /** ... and with this node's cluster identity, which signs the operator's mode commands (TLS on). */
    public HttpApi(StatusBoard board, ActorRef<RecoveryManager.Command> manager, CoordinatorSettings.Api settings,
                   ActorSystem<?> system, TrackerRoutes tracker, Optional<DoctorRoutes> doctor,
                   Optional<HostDiagnosisRoutes> hosts, Optional<NodeIdentity> identity) {
        this.identity = identity;
        this.doctor = doctor;
        this.hosts = hosts;
        this.board = board;
        this.manager = manager;
        this.settings = settings;
        this.system = system;
        this.tracker = tracker;
    }

    /** The sealed route: JSON errors for rejections (404, 405, ...) and for unexpected exceptions. */
    public Route route() {
        Route api = pathPrefix("api", () -> pathPrefix("v1", () -> concat(
                path("status", () -> only(HttpMethods.GET, this::status)),
                path("nodes", () -> only(HttpMethods.GET, this::nodes)),
                path("cluster", () -> only(HttpMethods.GET, this::cluster)),
                path("apps", () -> only(HttpMethods.GET, () -> parameterOptional("state", this::apps))),
                path("recovery", () -> only(HttpMethods.POST, this::recovery)),
                doctor.map(d -> path("doctor", () -> only(HttpMethods.GET, d::route))).orElse(reject()),
                hosts.map(h -> pathPrefix("hosts", () -> path("diagnosis", () -> only(HttpMethods.GET, h::route))))
                        .orElse(reject()),
                tracker.apiRoutes(this::only))));
        RejectionHandler rejections = RejectionHandler.defaultHandler().mapRejectionResponse(r -> {
            if (r.entity() instanceof HttpEntity.Strict strict
                    && !strict.getContentType().equals(ContentTypes.APPLICATION_JSON)) {
                return r.withEntity(ContentTypes.APPLICATION_JSON, error(strict.getData().utf8String()));
            }
            return r;
        });
        ExceptionHandler exceptions = ExceptionHandler.newBuilder()
                .matchAny(t -> {
                    system.log().error("HTTP API failure", t);
                    return json(StatusCodes.INTERNAL_SERVER_ERROR, error("internal error"));
                })
                .build();
        return hostChecked(() -> concat(api, tracker.rootRoutes(this::only),
                extractUnmatchedPath(p -> json(StatusCodes.NOT_FOUND, error("no such resource: " + p)))))
                .seal(rejections, exceptions);
    }

    /**
     * Refuses (421) a request whose Host header names another server than this API ({@link #allowedHosts}): a page
     * from another origin that a DNS-rebinding attack pointed at 127.0.0.1 sends its own name and is not served.
     */
    private Route hostChecked(Supplier<Route> inner) {
        Set<String> allowed = allowedHosts(settings);
        return extractHost(host -> {
            String h = normalizeHost(host);
            if (allowed.contains(h)) {
                return inner.get();
            }
            return json(StatusCodes.MISDIRECTED_REQUEST, error("Host '" + SpecError.echo(host) + "' is not this API; "
                    + "allowed: " + String.join(", ", new java.util.TreeSet<>(allowed))
                    + " (blackstart.coordinator.api.allowed-hosts)"));
        });
    }

    /**
     * The Host names this API answers to: the bind host; for a loopback or wildcard bind also 127.0.0.1, localhost
     * and ::1 (the node's own doctor asks a wildcard-bound API on loopback); plus {@code api.allowed-hosts}.
     */
    static Set<String> allowedHosts(CoordinatorSettings.Api api) {
        Set<String> out = new java.util.HashSet<>();
        String bind = normalizeHost(api.host());
        boolean wildcard = bind.equals("0.0.0.0") || bind.equals("::") || bind.isEmpty();
        if (!wildcard) {
            out.add(bind);
        }
        boolean loopback = bind.equals("localhost") || bind.startsWith("127.") || bind.equals("::1");
        if (loopback || wildcard) {
            out.addAll(Set.of("127.0.0.1", "localhost", "::1"));
        }
        api.allowedHosts().forEach(h -> out.add(normalizeHost(h)));
        return out;
    }

    private static String normalizeHost(String host) {
        String h = host.strip().toLowerCase(Locale.ROOT);
        if (h.startsWith("[") && h.endsWith("]")) {
            h = h.substring(1, h.length() - 1);
        }
        return h.endsWith(".") ? h.substring(0, h.length() - 1) : h;
    }

    Route only(HttpMethod method, Supplier<Route> inner) {
        return extractMethod(m -> m.equals(method) ? inner.get()
                : complete(HttpResponse.create().withStatus(StatusCodes.METHOD_NOT_ALLOWED)
                        .addHeader(RawHeader.create("Allow", method.name()))
                        .withEntity(ContentTypes.APPLICATION_JSON, error("method " + m.name() + " not allowed; use " + method.name()))));
    }

    // ---------------------------------------------------------------- reads

    private Route status() {
        Optional<StatusSnapshot> s = board.latest();
        if (s.isEmpty()) {
            return notYet();
        }
        return json(StatusCodes.OK, statusJson(s.get()).toString());
    }

    /** Degraded recovery as the API shows it, with the one line operators read ({@code message}). */
    static ObjectNode degradedJson(StatusSnapshot.Degraded d) {
        ObjectNode n = JSON.createObjectNode();
        n.put("state", d.state());
        n.put("since", Instant.ofEpochMilli(d.sinceMillis()).toString());
        if (d.catalogCachedAt() > 0) {
            n.put("catalogCachedAt", Instant.ofEpochMilli(d.catalogCachedAt()).toString());
        } else {
            n.putNull("catalogCachedAt");
        }
        n.put("journaled", d.journaled());
        n.put("pendingWriteBack", d.pending());
        n.put("writtenBack", d.writtenBack());
        n.put("keptEtcdRecord", d.keptEtcd());
        if (!d.detail().isEmpty()) {
            n.put("detail", d.detail());
        }
        String cached = d.catalogCachedAt() > 0 ? "catalog cached at " + Instant.ofEpochMilli(d.catalogCachedAt())
                : "the catalog last loaded";
        n.put("message", d.state().equals("journaling")
                ? "degraded: etcd down, recovering from " + cached + " (" + d.journaled()
                + " assignments journaled locally)"
                : "degraded: writing " + d.pending() + " journaled assignments back to etcd");
        return n;
    }

    static ObjectNode statusJson(StatusSnapshot s) {
        ObjectNode n = JSON.createObjectNode();
        n.put("mode", s.mode());
        n.put("modeBy", s.modeBy());
        n.put("since", Instant.ofEpochMilli(s.modeSince()).toString());
        n.put("sinceMillis", s.modeSince());
        n.put("phase", s.phase());
        putCounts(n, s.total());
        ObjectNode tiers = n.putObject("tiers");
        for (String t : new String[]{"platform", "database", "app"}) {
            putCounts(tiers.putObject(t), s.tiers().getOrDefault(t, StatusSnapshot.Counts.ZERO));
        }
        putRejected(n.putArray("rejected"), s);
        n.put("rejectedTotal", s.rejectedTotal());
        n.put("etcd", s.etcdOk() ? "ok" : "degraded");
        if (!s.etcdOk()) {
            n.put("etcdDetail", s.etcdDetail());
        }
        n.put("catalogSource", s.catalogSource());
        if (s.degraded().active()) {
            n.set("degraded", degradedJson(s.degraded()));
        }
        n.put("hosts", s.hosts().size());
        n.put("throughputPerSecond", Math.round(s.throughputPerSecond() * 100) / 100.0);
        if (s.etaSeconds() < 0) {
            n.putNull("etaSeconds");
        } else {
            n.put("etaSeconds", s.etaSeconds());
        }
        n.put("summary", ProgressJson.summary(s, s.generatedAt()));
        n.put("generatedAt", Instant.ofEpochMilli(s.generatedAt()).toString());
        // how old this node's copy is: grows while the singleton moves (a crash failover takes ~15 s)
        n.put("ageMillis", Math.max(0, System.currentTimeMillis() - s.generatedAt()));
        return n;
    }

    private static void putCounts(ObjectNode n, StatusSnapshot.Counts c) {
        n.put("desired", c.desired());
        n.put("running", c.running());
        n.put("starting", c.starting());
        n.put("pending", c.pending());
        n.put("failed", c.failed());
        n.put("unready", c.unready());
        n.put("needsAttention", c.needsAttention());
    }

    private static void putRejected(ArrayNode a, StatusSnapshot s) {
        for (SpecError e : s.rejected()) {
            a.addObject().put("key", e.key()).put("field", e.field()).put("message", e.message());
        }
    }

    private Route nodes() {
        Optional<StatusSnapshot> s = board.latest();
        if (s.isEmpty()) {
            return notYet();
        }
        ObjectNode n = JSON.createObjectNode();
        ArrayNode a = n.putArray("nodes");
        for (StatusSnapshot.HostStatus h : s.get().hosts()) {
            a.add(JSON.valueToTree(h));
        }
        ArrayNode missing = n.putArray("missing"); // hosts the platform had that are not reporting
        if (s.get().tracking() != null) {
            s.get().tracking().missingHosts().forEach(m -> missing.add(HostsPicture.missing(m)));
        }
        return json(StatusCodes.OK, n.toString());
    }

    /** This node's local view of the cluster (no actor asked) with the agents of the latest snapshot. */
    private Route cluster() {
        String provider = system.settings().config().getString("pekko.actor.provider");
        if (!provider.equals("cluster") && !provider.endsWith("ClusterActorRefProvider")) {
            return json(StatusCodes.SERVICE_UNAVAILABLE, error("this coordinator does not run in a cluster"));
        }
        Cluster cluster = Cluster.get(system);
        return json(StatusCodes.OK, ClusterJson.build(cluster.selfMember().address(), cluster.state(), board.latest(),
                System.currentTimeMillis()).toString());
    }

    private Route apps(Optional<String> state) {
        Optional<String> wanted = state.map(x -> x.trim().toLowerCase(Locale.ROOT));
        if (wanted.isPresent() && !STATES.contains(wanted.get()) && !wanted.get().equals("rejected")) {
            return json(StatusCodes.BAD_REQUEST, error("unknown state '" + state.get()
                    + "' (one of pending, assigned, starting, running-unready, running, needs-attention, failed, "
                    + "rejected)"));
        }
        Optional<StatusSnapshot> s = board.latest();
        if (s.isEmpty()) {
            return notYet();
        }
        ObjectNode n = JSON.createObjectNode();
        ArrayNode a = n.putArray("instances");
        if (wanted.isEmpty() || !wanted.get().equals("rejected")) {
            for (StatusSnapshot.InstanceStatus i : s.get().instances()) {
                if (wanted.isEmpty() || wanted.get().equals(i.state())) {
                    a.add(JSON.valueToTree(i));
                }
            }
        }
        putRejected(n.putArray("rejected"), s.get());
        n.put("rejectedTotal", s.get().rejectedTotal());
        return json(StatusCodes.OK, n.toString());
    }

    // ---------------------------------------------------------------- recovery mode

    private Route recovery() {
        return optionalHeaderValueByName("Authorization", auth -> {
            if (settings.token().isEmpty()) {
                return json(StatusCodes.FORBIDDEN, error("mutating calls are disabled: no API token is configured "
                        + "(blackstart.coordinator.api.token or BLACKSTART_TOKEN)"));
            }
            if (auth.isEmpty() || !tokenMatches(auth.get())) {
                return complete(HttpResponse.create().withStatus(StatusCodes.UNAUTHORIZED)
                        .addHeader(RawHeader.create("WWW-Authenticate", "Bearer realm=\"blackstart\""))
                        .withEntity(ContentTypes.APPLICATION_JSON, error("missing or wrong bearer token")));
            }
            return boundedBody(this::recoveryBody);
        });
    }

    /**
     * The request body as text, read only up to {@code api.max-body} (413 above it, whatever Content-Length said;
     * a body that cannot be read in {@code ask-timeout} is a 400).
     */
    private Route boundedBody(java.util.function.Function<String, Route> inner) {
        return extractMaterializer(mat -> extractRequestEntity(entity -> onComplete(
                () -> entity.withSizeLimit(settings.maxBodyBytes()).toStrict(settings.askTimeout().toMillis(), mat),
                body -> {
                    if (body.isSuccess()) {
                        return inner.apply(body.get().getData().utf8String());
                    }
                    for (Throwable t = body.failed().get(); t != null; t = t.getCause()) {
                        if (t instanceof org.apache.pekko.http.scaladsl.model.EntityStreamSizeException) {
                            return json(StatusCodes.PAYLOAD_TOO_LARGE, error(tooLarge()));
                        }
                    }
                    return json(StatusCodes.BAD_REQUEST, error("cannot read the request body: "
                            + SpecError.echo(body.failed().get().getMessage())));
                })));
    }

    private String tooLarge() {
        // the only route with a body reads it through boundedBody, so this is the one place a 413 is made
        return "request body larger than " + settings.maxBodyBytes() + " bytes (blackstart.coordinator.api.max-body)";
    }

    private boolean tokenMatches(String header) {
        if (!header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return false;
        }
        byte[] given = header.substring(7).trim().getBytes(StandardCharsets.UTF_8);
        return MessageDigest.isEqual(given, settings.token().getBytes(StandardCharsets.UTF_8));
    }

    private Route recoveryBody(String body) {
        JsonNode n;
        try {
            n = JSON.readTree(body);
        } catch (JsonProcessingException e) {
            return json(StatusCodes.BAD_REQUEST, error("body is not valid JSON: " + e.getOriginalMessage()));
        }
        if (n == null || !n.isObject()) {
            return json(StatusCodes.BAD_REQUEST, error("body must be a JSON object like {\"action\":\"start\"}"));
        }
        for (Iterator<String> it = n.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (!RECOVERY_FIELDS.contains(f)) {
                return json(StatusCodes.BAD_REQUEST, error("unknown field '" + f + "' (known: action, allowStaleCatalog)"));
            }
        }
        JsonNode action = n.get("action");
        if (action == null || !action.isTextual() || !Set.of("start", "stop").contains(action.textValue())) {
            return json(StatusCodes.BAD_REQUEST, error("'action' must be \"start\" or \"stop\""));
        }
        JsonNode stale = n.get("allowStaleCatalog");
        if (stale != null && !stale.isBoolean()) {
            return json(StatusCodes.BAD_REQUEST, error("'allowStaleCatalog' must be a boolean"));
        }
        boolean on = action.textValue().equals("start");
        boolean allowStale = stale != null && stale.booleanValue();
        CompletionStage<RecoveryManager.ModeReply> reply = AskPattern.ask(manager,
                replyTo -> RecoveryManager.SetMode.from(identity, on, allowStale, replyTo), settings.askTimeout(),
                system.scheduler());
        return completeWithFuture(reply.handle((r, err) -> {
            if (err != null) {
                return response(StatusCodes.SERVICE_UNAVAILABLE,
                        error("the recovery manager did not answer within " + settings.askTimeout().toMillis() + " ms"));
            }
            ObjectNode out = JSON.createObjectNode();
            out.put("mode", r.mode());
            out.put("by", r.by());
            out.put("since", Instant.ofEpochMilli(r.since()).toString());
            out.put("message", r.message());
            boolean applied = r.mode().equals(on ? "recovery" : "normal");
            return response(applied ? StatusCodes.OK : StatusCodes.SERVICE_UNAVAILABLE, out.toString());
        }));
    }

    // ---------------------------------------------------------------- helpers

    static Route notYet(AllDirectives d) {
        return d.complete(response(StatusCodes.SERVICE_UNAVAILABLE,
                error("no status yet: the recovery manager has not published one (starting or moving)")));
    }

    private Route notYet() {
        return notYet(this);
    }

    private Route json(StatusCode status, String body) {
        return complete(response(status, body));
    }

    static HttpResponse response(StatusCode status, String body) {
        return HttpResponse.create().withStatus(status).withEntity(ContentTypes.APPLICATION_JSON, body);
    }

    static String error(String message) {
        return JSON.createObjectNode().put("error", message).toString();
    }
}
