package io.blackstart.e2e;

import io.blackstart.testsupport.Await;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A rogue node on the same machine tries to get into a local cluster that runs with mutual TLS (the default of
 * {@code cluster.sh up}): once with plain tcp, once with a self-signed certificate carrying the same names as a real
 * agent ({@code CN=local-1, OU=agent}) and trusting the cluster's CA. Each time it is a real {@code blackstart agent}
 * process pointed at the coordinator's seed address: it never becomes a member, it gets no container started (none
 * carries its node id, the real app's container count is unchanged), the recovery mode does not change, and it gives
 * up by itself after {@code shutdown-after-unsuccessful-join-seed-nodes}.
 */
@Tag("e2e")
@Timeout(300)
class RogueNodeE2ETest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private static final String APP = "e2e-guarded-" + UUID.randomUUID().toString().substring(0, 6);
    private static LocalCluster cluster;

    @BeforeAll
    static void up() throws IOException {
        cluster = new LocalCluster(1).up();
        cluster.etcdPut("/apps/" + APP, "{\"id\":\"" + APP + "\",\"image\":\"blackstart/testapp:1\",\"instances\":1,"
                + "\"memoryMb\":16,\"cpus\":0.1,\"command\":[\"/bin/sleep\",\"100000\"]}");
        Await.until("the app running", Duration.ofSeconds(90), () -> LocalCluster.containers(APP),
                c -> c.size() == 1 && c.get(0).endsWith("running"));
        // if the app was in the catalog when the coordinator's rebuild ended, it entered the recovery mode and leaves
        // it once the start is confirmed: the tests compare the mode from that settled state
        Await.until("the platform converged, recovery mode off", Duration.ofSeconds(60), () -> {
            try {
                return get("/api/v1/status").path("mode").asText();
            } catch (IOException e) {
                return "unreadable: " + e;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }, "normal"::equals);
    }

    @AfterAll
    static void down() {
        LocalCluster.closeAndRemove(cluster, List.of(APP));
    }

    @Test
    void aPlainTcpNodeNeverJoins() throws Exception {
        Path conf = cluster.runDir.resolve("rogue-tcp.conf");
        Files.writeString(conf, rogueBase("rogue-tcp") + "pekko.remote.artery.transport = tcp\n");
        assertRogueStaysOut("rogue-tcp", conf, Map.of());
    }

    @Test
    void aSelfSignedNodeWithARealAgentsNamesNeverJoins() throws Exception {
        Path tls = cluster.runDir.resolve("tls");
        String password = "rogue-" + UUID.randomUUID();
        Path store = cluster.runDir.resolve("rogue.p12");
        // same subject as the real agent local-1, self-signed; it trusts the cluster's CA like a real node does
        keytool("-genkeypair", "-alias", "node", "-keyalg", "RSA", "-keysize", "2048",
                "-dname", "CN=local-1,OU=agent,O=blackstart", "-ext", "SAN=ip:127.0.0.1,dns:local-1",
                "-ext", "EKU=serverAuth,clientAuth", "-validity", "2", "-keystore", store.toString(),
                "-storetype", "PKCS12", "-storepass", password);
        keytool("-importcert", "-noprompt", "-alias", "blackstart-ca", "-file", tls.resolve("ca.crt").toString(),
                "-keystore", store.toString(), "-storepass", password);
        Path conf = cluster.runDir.resolve("rogue-tls.conf");
        Files.writeString(conf, rogueBase("local-1")
                + "include file(\"" + Shell.ROOT.resolve("deploy/config/tls.conf") + "\")\n"
                + "pekko.remote.artery.ssl.config-ssl-engine.key-store = \"" + store + "\"\n"
                + "pekko.remote.artery.ssl.config-ssl-engine.trust-store = \"" + store + "\"\n");
        assertRogueStaysOut("local-1", conf, Map.of("BLACKSTART_KEY_STORE_PASSWORD", password,
                "BLACKSTART_TRUST_STORE_PASSWORD", password));
    }

    private static String rogueBase(String nodeId) {
        return "pekko.remote.artery.canonical.port = 0\n"
                + "pekko.cluster.seed-nodes = [\"pekko://blackstart@127.0.0.1:" + cluster.basePort + "\"]\n"
                + "blackstart.agent.node-id = \"" + nodeId + "\"\n";
    }

    private static void assertRogueStaysOut(String nodeId, Path conf, Map<String, String> env) throws Exception {
        JsonNode before = get("/api/v1/status");
        int members = get("/api/v1/cluster").path("members").size();
        Path log = cluster.runDir.resolve("rogue-" + conf.getFileName() + ".log");
        ProcessBuilder pb = new ProcessBuilder("./blackstart", "agent", "--config", conf.toString())
                .directory(Shell.ROOT.toFile()).redirectErrorStream(true).redirectOutput(log.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        pb.environment().putAll(env);
        // give up joining soon, so the test sees the rogue end by itself
        pb.environment().put("JAVA_OPTS", "-Xmx128m -XX:TieredStopAtLevel=1"
                + " -Dpekko.cluster.shutdown-after-unsuccessful-join-seed-nodes=20s");
        Process rogue = pb.start();
        try {
            long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
            // while it tries: never a member, nothing started for it
            while (rogue.isAlive() && System.nanoTime() < deadline) {
                JsonNode cl = get("/api/v1/cluster");
                assertEquals(members, cl.path("members").size(), "members while the rogue tries: " + cl);
                rogue.waitFor(500, TimeUnit.MILLISECONDS);
            }
            assertFalse(rogue.isAlive(), "the rogue should give up by itself; its log: " + Files.readString(log));
            String out = Files.readString(log);
            assertTrue(out.contains("was unsuccessful after configured shutdown-after-unsuccessful-join-seed-nodes"),
                    "the rogue never joined and says so; its log: " + out);
        } finally {
            rogue.destroyForcibly();
        }
        JsonNode after = get("/api/v1/status");
        assertEquals(before.path("mode").asText(), after.path("mode").asText(), "recovery mode");
        assertEquals(before.path("modeBy").asText(), after.path("modeBy").asText(), "who set the mode");
        assertEquals(1, LocalCluster.containers(APP).size(), "the real app's containers");
        assertEquals(1, after.path("hosts").asInt(), "hosts known to the coordinator: " + after);
        if (!nodeId.equals("local-1")) {
            String own = Shell.run("docker", "ps", "-aq", "--filter", "label=io.blackstart.node=" + nodeId)
                    .orFail("docker ps").stdout().strip();
            assertEquals("", own, "containers of the rogue's node id");
        }
    }

    private static JsonNode get(String path) throws IOException, InterruptedException {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(cluster.api() + path))
                .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), path + ": " + r.body());
        return JSON.readTree(r.body());
    }

    private static void keytool(String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "keytool").toString()));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IllegalStateException("keytool " + String.join(" ", args) + " failed: " + out);
        }
    }
}
