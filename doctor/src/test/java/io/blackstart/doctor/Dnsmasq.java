package io.blackstart.doctor;

import io.blackstart.testsupport.Await;
import io.blackstart.testsupport.TempDirs;
import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Test helper: a real {@code dnsmasq} (Debian's dnsmasq-base, {@code /usr/sbin/dnsmasq}) on a free loopback port,
 * authoritative for nothing and forwarding nowhere: {@code --address=/DOMAIN/IP} answers for a domain,
 * {@code --address=/DOMAIN/} answers NXDOMAIN for it, and any other name is REFUSED.
 *
 * <p>Without dnsmasq the tests are skipped, except under {@code CI=true}, where {@code .ci/run} installs it and its
 * absence is a failure.
 */
final class Dnsmasq implements AutoCloseable {

    static final Path BINARY = Path.of("/usr/sbin/dnsmasq");

    private final Process process;
    private final Path dir;
    final int port;

    private Dnsmasq(Process process, Path dir, int port) {
        this.process = process;
        this.dir = dir;
        this.port = port;
    }

    /** Skips the calling test when dnsmasq is not installed (fails instead under CI). */
    static void assumeInstalled() {
        boolean installed = Files.isExecutable(BINARY);
        if (!installed && "true".equals(System.getenv("CI"))) {
            throw new AssertionError(BINARY + " is missing under CI: .ci/run installs dnsmasq-base");
        }
        Assumptions.assumeTrue(installed, BINARY + " is not installed (apt-get install -y dnsmasq-base)");
    }

    /**
     * Starts dnsmasq with these {@code --address} rules ({@code /blackstart.test/127.0.0.9},
     * {@code /missing.test/}) and waits until it serves.
     */
    static Dnsmasq start(String... addressRules) {
        int port = freeUdpAndTcpPort();
        try {
            Path dir = Files.createTempDirectory("doctor-dnsmasq-");
            List<String> cmd = new ArrayList<>(List.of(BINARY.toString(), "--no-daemon", "--no-resolv", "--no-hosts",
                    "--port=" + port, "--listen-address=127.0.0.1", "--bind-interfaces", "--pid-file=",
                    "--log-facility=-"));
            for (String rule : addressRules) {
                cmd.add("--address=" + rule);
            }
            Path log = dir.resolve("dnsmasq.log");
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
            Dnsmasq d = new Dnsmasq(p, dir, port);
            Await.until("dnsmasq serving on " + port, Duration.ofSeconds(10), () -> {
                if (!p.isAlive()) {
                    throw new AssertionError("dnsmasq exited: " + read(log));
                }
                return read(log).contains("started, version");
            });
            return d;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start dnsmasq", e);
        }
    }

    String server() {
        return "127.0.0.1:" + port;
    }

    private static String read(Path log) {
        try {
            return Files.readString(log, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }

    /** A loopback port free for UDP and TCP (dnsmasq binds both). */
    static int freeUdpAndTcpPort() {
        for (int i = 0; i < 50; i++) {
            try (DatagramSocket udp = new DatagramSocket(0, InetAddress.getLoopbackAddress());
                 ServerSocket tcp = new ServerSocket(udp.getLocalPort(), 1, InetAddress.getLoopbackAddress())) {
                return tcp.getLocalPort();
            } catch (IOException taken) {
                // the TCP side of that port is in use: try another
            }
        }
        throw new IllegalStateException("no loopback port free for both UDP and TCP");
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        TempDirs.delete(dir);
    }
}
