package io.blackstart.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A private etcd cluster of {@code n} members {@code e1..en} for the tests that take members away or break them
 * (the shared etcd is for everything else, see {@link SharedEtcd}): each member runs the installed {@code etcd} on
 * free loopback ports with its own data dir under one temp dir, with fast raft timings (heartbeat 50 ms, election
 * 500 ms). {@link #kill} is SIGKILL, like a host losing power; {@link #restart} starts a member again on its data
 * dir; {@link #close()} kills every member and deletes the data. Starting fails when {@code etcd} is not installed
 * or a member does not become healthy, with the member's log.
 */
public final class EtcdCluster implements AutoCloseable {

    private static final Duration START_TIMEOUT = Duration.ofSeconds(30);

    private final Path root;
    private final String token;
    private final List<String> extraFlags;
    private final List<String> names = new ArrayList<>();
    private final List<Integer> clientPorts = new ArrayList<>();
    private final List<Integer> peerPorts = new ArrayList<>();
    private final List<Process> processes = new ArrayList<>();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofMillis(500)).build();

    private EtcdCluster(int n, Path root, String token, List<String> extraFlags) {
        this.root = root;
        this.token = token;
        this.extraFlags = List.copyOf(extraFlags);
        List<Integer> ports = FreePorts.take(2 * n);
        for (int i = 0; i < n; i++) {
            names.add("e" + (i + 1));
            clientPorts.add(ports.get(i));
            peerPorts.add(ports.get(n + i));
            processes.add(null);
        }
    }

    /** Starts {@code n} members with a cluster token of their own and waits until every one reports healthy. */
    public static EtcdCluster start(int n) {
        Path root = TempDirs.create("etcd-cluster-");
        return start(n, root, root.getFileName().toString(), List.of());
    }

    /**
     * Starts {@code n} members with this token (and these extra etcd flags on every member, e.g.
     * {@code --quota-backend-bytes=16777216}) and waits until every one reports healthy.
     */
    public static EtcdCluster start(int n, String token, String... extraFlags) {
        return start(n, TempDirs.create("etcd-cluster-"), token, List.of(extraFlags));
    }

    private static EtcdCluster start(int n, Path root, String token, List<String> extraFlags) {
        EtcdCluster c = new EtcdCluster(n, root, token, extraFlags);
        try {
            for (int i = 0; i < n; i++) {
                c.launch(i, c.initialCluster(), token, "new");
            }
            c.awaitHealthy();
            return c;
        } catch (RuntimeException | AssertionError e) {
            c.close();
            throw e;
        }
    }

    /** The members' client URLs, {@code http://127.0.0.1:PORT}. */
    public List<String> clientUrls() {
        return clientPorts.stream().map(p -> "http://127.0.0.1:" + p).toList();
    }

    /** The members' peer URLs. */
    public List<String> peerUrls() {
        return peerPorts.stream().map(p -> "http://127.0.0.1:" + p).toList();
    }

    /** The client URLs comma-separated, as {@code --etcd} and {@code etcdctl --endpoints} take them. */
    public String endpoints() {
        return String.join(",", clientUrls());
    }

    /** Member {@code i}'s client URL. */
    public String clientUrl(int i) {
        return clientUrls().get(i);
    }

    /** Member {@code i}'s name, {@code e<i+1>}. */
    public String name(int i) {
        return names.get(i);
    }

    /** Kills member {@code i} (SIGKILL, like a power loss) and waits for its exit; a stopped member is left alone. */
    public void kill(int i) {
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

    /** Starts member {@code i} again on its data dir (if it is not running); does not wait for it. */
    public void restart(int i) {
        if (processes.get(i) == null) {
            launch(i, initialCluster(), token, "new");
        }
    }

    /** Restarts every stopped member and waits until all are healthy. */
    public void restoreAll() {
        for (int i = 0; i < processes.size(); i++) {
            restart(i);
        }
        awaitHealthy();
    }

    /**
     * The incident: member {@code i} is restarted with a wiped data dir, another token, and an initial cluster
     * listing only itself, so it bootstraps a foreign standalone cluster.
     */
    public void rebootstrapForeign(int i, String wrongToken) {
        kill(i);
        TempDirs.delete(dataDir(i));
        launch(i, names.get(i) + "=" + peerUrls().get(i), wrongToken, "new");
        Await.until(names.get(i) + " serving as a foreign cluster", START_TIMEOUT, () -> healthy(i));
    }

    /**
     * Member {@code i} is restarted with a wiped data dir and another token but the full member listing: it cannot
     * join (cluster id mismatch), never gets a leader, and serves nothing on its client port.
     */
    public void rebootstrapWithWrongToken(int i, String wrongToken) {
        kill(i);
        TempDirs.delete(dataDir(i));
        launch(i, initialCluster(), wrongToken, "new");
        Await.until(names.get(i) + " answering on its peer port", START_TIMEOUT, () -> peerAnswers(i));
    }

    /**
     * Repairs a wrongly re-bootstrapped member the way the doctor's hint says, with {@code etcdctl} on another
     * member: stop it, wipe it, remove it from the cluster and add it again, start it with
     * {@code --initial-cluster-state existing}; waits until every member is healthy.
     */
    public void repair(int i) {
        kill(i);
        TempDirs.delete(dataDir(i));
        String helper = clientUrl(i == 0 ? 1 : 0);
        String peer = peerUrls().get(i);
        for (List<String> m : members(helper)) {
            if (m.get(3).equals(peer)) {
                Commands.Result r = etcdctl(helper, "member", "remove", m.get(0));
                if (!r.ok() && !r.output().contains("member not found")) {
                    r.orFail();
                }
            }
        }
        // Strict reconfiguration refuses "unhealthy cluster" until the others have been connected for 5 s, and right
        // after the removal etcd may answer "member not found" while it applies the change: retry until the member is
        // listed (an attempt that timed out on our side may have been applied).
        Await.until("member add " + names.get(i) + " accepted", START_TIMEOUT, () -> {
            if (members(helper).stream().anyMatch(m -> m.get(3).equals(peer))) {
                return true;
            }
            return etcdctl(helper, "member", "add", names.get(i), "--peer-urls=" + peer).ok();
        });
        launch(i, initialCluster(), token, "existing");
        awaitHealthy();
    }

    /** Waits until every member reports healthy; fails with the log of the first that does not. */
    public void awaitHealthy() {
        for (int i = 0; i < processes.size(); i++) {
            int m = i;
            try {
                Await.until(names.get(m) + " healthy", START_TIMEOUT, () -> healthy(m));
            } catch (AssertionError e) {
                throw new AssertionError(e.getMessage() + "; its log:\n" + log(m), e);
            }
        }
    }

    /** True when member {@code i} answers {@code GET /health} with {@code "health":"true"} (it has a leader). */
    public boolean healthy(int i) {
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
    public boolean peerAnswers(int i) {
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

    /** True if a linearizable read through all endpoints succeeds (the cluster has a quorum). */
    public boolean serving() {
        return etcdctl(endpoints(), "--command-timeout=2s", "get", "--limit=1", "/etcd-cluster-probe").ok();
    }

    /** Member {@code i}'s output so far. */
    public String log(int i) {
        try {
            return java.nio.file.Files.readString(root.resolve(names.get(i) + ".log"));
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    /** Kills every member and deletes the data. */
    @Override
    public void close() {
        for (int i = 0; i < processes.size(); i++) {
            kill(i);
        }
        try {
            TempDirs.delete(root);
        } catch (UncheckedIOException e) {
            // a temp dir left behind
        }
    }

    /** {@code etcdctl member list} lines split into id, status, name, peer URLs, client URLs, learner. */
    private static List<List<String>> members(String endpoint) {
        Commands.Result r = etcdctl(endpoint, "member", "list");
        if (!r.ok()) {
            return List.of();
        }
        return r.output().lines().filter(l -> !l.isBlank()).map(l -> List.of(l.split(", ", -1)))
                .filter(f -> f.size() >= 4).toList();
    }

    private static Commands.Result etcdctl(String endpoints, String... args) {
        List<String> cmd = new ArrayList<>(List.of("etcdctl", "--endpoints=" + endpoints, "--command-timeout=10s"));
        cmd.addAll(List.of(args));
        return Commands.run(Duration.ofSeconds(20), cmd);
    }

    private String initialCluster() {
        List<String> peers = peerUrls();
        List<String> parts = new ArrayList<>();
        for (int i = 0; i < names.size(); i++) {
            parts.add(names.get(i) + "=" + peers.get(i));
        }
        return String.join(",", parts);
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
            throw new UncheckedIOException("cannot start etcd (is it installed? apt-get install etcd-server)", e);
        }
    }
}
