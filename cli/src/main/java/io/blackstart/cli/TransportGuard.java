package io.blackstart.cli;

import com.typesafe.config.Config;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Checks a node's cluster transport before its actor system starts, so a misconfiguration stops the node with one
 * clear line (exit code 2) instead of a node that runs, never joins and logs nothing useful (Pekko only logs "Server
 * SSL connection could not be established" and retries forever).
 *
 * <ul>
 *   <li>{@code tls-tcp}: the key store and trust store of {@code pekko.remote.artery.ssl.config-ssl-engine} exist, are
 *       readable, have a password that is set (not empty, not Pekko's placeholder {@code changeme}) and open with it,
 *       and the key store holds a key entry. Passwords are never printed.</li>
 *   <li>{@code tcp} (no encryption, no authentication): allowed on a loopback address only, unless
 *       {@code blackstart.insecure-transport = on}, which the node then reports as a warning.</li>
 * </ul>
 */
final class TransportGuard {
    static final String INSECURE_KEY = "blackstart.insecure-transport";
    private static final String ARTERY = "pekko.remote.artery.";
    private static final String SSL = ARTERY + "ssl.config-ssl-engine.";
    private static final String CONFIG_PROVIDER = "org.apache.pekko.remote.artery.tcp.ConfigSSLEngineProvider";
    /** The placeholder of Pekko's reference.conf: never a password. */
    private static final String PEKKO_PLACEHOLDER = "changeme";

    private TransportGuard() {
    }

    /**
     * Checks {@code config}.
     *
     * @return warnings to log once the node's logging is up (empty when all is secure)
     * @throws OperatorException (exit code 2) naming the key that is wrong
     */
    static List<String> check(Config config) {
        String transport = config.getString(ARTERY + "transport");
        List<String> warnings = new ArrayList<>();
        switch (transport) {
            case "tls-tcp" -> checkTls(config);
            case "tcp" -> {
                List<String> exposed = nonLoopback(config);
                if (!exposed.isEmpty()) {
                    if (!config.hasPath(INSECURE_KEY) || !config.getBoolean(INSECURE_KEY)) {
                        throw new OperatorException("cluster transport: " + ARTERY + "transport = tcp (no TLS) on "
                                + String.join(" and ", exposed) + " would let anyone who reaches that address join the"
                                + " cluster and command it; use transport = tls-tcp (see deploy/config/tls.conf) or, only"
                                + " on a network you trust, set " + INSECURE_KEY + " = on", 2);
                    }
                    warnings.add("INSECURE cluster transport: plain tcp on " + String.join(" and ", exposed)
                            + " (" + INSECURE_KEY + " = on): cluster traffic is neither encrypted nor authenticated");
                }
            }
            default -> throw new OperatorException("cluster transport: " + ARTERY + "transport = " + transport
                    + " is not supported (tls-tcp, or tcp on loopback)", 2);
        }
        return warnings;
    }

    private static List<String> nonLoopback(Config config) {
        List<String> exposed = new ArrayList<>();
        String canonical = config.getString(ARTERY + "canonical.hostname");
        String bind = config.hasPath(ARTERY + "bind.hostname") ? config.getString(ARTERY + "bind.hostname") : "";
        if (!isLoopback(canonical)) {
            exposed.add(ARTERY + "canonical.hostname \"" + canonical + "\"");
        }
        if (!bind.isEmpty() && !isLoopback(bind)) {
            exposed.add(ARTERY + "bind.hostname \"" + bind + "\"");
        }
        return exposed;
    }

    private static boolean isLoopback(String host) {
        if (host.isEmpty() || host.equals("<getHostAddress>") || host.equals("<getHostName>")) {
            return false; // Pekko then binds to this host's address
        }
        if (host.equalsIgnoreCase("localhost")) {
            return true;
        }
        try {
            // literal addresses are not looked up; a name that does not resolve is not known to be loopback
            return InetAddress.getByName(host).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }

    private static void checkTls(Config config) {
        String provider = config.getString(ARTERY + "ssl.ssl-engine-provider");
        if (!provider.equals(CONFIG_PROVIDER)) {
            return; // another provider (e.g. rotating PEM keys) checks its own material
        }
        String keyStorePassword = password(config, "key-store-password", "BLACKSTART_KEY_STORE_PASSWORD");
        password(config, "key-password", "BLACKSTART_KEY_STORE_PASSWORD");
        String trustStorePassword = password(config, "trust-store-password", "BLACKSTART_TRUST_STORE_PASSWORD");
        KeyStore keys = open(config, "key-store", keyStorePassword);
        KeyStore trust = open(config, "trust-store", trustStorePassword);
        try {
            if (!hasKeyEntry(keys)) {
                throw new OperatorException("cluster transport: " + SSL + "key-store " + config.getString(SSL + "key-store")
                        + " holds no private key (it must hold this node's key and certificate)", 2);
            }
            if (trust.size() == 0) {
                throw new OperatorException("cluster transport: " + SSL + "trust-store "
                        + config.getString(SSL + "trust-store") + " is empty (it must hold the cluster CA)", 2);
            }
        } catch (GeneralSecurityException e) {
            throw new OperatorException("cluster transport: cannot read the key stores: " + e.getMessage(), 2);
        }
    }

    private static boolean hasKeyEntry(KeyStore store) throws GeneralSecurityException {
        var aliases = store.aliases();
        while (aliases.hasMoreElements()) {
            if (store.isKeyEntry(aliases.nextElement())) {
                return true;
            }
        }
        return false;
    }

    private static String password(Config config, String key, String env) {
        String value = config.hasPath(SSL + key) ? config.getString(SSL + key) : "";
        if (value.isEmpty() || value.equals(PEKKO_PLACEHOLDER)) {
            throw new OperatorException("cluster transport: " + SSL + key + " is not set (transport is tls-tcp); set it"
                    + " from the environment, e.g. " + key + " = ${?" + env + "} with " + env + " in the service's"
                    + " environment file; there is no default password", 2);
        }
        return value;
    }

    private static KeyStore open(Config config, String key, String password) {
        String file = config.getString(SSL + key);
        Path path = Path.of(file);
        if (!Files.isRegularFile(path) || !Files.isReadable(path)) {
            throw new OperatorException("cluster transport: " + SSL + key + " " + file
                    + " does not exist or is not readable", 2);
        }
        try (InputStream in = Files.newInputStream(path)) {
            KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
            store.load(in, password.toCharArray());
            return store;
        } catch (IOException e) {
            String why = Optional.ofNullable(e.getCause()).filter(c -> c instanceof java.security.UnrecoverableKeyException)
                    .map(c -> "wrong password").orElse(e.getMessage() != null && e.getMessage().contains("password")
                            ? "wrong password" : String.valueOf(e.getMessage()));
            throw new OperatorException("cluster transport: " + SSL + key + " " + file + " cannot be opened: " + why, 2);
        } catch (GeneralSecurityException e) {
            throw new OperatorException("cluster transport: " + SSL + key + " " + file + " cannot be read: "
                    + e.getMessage(), 2);
        }
    }
}
