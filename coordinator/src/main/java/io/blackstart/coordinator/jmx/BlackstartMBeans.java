package io.blackstart.coordinator.jmx;

import io.blackstart.coordinator.api.ProgressJson;
import io.blackstart.coordinator.recovery.RecoveryManager;
import io.blackstart.coordinator.status.StatusBoard;
import io.blackstart.coordinator.status.StatusSnapshot;

import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.AskPattern;

import javax.management.InstanceAlreadyExistsException;
import javax.management.InstanceNotFoundException;
import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import io.blackstart.protocol.trust.NodeIdentity;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * The {@code io.blackstart} MBeans of one coordinator node: {@link RecoveryMXBean} and one {@link HostLoadMXBean}
 * per reporting host. Attributes read the latest snapshot of this node's {@link StatusBoard} (one actor, the
 * recovery manager, publishes it); host MBeans follow the snapshots (registered when a host appears, unregistered
 * when it goes). The names carry {@code coordinator=<host:port>} so several nodes can share a JVM (tests).
 */
public final class BlackstartMBeans implements AutoCloseable {

    /** The JMX domain. */
    public static final String DOMAIN = "io.blackstart";

    private final MBeanServer server = ManagementFactory.getPlatformMBeanServer();
    private final StatusBoard board;
    private final String coordinator;
    private final ObjectName recoveryName;
    private final Map<String, ObjectName> hosts = new ConcurrentHashMap<>();
    private final Consumer<StatusSnapshot> listener = this::onSnapshot;
    private final ActorSystem<?> system;

    private BlackstartMBeans(StatusBoard board, ActorRef<RecoveryManager.Command> manager, Duration askTimeout,
                             ActorSystem<?> system, Optional<NodeIdentity> identity) throws JMException {
        this.board = board;
        this.system = system;
        this.coordinator = system.address().hostPort();
        this.recoveryName = name("Recovery", null);
        register(new Recovery(board, manager, askTimeout, system, identity), recoveryName);
        board.subscribe(listener);
        board.latest().ifPresent(this::onSnapshot);
    }

    /**
     * Registers the MBeans of a node and unregisters them when {@code system} terminates.
     *
     * @param askTimeout how long the start/stop operations wait for the recovery manager
     */
    public static BlackstartMBeans register(StatusBoard board, ActorRef<RecoveryManager.Command> manager,
                                            Duration askTimeout, ActorSystem<?> system) {
        return register(board, manager, askTimeout, system, Optional.empty());
    }

    /** ... with this node's cluster identity, which signs the mode operations (TLS on). */
    public static BlackstartMBeans register(StatusBoard board, ActorRef<RecoveryManager.Command> manager,
                                            Duration askTimeout, ActorSystem<?> system,
                                            Optional<NodeIdentity> identity) {
        try {
            BlackstartMBeans m = new BlackstartMBeans(board, manager, askTimeout, system, identity);
            system.getWhenTerminated().whenComplete((d, e) -> m.close());
            return m;
        } catch (JMException e) {
            throw new IllegalStateException("cannot register the " + DOMAIN + " MBeans: " + e, e);
        }
    }

    /** The name of the recovery MBean. */
    public ObjectName recoveryName() {
        return recoveryName;
    }

    /** The name of a host's MBean. */
    public ObjectName hostName(String nodeId) {
        try {
            return name("Host", nodeId);
        } catch (JMException e) {
            throw new IllegalArgumentException(e);
        }
    }

    private ObjectName name(String type, String host) throws JMException {
        return new ObjectName(DOMAIN + ":type=" + type + ",coordinator=" + ObjectName.quote(coordinator)
                + (host == null ? "" : ",name=" + ObjectName.quote(host)));
    }

    private void onSnapshot(StatusSnapshot s) {
        Set<String> now = new HashSet<>();
        for (StatusSnapshot.HostStatus h : s.hosts()) {
            now.add(h.nodeId());
            if (!hosts.containsKey(h.nodeId())) {
                try {
                    ObjectName n = name("Host", h.nodeId());
                    register(new Host(board, h.nodeId()), n);
                    hosts.put(h.nodeId(), n);
                } catch (JMException e) {
                    system.log().warn("cannot register the MBean of host {}: {}", h.nodeId(), e.toString());
                }
            }
        }
        for (String gone : List.copyOf(hosts.keySet())) {
            if (!now.contains(gone)) {
                unregister(hosts.remove(gone));
            }
        }
    }

    private void register(Object bean, ObjectName n) throws JMException {
        try {
            server.registerMBean(bean, n);
        } catch (InstanceAlreadyExistsException e) {
            // a node of the same address that ended without unregistering (tests): take over its name
            server.unregisterMBean(n);
            server.registerMBean(bean, n);
        }
    }

    private void unregister(ObjectName n) {
        try {
            server.unregisterMBean(n);
        } catch (InstanceNotFoundException ignored) {
            // already gone
        } catch (JMException e) {
            system.log().warn("cannot unregister {}: {}", n, e.toString());
        }
    }

    @Override
    public void close() {
        board.unsubscribe(listener);
        unregister(recoveryName);
        hosts.values().forEach(this::unregister);
        hosts.clear();
    }

    private static final class Recovery implements RecoveryMXBean {
        private final StatusBoard board;
        private final ActorRef<RecoveryManager.Command> manager;
        private final Duration askTimeout;
        private final ActorSystem<?> system;
        private final Optional<NodeIdentity> identity;

        Recovery(StatusBoard board, ActorRef<RecoveryManager.Command> manager, Duration askTimeout,
                 ActorSystem<?> system, Optional<NodeIdentity> identity) {
            this.identity = identity;
            this.board = board;
            this.manager = manager;
            this.askTimeout = askTimeout;
            this.system = system;
        }

        private <T> T read(Function<StatusSnapshot, T> f, T none) {
            Optional<StatusSnapshot> s = board.latest();
            return s.isEmpty() ? none : f.apply(s.get());
        }

        @Override public String getMode() { return read(StatusSnapshot::mode, "unknown"); }
        @Override public String getModeBy() { return read(StatusSnapshot::modeBy, ""); }
        @Override public String getModeSince() { return read(s -> Instant.ofEpochMilli(s.modeSince()).toString(), ""); }
        @Override public String getPhase() { return read(StatusSnapshot::phase, "unknown"); }
        @Override public int getDesired() { return read(s -> s.total().desired(), 0); }
        @Override public int getRunning() { return read(s -> s.total().running(), 0); }
        @Override public int getStarting() { return read(s -> s.total().starting(), 0); }
        @Override public int getPending() { return read(s -> s.total().pending(), 0); }
        @Override public int getFailed() { return read(s -> s.total().failed(), 0); }
        @Override public double getThroughputPerSecond() { return read(StatusSnapshot::throughputPerSecond, 0.0); }
        @Override public long getEtaSeconds() { return read(StatusSnapshot::etaSeconds, -1L); }
        @Override public String getSummary() { return read(s -> ProgressJson.summary(s, s.generatedAt()), ""); }
        @Override public int getHosts() { return read(s -> s.hosts().size(), 0); }

        @Override
        public double getPercentRunning() {
            return read(s -> s.total().desired() == 0 ? 100.0 : 100.0 * s.total().running() / s.total().desired(), 0.0);
        }

        @Override
        public long getSnapshotAgeMillis() {
            return read(s -> Math.max(0, System.currentTimeMillis() - s.generatedAt()), -1L);
        }

        @Override public String startRecovery() { return setMode(true); }
        @Override public String stopRecovery() { return setMode(false); }

        // called on a JMX (RMI) thread, never on an actor: waiting for the answer here blocks no dispatcher
        private String setMode(boolean on) {
            try {
                RecoveryManager.ModeReply r = AskPattern.<RecoveryManager.Command, RecoveryManager.ModeReply>ask(
                                manager, replyTo -> RecoveryManager.SetMode.from(identity, on, false, replyTo), askTimeout,
                                system.scheduler())
                        .toCompletableFuture().get(askTimeout.toMillis() + 1000, TimeUnit.MILLISECONDS);
                return "mode " + r.mode() + " (" + r.by() + ", since " + Instant.ofEpochMilli(r.since()) + "): "
                        + r.message();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return "interrupted";
            } catch (Exception e) {
                return "the recovery manager did not answer within " + askTimeout.toMillis() + " ms";
            }
        }
    }

    private static final class Host implements HostLoadMXBean {
        private final StatusBoard board;
        private final String nodeId;

        Host(StatusBoard board, String nodeId) {
            this.board = board;
            this.nodeId = nodeId;
        }

        private <T> T read(Function<StatusSnapshot.HostStatus, T> f, T none) {
            return board.latest().flatMap(s -> s.hosts().stream().filter(h -> h.nodeId().equals(nodeId)).findFirst())
                    .map(f).orElse(none);
        }

        @Override public String getNodeId() { return nodeId; }
        @Override public int getCredits() { return read(StatusSnapshot.HostStatus::credits, 0); }
        @Override public int getMaxCredits() { return read(StatusSnapshot.HostStatus::maxCredits, 0); }
        @Override public int getStartsInFlight() { return read(StatusSnapshot.HostStatus::startsInFlight, 0); }
        @Override public int getOutstanding() { return read(StatusSnapshot.HostStatus::outstanding, 0); }
        @Override public double getCpuPressure() { return read(StatusSnapshot.HostStatus::cpuPressure, 0.0); }
        @Override public long getMemoryAvailableMb() { return read(StatusSnapshot.HostStatus::memoryAvailableMb, 0L); }
        @Override public int getRunningContainers() { return read(StatusSnapshot.HostStatus::runningContainers, 0); }
        @Override public int getContainers() { return read(StatusSnapshot.HostStatus::containers, 0); }
        @Override public long getLastReportMillis() { return read(StatusSnapshot.HostStatus::lastReportMillis, 0L); }
        @Override public boolean isReporting() { return read(h -> true, false); }

        @Override
        public double getCreditsUsed() {
            return read(h -> h.credits() + h.startsInFlight() == 0 ? 0.0
                    : (double) h.startsInFlight() / (h.credits() + h.startsInFlight()), 0.0);
        }
    }
}
