package io.blackstart.e2e;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A private etcd cluster of {@code n} members on free loopback ports (from the installed {@code etcd}), for the
 * tests that take members away: {@link #kill} is SIGKILL, like a host losing power; {@link #restart} starts a
 * member again on its data dir.
 */
final class EtcdMembers implements AutoCloseable {
    private final Path root;
    private final int[] clientPorts;
    private final int[] peerPorts;
    private final Process[] processes;

    private EtcdMembers(int n) throws IOException {
        root = Files.createTempDirectory("e2e-etcd");
        clientPorts = new int[n];
        peerPorts = new int[n];
        processes = new Process[n];
        List<Integer> taken = new ArrayList<>();
        for (int i = 0; i < 2 * n; i++) {
            int p;
            do {
                p = LocalCluster.freePort();
            } while (taken.contains(p));
            taken.add(p);
        }
        for (int i = 0; i < n; i++) {
            clientPorts[i] = taken.get(i);
            peerPorts[i] = taken.get(n + i);
        }
    }

    /** Starts {@code n} members and waits until the cluster answers a write. */
    static EtcdMembers start(int n) {
        try {
            EtcdMembers m = new EtcdMembers(n);
            for (int i = 0; i < n; i++) {
                m.launch(i);
            }
            Await.until("etcd cluster of " + n + " serving", Duration.ofSeconds(30), m::serving, ok -> ok);
            return m;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The client URLs, comma-separated (as {@code --etcd} and {@code etcdctl --endpoints} take them). */
    String endpoints() {
        List<String> urls = new ArrayList<>();
        for (int p : clientPorts) {
            urls.add("http://127.0.0.1:" + p);
        }
        return String.join(",", urls);
    }

    /** True if a linearizable read succeeds (the cluster has a quorum). */
    boolean serving() {
        return Shell.run(Duration.ofSeconds(10), java.util.Map.of(), List.of("etcdctl", "--endpoints=" + endpoints(),
                "--command-timeout=2s", "get", "--limit=1", "/e2e-probe")).exitCode() == 0;
    }

    void kill(int i) {
        Process p = processes[i];
        if (p != null) {
            p.destroyForcibly();
            try {
                p.waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            processes[i] = null;
        }
    }

    void restart(int i) {
        if (processes[i] == null) {
            launch(i);
        }
    }

    private void launch(int i) {
        StringBuilder initial = new StringBuilder();
        for (int k = 0; k < peerPorts.length; k++) {
            initial.append(k == 0 ? "" : ",").append("m").append(k).append("=http://127.0.0.1:").append(peerPorts[k]);
        }
        String client = "http://127.0.0.1:" + clientPorts[i];
        String peer = "http://127.0.0.1:" + peerPorts[i];
        ProcessBuilder pb = new ProcessBuilder("etcd", "--name", "m" + i, "--data-dir", root.resolve("m" + i).toString(),
                "--listen-client-urls", client, "--advertise-client-urls", client, "--listen-peer-urls", peer,
                "--initial-advertise-peer-urls", peer, "--initial-cluster", initial.toString(),
                "--initial-cluster-token", root.getFileName().toString(), "--initial-cluster-state", "new",
                "--heartbeat-interval", "50", "--election-timeout", "500");
        pb.redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(root.resolve("m" + i + ".log").toFile()));
        try {
            processes[i] = pb.start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start etcd (is it installed?)", e);
        }
    }

    @Override
    public void close() {
        for (int i = 0; i < processes.length; i++) {
            kill(i);
        }
        try (Stream<Path> all = Files.walk(root)) {
            all.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // a temp dir left behind
        }
    }
}
