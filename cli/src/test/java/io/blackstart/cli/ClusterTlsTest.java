package io.blackstart.cli;

import io.blackstart.testsupport.Await;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Join;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The documented mutual-TLS cluster configuration ({@code deploy/config/tls.conf}) works as written: two nodes with
 * certificates from the cluster's CA form a cluster over TLS 1.3; a node with a self-signed certificate, though it
 * trusts the CA, never gets in. Certificates are made with the JDK's keytool for each run.
 */
@Timeout(120)
class ClusterTlsTest {
    private static final String PASSWORD = "test-only-" + Long.toHexString(System.nanoTime());
    private static final List<ActorSystem<?>> SYSTEMS = new ArrayList<>();

    @TempDir
    static Path dir;

    @BeforeAll
    static void certificates() throws Exception {
        keytool("-genkeypair", "-alias", "ca", "-keyalg", "RSA", "-keysize", "2048", "-dname", "CN=blackstart-test-ca",
                "-ext", "bc:c", "-validity", "2", "-keystore", file("ca.p12"), "-storetype", "PKCS12", "-storepass", PASSWORD);
        keytool("-exportcert", "-rfc", "-alias", "ca", "-keystore", file("ca.p12"), "-storepass", PASSWORD, "-file", file("ca.crt"));
        keytool("-importcert", "-noprompt", "-alias", "ca", "-file", file("ca.crt"), "-keystore", file("truststore.p12"),
                "-storetype", "PKCS12", "-storepass", PASSWORD);
        for (String node : List.of("node1", "node2")) {
            keytool("-genkeypair", "-alias", node, "-keyalg", "RSA", "-keysize", "2048", "-dname", "CN=" + node,
                    "-validity", "2", "-keystore", file(node + ".p12"), "-storetype", "PKCS12", "-storepass", PASSWORD);
            keytool("-certreq", "-alias", node, "-keystore", file(node + ".p12"), "-storepass", PASSWORD, "-file", file(node + ".csr"));
            keytool("-gencert", "-rfc", "-alias", "ca", "-keystore", file("ca.p12"), "-storepass", PASSWORD,
                    "-infile", file(node + ".csr"), "-outfile", file(node + ".crt"), "-validity", "2",
                    "-ext", "SAN=ip:127.0.0.1", "-ext", "EKU=serverAuth,clientAuth", "-ext", "KU=digitalSignature,keyEncipherment");
            keytool("-importcert", "-noprompt", "-alias", "ca", "-file", file("ca.crt"), "-keystore", file(node + ".p12"),
                    "-storepass", PASSWORD);
            keytool("-importcert", "-alias", node, "-file", file(node + ".crt"), "-keystore", file(node + ".p12"),
                    "-storepass", PASSWORD);
        }
        // the rogue: right names, but self-signed, not from the cluster's CA
        keytool("-genkeypair", "-alias", "rogue", "-keyalg", "RSA", "-keysize", "2048", "-dname", "CN=node1",
                "-ext", "SAN=ip:127.0.0.1", "-ext", "EKU=serverAuth,clientAuth", "-validity", "2",
                "-keystore", file("rogue.p12"), "-storetype", "PKCS12", "-storepass", PASSWORD);
        keytool("-importcert", "-noprompt", "-alias", "ca", "-file", file("ca.crt"), "-keystore", file("rogue.p12"),
                "-storepass", PASSWORD);
    }

    @AfterAll
    static void stop() {
        SYSTEMS.forEach(ActorSystem::terminate);
        for (ActorSystem<?> s : SYSTEMS) {
            s.getWhenTerminated().toCompletableFuture().orTimeout(20, TimeUnit.SECONDS).exceptionally(e -> null).join();
        }
    }

    @Test
    void nodesWithCertificatesFromTheClusterCaJoinAndASelfSignedOneDoesNot() {
        ActorSystem<?> first = node("node1.p12");
        Cluster c1 = Cluster.get(first);
        c1.manager().tell(Join.create(c1.selfMember().address()));
        Await.until("the first node up", Duration.ofSeconds(30), () -> c1.selfMember().status() == MemberStatus.up());

        ActorSystem<?> second = node("node2.p12");
        Cluster c2 = Cluster.get(second);
        c2.manager().tell(Join.create(c1.selfMember().address()));
        Await.until("the second node up over TLS", Duration.ofSeconds(45), () -> upMembers(c1) == 2);

        ActorSystem<?> rogue = node("rogue.p12");
        Cluster c3 = Cluster.get(rogue);
        c3.manager().tell(Join.create(c1.selfMember().address()));
        // a refused node retries forever and nothing changes on the cluster's side: watch it for a while
        Await.throughout("the rogue node refused for 8 s", Duration.ofSeconds(8), Duration.ofMillis(200),
                () -> assertEquals(2, countMembers(c1), "the rogue node must never become a member"));
        assertTrue(c3.selfMember().status() != MemberStatus.up(), "rogue is " + c3.selfMember().status());
    }

    private static ActorSystem<?> node(String keyStore) {
        Path repoRoot = Path.of("").toAbsolutePath().getParent();
        Config tls = ConfigFactory.parseFile(repoRoot.resolve("deploy/config/tls.conf").toFile());
        Config overrides = ConfigFactory.parseMap(Map.of(
                "pekko.remote.artery.ssl.config-ssl-engine.key-store", dir.resolve(keyStore).toString(),
                "pekko.remote.artery.ssl.config-ssl-engine.trust-store", dir.resolve("truststore.p12").toString(),
                "pekko.remote.artery.ssl.config-ssl-engine.key-store-password", PASSWORD,
                "pekko.remote.artery.ssl.config-ssl-engine.key-password", PASSWORD,
                "pekko.remote.artery.ssl.config-ssl-engine.trust-store-password", PASSWORD,
                "pekko.remote.artery.canonical.port", 0,
                "pekko.cluster.seed-nodes", List.of(),
                "pekko.cluster.jmx.multi-mbeans-in-same-jvm", "on",
                "pekko.coordinated-shutdown.exit-jvm", "off"));
        Config base = ConfigFactory.parseResources(NodeConfig.class, "blackstart-node.conf");
        ActorSystem<?> s = ActorSystem.create(Behaviors.empty(), "blackstart",
                ConfigFactory.load(overrides.withFallback(tls).withFallback(base)));
        SYSTEMS.add(s);
        return s;
    }

    private static int countMembers(Cluster c) {
        int n = 0;
        for (var ignored : c.state().getMembers()) {
            n++;
        }
        return n;
    }

    private static int upMembers(Cluster c) {
        int n = 0;
        for (var m : c.state().getMembers()) {
            if (m.status() == MemberStatus.up()) {
                n++;
            }
        }
        return n;
    }

    private static String file(String name) {
        return dir.resolve(name).toString();
    }

    private static void keytool(String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IllegalStateException("keytool " + String.join(" ", args) + " failed: " + out);
        }
    }
}
