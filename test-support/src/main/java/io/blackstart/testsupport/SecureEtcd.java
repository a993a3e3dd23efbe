package io.blackstart.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Test helper: one real etcd member ({@code /usr/bin/etcd}) on free loopback ports, serving clients only over TLS
 * with {@code --client-cert-auth}, with etcd authentication enabled. The CA, the server certificate (IP SAN
 * 127.0.0.1) and a client certificate are made with {@code openssl}; users {@code root} and {@link #USER} (role
 * with readwrite on {@link #PREFIX}) are added with {@code etcdctl}. {@link #close()} kills etcd and deletes
 * everything.
 */
public final class SecureEtcd implements AutoCloseable {

    public static final String USER = "blackstart";
    public static final String PREFIX = "/bs-tls";
    private static final Duration START_TIMEOUT = Duration.ofSeconds(30);

    public final Path dir;
    public final String password = "pw-" + Long.toHexString(System.nanoTime()) + "-s3cret";
    private final String rootPassword = "root-" + Long.toHexString(System.nanoTime());
    public final int clientPort;
    private final Process etcd;

    private SecureEtcd(Path dir) throws IOException {
        this.dir = dir;
        makeCertificates();
        List<Integer> ports = FreePorts.take(2);
        this.clientPort = ports.get(0);
        int peerPort = ports.get(1);
        ProcessBuilder pb = new ProcessBuilder("etcd", "--name", "s1", "--data-dir", dir.resolve("data").toString(),
                "--listen-client-urls", url(), "--advertise-client-urls", url(),
                "--listen-peer-urls", "http://127.0.0.1:" + peerPort,
                "--initial-advertise-peer-urls", "http://127.0.0.1:" + peerPort,
                "--initial-cluster", "s1=http://127.0.0.1:" + peerPort,
                "--client-cert-auth", "--trusted-ca-file", ca().toString(),
                "--cert-file", dir.resolve("server.crt").toString(), "--key-file", dir.resolve("server.key").toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("etcd.log").toFile());
        this.etcd = pb.start();
    }

    /** Starts etcd, waits until it answers, then adds the users and enables authentication. */
    public static SecureEtcd start() {
        try {
            SecureEtcd e = new SecureEtcd(TempDirs.create("secure-etcd-"));
            try {
                e.awaitHealthy();
                e.ctl("user", "add", "root:" + e.rootPassword);
                e.ctl("role", "add", "blackstart");
                e.ctl("role", "grant-permission", "blackstart", "--prefix=true", "readwrite", PREFIX);
                // the doctor reads this key to test linearizable and serializable reads
                e.ctl("role", "grant-permission", "blackstart", "read", "blackstart/doctor/probe");
                e.ctl("user", "add", USER + ":" + e.password);
                e.ctl("user", "grant-role", USER, "blackstart");
                e.ctl("auth", "enable");
                return e;
            } catch (RuntimeException ex) {
                e.close();
                throw ex;
            }
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }

    public String url() {
        return "https://127.0.0.1:" + clientPort;
    }

    public Path ca() {
        return dir.resolve("ca.crt");
    }

    public Path clientCert() {
        return dir.resolve("client.crt");
    }

    /** The client key as PKCS#8 ({@code BEGIN PRIVATE KEY}). */
    public Path clientKey() {
        return dir.resolve("client.key");
    }

    /** The same client key as PKCS#1 ({@code BEGIN RSA PRIVATE KEY}). */
    public Path clientKeyPkcs1() {
        return dir.resolve("client-rsa.key");
    }

    /** A CA that did not sign the server certificate. */
    public Path otherCa() {
        return dir.resolve("other-ca.crt");
    }

    private void makeCertificates() {
        openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out", "ca.crt", "-days", "2",
                "-subj", "/CN=blackstart-test-ca");
        openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "other-ca.key", "-out", "other-ca.crt",
                "-days", "2", "-subj", "/CN=other-ca");
        write("server.ext", "subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth,clientAuth\n");
        write("client.ext", "extendedKeyUsage=clientAuth\n");
        for (String who : List.of("server", "client")) {
            openssl("req", "-newkey", "rsa:2048", "-nodes", "-keyout", who + ".key", "-out", who + ".csr",
                    "-subj", "/CN=" + (who.equals("server") ? "etcd" : "blackstart-tls-client"));
            openssl("x509", "-req", "-in", who + ".csr", "-CA", "ca.crt", "-CAkey", "ca.key", "-CAcreateserial",
                    "-out", who + ".crt", "-days", "2", "-extfile", who + ".ext");
        }
        openssl("rsa", "-in", "client.key", "-out", "client-rsa.key", "-traditional");
    }

    private void write(String name, String text) {
        try {
            Files.writeString(dir.resolve(name), text, StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void openssl(String... args) {
        List<String> cmd = new ArrayList<>(List.of("openssl"));
        cmd.addAll(List.of(args));
        run(cmd);
    }

    /** etcdctl as root (client certificate and root's password). */
    public void ctl(String... args) {
        List<String> cmd = new ArrayList<>(List.of("etcdctl", "--endpoints", url(), "--cacert", ca().toString(),
                "--cert", clientCert().toString(), "--key", clientKey().toString(), "--user", "root:" + rootPassword));
        cmd.addAll(List.of(args));
        run(cmd);
    }

    private String run(List<String> cmd) {
        Commands.Result r = Commands.run(Duration.ofSeconds(30), dir, cmd);
        if (!r.ok()) {
            throw new IllegalStateException(cmd.get(0) + " " + cmd.get(cmd.size() - 1) + " failed: " + r.output());
        }
        return r.output();
    }

    private void awaitHealthy() {
        // before auth is enabled the client certificate alone is enough
        List<String> health = List.of("etcdctl", "--endpoints", url(), "--cacert", ca().toString(), "--cert",
                clientCert().toString(), "--key", clientKey().toString(), "--command-timeout=1s", "endpoint", "health");
        try {
            Await.until("etcd with TLS healthy", START_TIMEOUT, Duration.ofMillis(100), () -> {
                if (!etcd.isAlive()) {
                    throw new IllegalStateException("etcd with TLS exited");
                }
                return Commands.run(Duration.ofSeconds(30), dir, health).ok();
            });
        } catch (AssertionError e) {
            throw new IllegalStateException("etcd with TLS did not become healthy: " + log(), e);
        }
    }

    public String log() {
        try {
            return Files.readString(dir.resolve("etcd.log"));
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    /** Kills etcd and deletes its data, keys and certificates. */
    @Override
    public void close() {
        etcd.destroyForcibly();
        try {
            etcd.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            TempDirs.delete(dir);
        } catch (UncheckedIOException e) {
            // temp dir: best effort
        }
    }
}
