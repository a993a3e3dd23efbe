package io.blackstart.coordinator;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.blackstart.protocol.trust.NodeIdentity;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Node identities made by the shipped {@code deploy/local/pki.sh}, as an operator makes them. */
public final class TestPki {
    private static final String PASSWORD = "coordinator-test-pki";
    private final Path dir;

    public TestPki() throws Exception {
        this.dir = Files.createTempDirectory("bs-coordinator-pki");
        pki("ca", dir.toString());
    }

    /** The identity of node {@code name} with {@code role}, signed by this CA. */
    public NodeIdentity node(String name, String role) throws Exception {
        pki("node", dir.toString(), name, role);
        String ssl = "pekko.remote.artery.ssl.config-ssl-engine.";
        Config c = ConfigFactory.parseMap(Map.of("pekko.remote.artery.transport", "tls-tcp",
                ssl + "key-store", dir.resolve(name + ".p12").toString(), ssl + "key-store-password", PASSWORD,
                ssl + "key-password", PASSWORD, ssl + "trust-store", dir.resolve("truststore.p12").toString(),
                ssl + "trust-store-password", PASSWORD));
        return NodeIdentity.fromArteryConfig(c).orElseThrow();
    }

    private static void pki(String... args) throws IOException, InterruptedException {
        Path script = Path.of("").toAbsolutePath().getParent().resolve("deploy/local/pki.sh");
        List<String> cmd = new ArrayList<>(List.of("bash", script.toString()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().put("BLACKSTART_PKI_PASSWORD", PASSWORD);
        pb.environment().put("BLACKSTART_PKI_DAYS", "2");
        Process p = pb.start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IllegalStateException("pki.sh " + String.join(" ", args) + " failed: " + out);
        }
    }
}
