package io.blackstart.cli;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A node's cluster transport is checked before it starts: TLS with missing, unreadable or password-less stores, or
 * plain tcp on an address other than loopback, stops it with one line naming the key (exit 2); plain tcp elsewhere
 * runs only with {@code blackstart.insecure-transport = on}, and then says so. Key stores made by {@code pki.sh}.
 */
@Timeout(120)
class TransportGuardTest {
    private static final String PASSWORD = "guard-test-" + Long.toHexString(System.nanoTime());

    @TempDir
    static Path dir;

    @BeforeAll
    static void stores() throws Exception {
        pki("ca", dir.toString());
        pki("node", dir.toString(), "local-1", "agent");
    }

    @Test
    void aCompleteTlsConfigurationPasses() throws IOException {
        assertEquals(List.of(), TransportGuard.check(NodeConfig.load(tls(Map.of()))));
    }

    @Test
    void tlsWithoutAPasswordNamesTheKeyAndTheEnvironmentVariable() throws IOException {
        OperatorException e = refused(tls(Map.of("key-store-password", "\"\"")));
        assertTrue(e.getMessage().contains("pekko.remote.artery.ssl.config-ssl-engine.key-store-password is not set"),
                e.getMessage());
        assertTrue(e.getMessage().contains("BLACKSTART_KEY_STORE_PASSWORD"), e.getMessage());
        // Pekko's own placeholder is no password either
        OperatorException placeholder = refused(tls(Map.of("trust-store-password", "changeme")));
        assertTrue(placeholder.getMessage().contains("trust-store-password is not set"), placeholder.getMessage());
    }

    @Test
    void tlsWithAMissingStoreOrAWrongPasswordSaysWhich() throws IOException {
        OperatorException missing = refused(tls(Map.of("key-store", "\"" + dir.resolve("nope.p12") + "\"")));
        assertTrue(missing.getMessage().contains("key-store " + dir.resolve("nope.p12") + " does not exist"),
                missing.getMessage());
        OperatorException wrong = refused(tls(Map.of("trust-store-password", "not-the-password")));
        assertTrue(wrong.getMessage().contains("trust-store " + dir.resolve("truststore.p12")
                + " cannot be opened: wrong password"), wrong.getMessage());
        assertFalse(wrong.getMessage().contains("not-the-password"), "never print a password: " + wrong.getMessage());
        OperatorException noKey = refused(tls(Map.of("key-store", "\"" + dir.resolve("truststore.p12") + "\"")));
        assertTrue(noKey.getMessage().contains("holds no private key"), noKey.getMessage());
    }

    @Test
    void plainTcpOnLoopbackIsAllowedElsewhereOnlyWithTheInsecureFlag() throws IOException {
        assertEquals(List.of(), TransportGuard.check(NodeConfig.load(conf("tcp-loopback.conf",
                "pekko.remote.artery.canonical.hostname = \"127.0.0.1\"\n"))));
        OperatorException e = refused(conf("tcp-exposed.conf",
                "pekko.remote.artery.canonical.hostname = \"127.0.0.1\"\npekko.remote.artery.bind.hostname = \"0.0.0.0\"\n"));
        assertTrue(e.getMessage().contains("transport = tcp (no TLS) on pekko.remote.artery.bind.hostname \"0.0.0.0\""),
                e.getMessage());
        assertTrue(e.getMessage().contains("blackstart.insecure-transport = on"), e.getMessage());
        List<String> warnings = TransportGuard.check(NodeConfig.load(conf("tcp-insecure.conf",
                "pekko.remote.artery.canonical.hostname = \"10.0.0.7\"\nblackstart.insecure-transport = on\n")));
        assertEquals(1, warnings.size(), warnings.toString());
        assertTrue(warnings.get(0).startsWith("INSECURE cluster transport: plain tcp on pekko.remote.artery.canonical"
                + ".hostname \"10.0.0.7\""), warnings.get(0));
    }

    @Test
    void theAgentCommandExitsTwoWithTheReasonBeforeStartingAnything() throws IOException {
        BlackstartCliTest.Run r = BlackstartCliTest.run("agent", "--config",
                tls(Map.of("key-store-password", "\"\"")).toString());
        assertEquals(2, r.exit());
        assertTrue(r.err().contains("key-store-password is not set"), r.err());
    }

    private static OperatorException refused(Path config) {
        OperatorException e = assertThrows(OperatorException.class, () -> TransportGuard.check(NodeConfig.load(config)));
        assertEquals(2, e.exitCode());
        return e;
    }

    /** The documented TLS settings with this test's stores, and {@code overrides} of config-ssl-engine keys. */
    private static Path tls(Map<String, String> overrides) throws IOException {
        StringBuilder s = new StringBuilder("include file(\"" + repo().resolve("deploy/config/tls.conf") + "\")\n");
        Map<String, String> keys = new java.util.TreeMap<>(Map.of(
                "key-store", "\"" + dir.resolve("local-1.p12") + "\"",
                "trust-store", "\"" + dir.resolve("truststore.p12") + "\"",
                "key-store-password", PASSWORD, "key-password", PASSWORD, "trust-store-password", PASSWORD));
        keys.putAll(overrides);
        keys.forEach((k, v) -> s.append("pekko.remote.artery.ssl.config-ssl-engine.").append(k).append(" = ")
                .append(v).append('\n'));
        return conf("tls-" + Integer.toHexString(overrides.hashCode()) + ".conf", s.toString());
    }

    private static Path conf(String name, String text) throws IOException {
        Path f = dir.resolve(name);
        Files.writeString(f, text);
        return f;
    }

    private static Path repo() {
        return Path.of("").toAbsolutePath().getParent();
    }

    private static void pki(String... args) throws IOException, InterruptedException {
        List<String> cmd = new java.util.ArrayList<>(List.of("bash", repo().resolve("deploy/local/pki.sh").toString()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().put("BLACKSTART_PKI_PASSWORD", PASSWORD);
        pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
        Process p = pb.start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IllegalStateException("pki.sh " + String.join(" ", args) + " failed: " + out);
        }
    }
}
