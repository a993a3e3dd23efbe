package io.blackstart.doctor;

import io.blackstart.testsupport.Await;
import io.blackstart.testsupport.FreePorts;
import io.blackstart.testsupport.TempDirs;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Test helper: a real {@code redis-server} on a free loopback port, without persistence. */
final class RedisServer implements AutoCloseable {

    private final Process process;
    private final Path dir;
    final int port;

    private RedisServer(Process process, Path dir, int port) {
        this.process = process;
        this.dir = dir;
        this.port = port;
    }

    /** Starts a server; {@code password} non-null requires AUTH. Waits until it accepts connections. */
    static RedisServer start(String password) {
        int port = FreePorts.one();
        try {
            Path dir = Files.createTempDirectory("doctor-redis-");
            List<String> cmd = new ArrayList<>(List.of("redis-server", "--port", String.valueOf(port),
                    "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", dir.toString()));
            if (password != null) {
                cmd.addAll(List.of("--requirepass", password));
            }
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
                    .redirectOutput(dir.resolve("redis.log").toFile()).start();
            RedisServer server = new RedisServer(p, dir, port);
            Await.until("redis-server on " + port, Duration.ofSeconds(15), server::accepting);
            return server;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start redis-server (apt-get install -y redis-server)", e);
        }
    }

    String url() {
        return "redis://127.0.0.1:" + port;
    }

    private boolean accepting() {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 200);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    @Override
    public void close() {
        process.destroyForcibly();
        try {
            process.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        TempDirs.delete(dir);
    }
}
