package io.blackstart.coordinator;

import io.blackstart.coordinator.agents.AgentGateway;
import io.blackstart.coordinator.agents.AgentRoster;
import io.blackstart.coordinator.api.DoctorRoutes;
import io.blackstart.coordinator.api.DoctorScope;
import io.blackstart.coordinator.api.NodeDoctor;
import io.blackstart.coordinator.api.EventStream;
import io.blackstart.coordinator.api.HostDiagnosisRoutes;
import io.blackstart.coordinator.api.HttpApi;
import io.blackstart.coordinator.api.Metrics;
import io.blackstart.coordinator.api.TrackerRoutes;
import io.blackstart.coordinator.catalog.CatalogKeeper;
import io.blackstart.coordinator.cluster.ClusterFormation;
import io.blackstart.coordinator.cluster.MemberVetter;
import io.blackstart.coordinator.cluster.SingletonHost;
import io.blackstart.coordinator.jmx.BlackstartMBeans;
import io.blackstart.coordinator.recovery.RecoveryManager;
import io.blackstart.coordinator.status.StatusBoard;
import io.blackstart.coordinator.store.CasTimings;
import io.blackstart.coordinator.store.DesiredStateStore;
import io.blackstart.coordinator.store.EtcdDesiredStateStore;
import io.blackstart.coordinator.tracker.TrackerSettings;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValueFactory;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.SupervisorStrategy;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.typed.ClusterSingleton;
import org.apache.pekko.cluster.typed.ClusterSingletonSettings;
import org.apache.pekko.cluster.typed.SingletonActor;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.http.javadsl.ServerBinding;

import io.blackstart.protocol.health.NodeManagement;
import io.blackstart.protocol.health.NodeReadiness;
import io.blackstart.protocol.trust.NodeIdentity;
import java.net.URI;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Optional;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

/**
 * Starts a coordinator node: the actor system {@code blackstart} with the cluster role {@code coordinator}, the
 * {@link CatalogKeeper}, the {@link RecoveryManager} singleton (role {@code coordinator}), the
 * {@link AgentGateway} with this node's {@link AgentRoster}, the {@link StatusBoard} replica, the {@link HttpApi} (with the tracker's
 * {@link TrackerRoutes}: events, report, metrics, dashboard) and the {@link BlackstartMBeans}.
 *
 * <p>The caller's config must set {@code pekko.actor.provider = cluster}, the Artery address
 * ({@code pekko.remote.artery.canonical.hostname/port}) and {@code pekko.cluster.seed-nodes} (or join
 * programmatically); everything else has defaults in this module's {@code reference.conf}
 * ({@code blackstart.coordinator.*}, split brain resolver and failure detector timings).
 */
public final class CoordinatorNode {

    /** The cluster role of coordinator nodes. */
    public static final String ROLE = "coordinator";
    /** The actor system name every Blackstart node uses. */
    public static final String SYSTEM_NAME = "blackstart";
    /** The readiness condition the {@link CatalogKeeper} owns: the catalog was loaded from etcd at least once. */
    public static final String CATALOG_CONDITION = "catalog";

    private static final String MANAGEMENT = "blackstart.coordinator.management";

    // by identity: a typed ActorSystem is also an ActorRef, equal to any other system with the same name
    private static final Map<ActorSystem<?>, Node> NODES = Collections.synchronizedMap(new IdentityHashMap<>());

    private record Node(StatusBoard board, CompletableFuture<InetSocketAddress> http,
                        ActorRef<RecoveryManager.Command> recoveryManager) {
    }

    private CoordinatorNode() {
    }

    /** Starts a coordinator node against the etcd of {@code blackstart.coordinator.etcd}, without a doctor route. */
    public static ActorSystem<?> start(Config config) {
        return start(config, Optional.empty());
    }

    /**
     * Starts a coordinator node against the etcd of {@code blackstart.coordinator.etcd}.
     *
     * @param doctor runs the doctor behind {@code GET /api/v1/doctor}; without one the route does not exist
     */
    public static ActorSystem<?> start(Config config, Optional<NodeDoctor> doctor) {
        Config resolved = withRole(config);
        CoordinatorSettings settings = CoordinatorSettings.fromConfig(resolved);
        CasTimings.Relay casTimings = new CasTimings.Relay(); // the node's Metrics, once it exists
        EtcdDesiredStateStore store = EtcdDesiredStateStore.create(settings.etcd(), casTimings);
        try {
            return start(resolved, store, true, doctor, casTimings);
        } catch (RuntimeException e) {
            store.close();
            throw e;
        }
    }

    /**
     * Starts a coordinator node on the given store (tests use an in-memory one).
     *
     * @param closeStore close the store when the actor system terminates
     */
    public static ActorSystem<Void> start(Config config, DesiredStateStore store, boolean closeStore) {
        return start(config, store, closeStore, Optional.empty());
    }

    /**
     * Starts a coordinator node on the given store, with {@code doctor} behind {@code GET /api/v1/doctor} if given.
     *
     * @param closeStore close the store when the actor system terminates
     */
    public static ActorSystem<Void> start(Config config, DesiredStateStore store, boolean closeStore,
                                          Optional<NodeDoctor> doctor) {
        return start(config, store, closeStore, doctor, new CasTimings.Relay());
    }

    /**
     * As {@link #start(Config, DesiredStateStore, boolean, Optional)}; {@code casTimings}, the store's, is pointed at
     * the node's {@code Metrics} (histogram {@code blackstart_etcd_cas_latency_seconds}) when the API is enabled.
     */
    static ActorSystem<Void> start(Config config, DesiredStateStore store, boolean closeStore,
                                   Optional<NodeDoctor> doctor, CasTimings.Relay casTimings) {
        Config resolved = withRole(config);
        CoordinatorSettings settings = CoordinatorSettings.fromConfig(resolved);
        StatusBoard board = new StatusBoard();
        CompletableFuture<InetSocketAddress> http = new CompletableFuture<>();
        CompletableFuture<ActorRef<RecoveryManager.Command>> managerRef = new CompletableFuture<>();
        // with TLS: this node's certificate must be a coordinator's (else IllegalArgumentException)
        Optional<NodeIdentity> identity = NodeIdentity.forNode(resolved, ROLE, null);
        org.slf4j.LoggerFactory.getILoggerFactory(); // initialise logback before Pekko logs from other threads
        TrackerSettings tracker = TrackerSettings.fromConfig(resolved);
        ClusterFormation.Settings formation = ClusterFormation.Settings.fromConfig(resolved);
        // the formation actor joins with its own seed order; Pekko must not start its first-seed join as well
        Config systemConfig = formation.active() ? resolved.withValue("pekko.cluster.seed-nodes",
                ConfigValueFactory.fromIterable(List.of())) : resolved;
        ActorSystem<Void> system = ActorSystem.create(guardian(store, settings, tracker, formation, board, http,
                managerRef, identity, doctor, casTimings), SYSTEM_NAME, withoutEtcdPassword(systemConfig));
        system.log().info("coordinator node starting: etcd {} prefix {}, api {}, cluster formation {}",
                settings.etcd().endpoints(), settings.etcd().prefix(), settings.api(), formation.active()
                        ? "by majority of " + formation.coordinatorCount() + " coordinators, seeds " + formation.seeds()
                        : "Pekko's first-seed rule");
        ActorRef<RecoveryManager.Command> manager;
        try {
            manager = managerRef.get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            system.terminate();
            throw new IllegalStateException("coordinator node did not start: " + e, e);
        }
        NODES.put(system, new Node(board, http, manager));
        NodeReadiness.get(system).require(CATALOG_CONDITION, "not yet loaded from etcd");
        NodeManagement.start(system, MANAGEMENT);
        system.getWhenTerminated().whenComplete((d, e) -> {
            NODES.remove(system);
            if (closeStore) {
                store.close();
            }
        });
        return system;
    }

    /**
     * A coordinator's node id, e.g. for the process's log lines: its Artery address {@code host:port}
     * ({@code pekko.remote.artery.canonical}), which names it in the cluster (coordinators have no other id).
     */
    public static String nodeId(Config config) {
        String artery = "pekko.remote.artery.canonical.";
        return config.getString(artery + "hostname") + ":" + config.getInt(artery + "port");
    }

    /** The address the HTTP API is bound to (fails if the API is disabled or could not bind). */
    public static CompletionStage<InetSocketAddress> httpAddress(ActorSystem<?> system) {
        Node n = NODES.get(system);
        return n == null ? CompletableFuture.failedFuture(new IllegalStateException("not a coordinator node")) : n.http();
    }

    /** The address of this node's management endpoint ({@code /alive}, {@code /ready}, {@code /cluster/members}). */
    public static CompletionStage<URI> managementUri(ActorSystem<?> system) {
        return NodeReadiness.get(system).managementUri();
    }

    /** This node's status board (the latest snapshot of the recovery manager). */
    public static StatusBoard statusBoard(ActorSystem<?> system) {
        Node n = NODES.get(system);
        if (n == null) {
            throw new IllegalStateException("not a coordinator node");
        }
        return n.board();
    }

    /** The local proxy of the recovery manager singleton. */
    public static ActorRef<RecoveryManager.Command> recoveryManager(ActorSystem<?> system) {
        Node n = NODES.get(system);
        if (n == null) {
            throw new IllegalStateException("not a coordinator node");
        }
        return n.recoveryManager();
    }

    /** The etcd password is read into the settings above; the actor system's config (and its dump) never holds it. */
    private static Config withoutEtcdPassword(Config config) {
        String key = "blackstart.coordinator.etcd.password";
        return config.hasPath(key) && !config.getString(key).isEmpty()
                ? config.withValue(key, ConfigValueFactory.fromAnyRef("<redacted>")) : config;
    }

    private static Config withRole(Config config) {
        List<String> roles = new ArrayList<>(config.hasPath("pekko.cluster.roles")
                ? config.getStringList("pekko.cluster.roles") : List.of());
        if (!roles.contains(ROLE)) {
            roles.add(ROLE);
        }
        return NodeManagement.configure(ConfigFactory.load(ConfigFactory.empty()
                .withValue("pekko.cluster.roles", ConfigValueFactory.fromIterable(roles))
                .withFallback(config)), MANAGEMENT);
    }

    /**
     * What {@code GET /api/v1/doctor} looks at: this node's config, etcd endpoints and prefix, its own API (once
     * bound; a wildcard bind address is asked on loopback) and its seed nodes.
     */
    static DoctorScope doctorScope(ActorSystem<?> system, CoordinatorSettings settings, List<String> seeds,
                                       CompletableFuture<InetSocketAddress> http) {
        InetSocketAddress bound = http.isDone() && !http.isCompletedExceptionally() ? http.join() : null;
        Optional<String> self = Optional.ofNullable(bound).map(a -> {
            String host = settings.api().host();
            if (host.equals("0.0.0.0") || host.equals("::") || host.isEmpty()) {
                host = "127.0.0.1";
            }
            return "http://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + a.getPort();
        });
        return new DoctorScope(system.settings().config(), settings.etcd().endpoints(), settings.etcd().prefix(), self,
                seeds);
    }

    private static Behavior<Void> guardian(DesiredStateStore store, CoordinatorSettings settings,
                                           TrackerSettings tracker, ClusterFormation.Settings formation,
                                           StatusBoard board,
                                           CompletableFuture<InetSocketAddress> http,
                                           CompletableFuture<ActorRef<RecoveryManager.Command>> managerRef,
                                           Optional<NodeIdentity> identity, Optional<NodeDoctor> doctor,
                                           CasTimings.Relay casTimings) {
        return Behaviors.setup(ctx -> {
            ActorSystem<Void> system = ctx.getSystem();
            if (formation.active()) {
                ctx.spawn(ClusterFormation.create(formation, System::currentTimeMillis), ClusterFormation.NAME);
            }
            identity.ifPresent(id -> {
                ctx.spawn(MemberVetter.prover(id), "coordinator-prover");
                ctx.spawn(MemberVetter.create(id, MemberVetter.Settings.fromConfig(system.settings().config()),
                        System::currentTimeMillis), "member-vetter");
            });
            ActorRef<CatalogKeeper.Command> catalog = ctx.spawn(
                    Behaviors.supervise(CatalogKeeper.create(store, settings.catalog()))
                            .onFailure(SupervisorStrategy.restartWithBackoff(Duration.ofSeconds(1), Duration.ofSeconds(30), 0.2)),
                    "catalog");
            Behavior<RecoveryManager.Command> manager = Behaviors.supervise(
                            RecoveryManager.create(store, catalog, settings.recovery(), System::currentTimeMillis, identity))
                    .onFailure(SupervisorStrategy.restartWithBackoff(Duration.ofSeconds(1), Duration.ofSeconds(30), 0.2));
            ActorRef<RecoveryManager.Command> proxy = ClusterSingleton.get(system).init(
                    SingletonActor.of(manager, "recovery-manager")
                            .withSettings(ClusterSingletonSettings.create(system).withRole(ROLE)));
            managerRef.complete(proxy);
            ActorRef<AgentRoster.Command> roster = ctx.spawn(Behaviors.supervise(AgentRoster.create(store,
                            settings.agents(), System::currentTimeMillis))
                    .onFailure(SupervisorStrategy.restartWithBackoff(Duration.ofSeconds(1), Duration.ofSeconds(30), 0.2)),
                    "agent-roster");
            ctx.spawn(AgentGateway.create(proxy, roster), "agent-gateway");
            if (tracker.jmx()) {
                BlackstartMBeans.register(board, proxy, settings.api().askTimeout(), system, identity);
            }
            ctx.spawn(StatusBoard.replica(board), "status-replica");
            if (settings.api().enabled()) {
                Optional<DoctorRoutes> doctorRoutes = doctor.map(d -> new DoctorRoutes(system,
                        () -> doctorScope(system, settings, formation.seeds(), http), d,
                        system.settings().config().getDuration("blackstart.coordinator.doctor.timeout")));
                HostDiagnosisRoutes hosts = new HostDiagnosisRoutes(roster, board, system,
                        settings.agents().diagnosisDeadline());
                Metrics metrics = new Metrics(board, () -> SingletonHost.isSelf(system, ROLE));
                casTimings.delegateTo(metrics);
                HttpApi api = new HttpApi(board, proxy, settings.api(), system, new TrackerRoutes(board,
                        new EventStream(board, system, tracker.maxSseClients()), metrics, tracker), doctorRoutes,
                        Optional.of(hosts), identity);
                Http.get(system).newServerAt(settings.api().host(), settings.api().port()).bind(api.route())
                        .whenComplete((ServerBinding b, Throwable err) -> {
                            if (err != null) {
                                system.log().error("HTTP API could not bind {}:{}: {}", settings.api().host(),
                                        settings.api().port(), err.toString());
                                http.completeExceptionally(err);
                            } else {
                                b.addToCoordinatedShutdown(Duration.ofSeconds(3), system);
                                system.log().info("HTTP API on http://{}:{}", b.localAddress().getHostString(),
                                        b.localAddress().getPort());
                                http.complete(b.localAddress());
                            }
                        });
            } else {
                http.completeExceptionally(new IllegalStateException("HTTP API disabled"));
            }
            return Behaviors.empty();
        });
    }
}
