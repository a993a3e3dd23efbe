package io.blackstart.protocol.trust;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Key stores made with the JDK's keytool, as {@code deploy/local/pki.sh} makes them: a cluster CA, node key stores
 * it signs ({@code CN=name, OU=role}), and self-signed ones.
 */
final class TestPki {
    static final String PASSWORD = "test-pki-password";
    final Path dir;

    TestPki(Path dir) throws Exception {
        this.dir = dir;
        keytool("-genkeypair", "-alias", "ca", "-keyalg", "RSA", "-keysize", "2048", "-dname",
                "CN=test-ca,O=blackstart", "-ext", "bc:c", "-ext", "KU=keyCertSign,cRLSign", "-validity", "2",
                "-keystore", dir.resolve("ca.p12").toString(), "-storetype", "PKCS12", "-storepass", PASSWORD);
        keytool("-exportcert", "-rfc", "-alias", "ca", "-keystore", dir.resolve("ca.p12").toString(), "-storepass",
                PASSWORD, "-file", dir.resolve("ca.crt").toString());
        keytool("-importcert", "-noprompt", "-alias", "ca", "-file", dir.resolve("ca.crt").toString(), "-keystore",
                dir.resolve("trust.p12").toString(), "-storetype", "PKCS12", "-storepass", PASSWORD);
    }

    /** A key store for {@code CN=name, OU=role} signed by the CA; {@code selfSigned}: not signed by it. */
    Path node(String name, String role, boolean selfSigned) throws Exception {
        Path store = dir.resolve(name + "-" + role + (selfSigned ? "-self" : "") + ".p12");
        keytool("-genkeypair", "-alias", "node", "-keyalg", "RSA", "-keysize", "2048", "-dname",
                "CN=" + name + ",OU=" + role + ",O=blackstart", "-validity", "2", "-keystore", store.toString(),
                "-storetype", "PKCS12", "-storepass", PASSWORD);
        if (!selfSigned) {
            Path csr = dir.resolve(name + ".csr");
            Path crt = dir.resolve(name + ".crt");
            keytool("-certreq", "-alias", "node", "-keystore", store.toString(), "-storepass", PASSWORD, "-file",
                    csr.toString());
            keytool("-gencert", "-rfc", "-alias", "ca", "-keystore", dir.resolve("ca.p12").toString(), "-storepass",
                    PASSWORD, "-infile", csr.toString(), "-outfile", crt.toString(), "-validity", "2");
            keytool("-importcert", "-noprompt", "-alias", "ca", "-file", dir.resolve("ca.crt").toString(),
                    "-keystore", store.toString(), "-storepass", PASSWORD);
            keytool("-importcert", "-noprompt", "-alias", "node", "-file", crt.toString(), "-keystore",
                    store.toString(), "-storepass", PASSWORD);
        }
        return store;
    }

    /** An Artery TLS config with this key store and the CA's trust store. */
    Config config(Path keyStore) {
        String ssl = "pekko.remote.artery.ssl.config-ssl-engine.";
        return ConfigFactory.parseMap(Map.of("pekko.remote.artery.transport", "tls-tcp",
                ssl + "key-store", keyStore.toString(), ssl + "key-store-password", PASSWORD,
                ssl + "key-password", PASSWORD, ssl + "trust-store", dir.resolve("trust.p12").toString(),
                ssl + "trust-store-password", PASSWORD));
    }

    NodeIdentity identity(Path keyStore) throws TrustException {
        return NodeIdentity.fromArteryConfig(config(keyStore)).orElseThrow();
    }

    private static void keytool(String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "keytool")
                .toString()));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IllegalStateException("keytool " + args[0] + " failed: " + out);
        }
    }

    static Path tempDir() throws IOException {
        return Files.createTempDirectory("bs-test-pki");
    }
}
