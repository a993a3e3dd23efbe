package io.blackstart.doctor;

import io.etcd.jetcd.Client;
import io.etcd.jetcd.cluster.Member;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * Test helper: a real etcd cluster of {@code n} members on free loopback ports, each with its own temp data
 * dir, started from {@code /usr/bin/etcd}. Members can be stopped, restarted, and re-bootstrapped into a
 * foreign standalone cluster; {@link #close()} kills every process and deletes the data.
 */
final class EtcdCluster implements AutoCloseable {

    private static final Duration START_TIMEOUT = Duration.ofSeconds(30);

    private final Path root;
    private final String token;
    private final List<String> names = new ArrayList<>();
    private final List<Integer> clientPorts = new ArrayList<>();
    private final List<Integer> peerPorts = new ArrayList<>();
    private final List<Process> processes = new ArrayList<>();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofMillis(500)).build();
    private final List<String> extraFlags;

    private EtcdCluster(Path root, String token, List<String> extraFlags) {
        this.root = root;
        this.token = token;
        this.extraFlags = List.copyOf(extraFlags);
    }

    /**
     * Starts {@code n} members with this token (and these extra etcd flags on every member, e.g.
     * {@code --quota-backend-bytes=16777216}) and waits until every one reports healthy.
     */
    static EtcdCluster start(int n, String token, String... extraFlags) {
        try {
            EtcdCluster c = new EtcdCluster(Files.createTempDirectory("doctor-etcd-"), token, List.of(extraFlags));
            List<Integer> ports = FreePorts.take(2 * n);
            for (int i = 0; i < n; i++) {
                c.names.add("e" + (i + 1));
                c.clientPorts.add(ports.get(i));
                c.peerPorts.add(ports.get(n + i));
                c.processes.add(null);
            }
            for (int i = 0; i < n; i++) {
                c.launch(i, c.initialCluster(), token, "new");
            }
            c.awaitHealthy();
            return c;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    List<String> clientUrls() {
        return clientPorts.stream().map(p -> "http://127.0.0.1:" + p).toList();
    }

    List<String> peerUrls() {
        return peerPorts.stream().map(p -> "http://127.0.0.1:" + p).toList();
    }

    String clientUrl(int i) {
        return clientUrls().get(i);
    }

    String name(int i) {
        return names.get(i);
    }

    /** Stops member {@code i} (SIGKILL, like a power loss) and waits for its exit. */
    void stop(int i) {
        Process p = processes.get(i);
        if (p != null && p.isAlive()) {
            p.destroyForcibly();
            try {
                p.waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        processes.set(i, null);
    }

    /** Starts member {@code i} again on its data dir (if it is not running). */
    void restart(int i) {
        if (processes.get(i) == null) {
            launch(i, initialCluster(), token, "new");
        }
    }

    /**
     * The incident: member {@code i} is restarted with a wiped data dir, another token, and an initial
     * cluster listing only itself, so it bootstraps a foreign standalone cluster.
     */
    void rebootstrapForeign(int i, String wrongToken) {
        stop(i);
        TempDirs.delete(dataDir(i));
        launch(i, names.get(i) + "=" + peerUrls().get(i), wrongToken, "new");
        Await.until(names.get(i) + " serving as a foreign cluster", START_TIMEOUT, () -> healthy(i));
    }

    /**
     * Member {@code i} is restarted with a wiped data dir and another token but the full member listing: it
     * cannot join (cluster id mismatch), never gets a leader, and serves nothing on its client port.
     */
    void rebootstrapWithWrongToken(int i, String wrongToken) {
        stop(i);
        TempDirs.delete(dataDir(i));
        launch(i, initialCluster(), wrongToken, "new");
        Await.until(names.get(i) + " answering on its peer port", START_TIMEOUT, () -> peerAnswers(i));
    }

    /**
     * Repairs a wrongly re-bootstrapped member the way the doctor's hint says: stop it, wipe it, remove it
     * from the cluster and add it again, start it with {@code --initial-cluster-state existing}.
     */
    void repair(int i) {
        stop(i);
        TempDirs.delete(dataDir(i));
        int helper = i == 0 ? 1 : 0;
        try (Client client = Client.builder().endpoints(clientUrl(helper)).build()) {
            for (Member m : client.getClusterClient().listMember().get(10, TimeUnit.SECONDS).getMembers()) {
                if (m.getPeerURIs().stream().anyMatch(u -> u.toString().startsWith(peerUrls().get(i)))) {
                    try {
                        client.getClusterClient().removeMember(m.getId()).get(10, TimeUnit.SECONDS);
                    } catch (java.util.concurrent.ExecutionException e) {
                        if (!String.valueOf(e.getMessage()).contains("member not found")) {
                            throw e;
                        }
                    }
                }
            }
            // Strict reconfiguration refuses "unhealthy cluster" until the others have been connected for 5 s, and
            // right after the removal etcd may answer "member not found" while it applies the change: retry until the
            // member is listed (an attempt that timed out on our side may have been applied).
            Await.until("member add " + names.get(i) + " accepted", START_TIMEOUT, () -> {
                try {
                    for (Member m : client.getClusterClient().listMember().get(5, TimeUnit.SECONDS).getMembers()) {
                        if (m.getPeerURIs().stream().anyMatch(u -> u.toString().startsWith(peerUrls().get(i)))) {
                            return true;
                        }
                    }
                    client.getClusterClient().addMember(List.of(URI.create(peerUrls().get(i))))
                            .get(10, TimeUnit.SECONDS);
                    return true;
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted while adding " + names.get(i), e);
                } catch (Exception e) {
                    return false; // unhealthy cluster, member not found, a timeout: try again until the deadline
                }
            });
        } catch (Exception e) {
            throw new IllegalStateException("cannot repair " + names.get(i), e);
        }
        launch(i, initialCluster(), token, "existing");
        awaitHealthy();
    }

    /** Restarts every stopped member and waits until all are healthy. */
    void restoreAll() {
        for (int i = 0; i < processes.size(); i++) {
            restart(i);
        }
        awaitHealthy();
    }

    void awaitHealthy() {
        for (int i = 0; i < processes.size(); i++) {
            int m = i;
            Await.until(names.get(m) + " healthy", START_TIMEOUT, () -> healthy(m));
        }
    }

    boolean healthy(int i) {
        try {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(clientUrl(i) + "/health"))
                    .timeout(Duration.ofMillis(1000)).build(), HttpResponse.BodyHandlers.ofString());
            return r.statusCode() == 200 && r.body().contains("true");
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** True when member {@code i} answers {@code GET /members} on its peer port. */
    boolean peerAnswers(int i) {
        try {
            return http.send(HttpRequest.newBuilder(URI.create(peerUrls().get(i) + "/members"))
                    .timeout(Duration.ofMillis(1000)).build(), HttpResponse.BodyHandlers.ofString()).statusCode() == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    @Override
    public void close() {
        for (int i = 0; i < processes.size(); i++) {
            stop(i);
        }
        TempDirs.delete(root);
    }

    private String initialCluster() {
        List<String> peers = peerUrls();
        List<String> parts = new ArrayList<>();
        for (int i = 0; i < names.size(); i++) {
            parts.add(names.get(i) + "=" + peers.get(i));
        }
        return parts.stream().collect(Collectors.joining(","));
    }

    private Path dataDir(int i) {
        return root.resolve(names.get(i));
    }

    private void launch(int i, String initialCluster, String tok, String state) {
        String client = clientUrl(i);
        String peer = peerUrls().get(i);
        ProcessBuilder pb = new ProcessBuilder("etcd",
                "--name", names.get(i),
                "--data-dir", dataDir(i).toString(),
                "--listen-client-urls", client, "--advertise-client-urls", client,
                "--listen-peer-urls", peer, "--initial-advertise-peer-urls", peer,
                "--initial-cluster", initialCluster,
                "--initial-cluster-token", tok,
                "--initial-cluster-state", state,
                "--heartbeat-interval", "50", "--election-timeout", "500");
        pb.command().addAll(extraFlags);
        pb.redirectErrorStream(true);
        pb.redirectOutput(ProcessBuilder.Redirect.appendTo(root.resolve(names.get(i) + ".log").toFile()));
        try {
            processes.set(i, pb.start());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start etcd (is /usr/bin/etcd installed?)", e);
        }
    }
}
