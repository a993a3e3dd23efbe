package io.blackstart.coordinator.store;

import io.blackstart.coordinator.CoordinatorNode;
import io.blackstart.coordinator.CoordinatorSettings;
import io.blackstart.coordinator.SecureEtcd;
import io.blackstart.coordinator.TestFixtures;
import io.blackstart.coordinator.recovery.RecoveryManager;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.blackstart.common.etcd.EtcdAccess;
import io.blackstart.protocol.wire.AgentCommand;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.receptionist.Receptionist;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Join;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.slf4j.LoggerFactory;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static io.blackstart.coordinator.TestFixtures.await;
import static io.blackstart.coordinator.TestFixtures.report;
import static io.blackstart.coordinator.TestFixtures.spec;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The coordinator's etcd client against a real etcd serving only TLS with {@code --client-cert-auth} and etcd
 * authentication enabled ({@link SecureEtcd}): it works with the CA, the client key pair and the user's password,
 * and a wrong password, a missing client certificate or an untrusted server are errors naming etcd authentication
 * or TLS, never containing the password.
 */
@Tag("etcd")
@Timeout(180)
public class EtcdTlsAuthTest {

    private static SecureEtcd etcd;
    private final String prefix = SecureEtcd.PREFIX + "/t-" + UUID.randomUUID();
    private ActorSystem<?> system;
    private final ListAppender<ILoggingEvent> logs = new ListAppender<>();

    @BeforeAll
    static void startEtcd() {
        etcd = SecureEtcd.start();
    }

    @AfterAll
    static void stopEtcd() {
        if (etcd != null) {
            etcd.close();
        }
    }

    @AfterEach
    void stop() throws Exception {
        ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).detachAppender(logs);
        if (system != null) {
            system.terminate();
            system.getWhenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
        }
    }

    private void captureLogs() {
        logs.start();
        ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).addAppender(logs);
    }

    private void assertNoLogLineHas(String secret) {
        for (ILoggingEvent e : List.copyOf(logs.list)) {
            String line = e.getFormattedMessage() + (e.getThrowableProxy() == null ? ""
                    : " " + e.getThrowableProxy().getMessage());
            assertFalse(line.contains(secret), "a log line shows the password: " + line);
        }
    }

    private EtcdAccess access(Path key, String password) {
        return new EtcdAccess(Optional.of(etcd.ca()), Optional.of(etcd.clientCert()), Optional.of(key),
                Optional.of(SecureEtcd.USER), Optional.of(password));
    }

    private CoordinatorSettings.Etcd settings(EtcdAccess access) {
        return new CoordinatorSettings.Etcd(List.of(etcd.url()), prefix, Duration.ofSeconds(3), Duration.ofSeconds(1),
                Duration.ofSeconds(10), Duration.ofSeconds(3), 64 << 20, access);
    }

    private static Throwable failure(java.util.concurrent.CompletionStage<?> stage) {
        ExecutionException e = assertThrows(ExecutionException.class,
                () -> stage.toCompletableFuture().get(15, TimeUnit.SECONDS));
        return e.getCause();
    }

    @Test
    void storeReadsAndWritesThroughTlsAndAuthWithAPkcs1Key() throws Exception {
        try (EtcdDesiredStateStore store = EtcdDesiredStateStore.create(settings(access(etcd.clientKeyPkcs1(),
                etcd.password)))) {
            store.putApp("web", spec("web", 1, "app")).toCompletableFuture().get(15, TimeUnit.SECONDS);
            var apps = store.loadApps().toCompletableFuture().get(15, TimeUnit.SECONDS);
            assertEquals(List.of("web"), apps.apps().stream().map(DesiredStateStore.AppDocument::appId).toList());
            store.deleteAll().toCompletableFuture().get(15, TimeUnit.SECONDS);
        }
    }

    @Test
    void wrongPasswordNamesEtcdAuthenticationAndNotThePassword() {
        String wrong = "wrong-" + etcd.password;
        try (EtcdDesiredStateStore store = EtcdDesiredStateStore.create(settings(access(etcd.clientKey(), wrong)))) {
            Throwable t = failure(store.loadApps());
            assertInstanceOf(EtcdDesiredStateStore.EtcdAccessException.class, t, String.valueOf(t));
            assertEquals("etcd at " + etcd.url() + ": authentication failed for user 'blackstart': invalid user ID or "
                    + "password", t.getMessage());
            assertFalse(t.getMessage().contains(wrong));
        }
    }

    @Test
    void noUserWhileAuthIsEnabledNamesEtcdAuthentication() {
        EtcdAccess noUser = new EtcdAccess(Optional.of(etcd.ca()), Optional.of(etcd.clientCert()),
                Optional.of(etcd.clientKey()), Optional.empty(), Optional.empty());
        try (EtcdDesiredStateStore store = EtcdDesiredStateStore.create(settings(noUser))) {
            Throwable t = failure(store.loadApps());
            assertInstanceOf(EtcdDesiredStateStore.EtcdAccessException.class, t, String.valueOf(t));
            assertTrue(t.getMessage().startsWith("etcd at " + etcd.url() + ": etcd authentication"), t.getMessage());
        }
    }

    @Test
    void noClientCertificateNamesTls() {
        EtcdAccess noCert = new EtcdAccess(Optional.of(etcd.ca()), Optional.empty(), Optional.empty(),
                Optional.of(SecureEtcd.USER), Optional.of(etcd.password));
        try (EtcdDesiredStateStore store = EtcdDesiredStateStore.create(settings(noCert))) {
            Throwable t = failure(store.loadApps());
            assertInstanceOf(EtcdDesiredStateStore.EtcdAccessException.class, t, String.valueOf(t));
            assertTrue(t.getMessage().startsWith("etcd at " + etcd.url() + ": TLS"), t.getMessage());
            assertTrue(t.getMessage().contains("client certificate"), t.getMessage());
        }
    }

    @Test
    void untrustedServerCertificateNamesTlsAndTheCaFile() {
        EtcdAccess otherCa = new EtcdAccess(Optional.of(etcd.otherCa()), Optional.of(etcd.clientCert()),
                Optional.of(etcd.clientKey()), Optional.of(SecureEtcd.USER), Optional.of(etcd.password));
        try (EtcdDesiredStateStore store = EtcdDesiredStateStore.create(settings(otherCa))) {
            Throwable t = failure(store.loadApps());
            assertInstanceOf(EtcdDesiredStateStore.EtcdAccessException.class, t, String.valueOf(t));
            assertTrue(t.getMessage().contains("TLS") && t.getMessage().contains(etcd.otherCa().toString()),
                    t.getMessage());
        }
    }

    @Test
    void configMismatchIsAClearError() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new CoordinatorSettings.Etcd(
                List.of(etcd.url()), prefix, Duration.ofSeconds(3), Duration.ofSeconds(1), Duration.ofSeconds(10),
                Duration.ofSeconds(3), 1 << 20));
        assertTrue(e.getMessage().contains("https but no etcd CA file"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new CoordinatorSettings.Etcd(
                List.of("http://127.0.0.1:2379"), prefix, Duration.ofSeconds(3), Duration.ofSeconds(1),
                Duration.ofSeconds(10), Duration.ofSeconds(3), 1 << 20, access(etcd.clientKey(), etcd.password)));
        assertTrue(e.getMessage().contains("plain http but etcd TLS files are set"), e.getMessage());
        assertFalse(access(etcd.clientKey(), etcd.password).toString().contains(etcd.password));
        assertFalse(settings(access(etcd.clientKey(), etcd.password)).toString().contains(etcd.password));
    }

    private Config nodeConfig(String password) {
        return ConfigFactory.parseString("""
                pekko.actor.provider = cluster
                pekko.remote.artery.canonical.hostname = "127.0.0.1"
                pekko.remote.artery.canonical.port = 0
                pekko.coordinated-shutdown.exit-jvm = off
                blackstart.coordinator.api.port = 0
                blackstart.coordinator.recovery.settle-time = 1s
                pekko.log-config-on-start = on
                """).withFallback(ConfigFactory.empty()
                .withValue("blackstart.coordinator.etcd.prefix", value(prefix))
                .withValue("blackstart.coordinator.etcd.endpoints", com.typesafe.config.ConfigValueFactory
                        .fromIterable(List.of(etcd.url())))
                .withValue("blackstart.coordinator.etcd.tls.ca-file", value(etcd.ca().toString()))
                .withValue("blackstart.coordinator.etcd.tls.cert-file", value(etcd.clientCert().toString()))
                .withValue("blackstart.coordinator.etcd.tls.key-file", value(etcd.clientKey().toString()))
                .withValue("blackstart.coordinator.etcd.user", value(SecureEtcd.USER))
                .withValue("blackstart.coordinator.etcd.password", value(password)));
    }

    private static com.typesafe.config.ConfigValue value(String s) {
        return com.typesafe.config.ConfigValueFactory.fromAnyRef(s);
    }


    private void startNode(Config config) {
        system = CoordinatorNode.start(config);
        Cluster.get(system).manager().tell(Join.create(Cluster.get(system).selfMember().address()));
        await("member up", Duration.ofSeconds(30), () -> Cluster.get(system).selfMember().status() == MemberStatus.up());
    }

    @Test
    void coordinatorLoadsTheCatalogAndRecordsAnAssignmentThroughTlsAndAuth() throws Exception {
        captureLogs();
        try (EtcdDesiredStateStore admin = EtcdDesiredStateStore.create(settings(access(etcd.clientKey(),
                etcd.password)))) {
            admin.putApp("web", spec("web", 1, "app")).toCompletableFuture().get(15, TimeUnit.SECONDS);
            startNode(nodeConfig(etcd.password));
            TestProbe<AgentCommand> agent = TestProbe.create(system);
            system.receptionist().tell(Receptionist.register(RecoveryManager.AGENT_KEY, agent.ref()));
            AgentCommand.StartInstance start = TestFixtures.firstStart(agent, Duration.ofSeconds(60));
            assertEquals("web-0", start.instanceId());
            var record = admin.loadAssignments().toCompletableFuture().get(15, TimeUnit.SECONDS).get("web-0");
            assertEquals("local-1", record.value().node());
            admin.deleteAll().toCompletableFuture().get(15, TimeUnit.SECONDS);
        }
        assertNoLogLineHas(etcd.password);
    }

    @Test
    void coordinatorWithAWrongPasswordKeepsRunningDegradedAndSaysWhy() throws Exception {
        captureLogs();
        String wrong = "wrong-" + etcd.password;
        startNode(nodeConfig(wrong));
        var api = CoordinatorNode.httpAddress(system).toCompletableFuture().get(20, TimeUnit.SECONDS);
        HttpClient http = HttpClient.newHttpClient();
        String[] body = {""};
        await("status names etcd authentication", Duration.ofSeconds(30), () -> {
            try {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                        + api.getPort() + "/api/v1/status")).GET().build(), HttpResponse.BodyHandlers.ofString());
                body[0] = r.body();
                return r.statusCode() == 200 && r.body().contains("authentication failed for user 'blackstart'");
            } catch (Exception e) {
                return false;
            }
        });
        await("the log names etcd authentication", Duration.ofSeconds(10), () -> List.copyOf(logs.list).stream()
                .anyMatch(e -> e.getFormattedMessage().contains("etcd degraded")
                        && e.getFormattedMessage().contains("authentication failed")));
        assertFalse(body[0].contains(wrong), body[0]);
        assertNoLogLineHas(wrong);
    }
}
