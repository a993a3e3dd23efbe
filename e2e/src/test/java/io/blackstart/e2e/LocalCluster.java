package io.blackstart.e2e;

import io.blackstart.testsupport.DockerEngine;
import io.blackstart.testsupport.FreePorts;
import io.blackstart.testsupport.SharedEtcd;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * A cluster started with {@code deploy/local/cluster.sh} on free ports, a private run directory and a private etcd
 * prefix, so it never collides with a developer's cluster. Also wraps the tools an operator would use.
 */
final class LocalCluster implements AutoCloseable {
    static final String ETCD = SharedEtcd.ENDPOINT;
    static final String TOKEN = "e2e-" + UUID.randomUUID();
    private static final ObjectMapper JSON = new ObjectMapper();

    final String prefix = SharedEtcd.uniquePrefix("e2e");
    final int apiPort;
    final int basePort;
    final Path runDir;
    private final int agents;
    /** The etcd members the cluster uses (comma-separated client URLs). */
    final String etcd;

    LocalCluster(int agents) throws IOException {
        this(agents, ETCD);
    }

    /** With the etcd members at {@code etcd} (comma-separated client URLs) instead of the CI's etcd. */
    LocalCluster(int agents, String etcd) throws IOException {
        if (etcd.equals(ETCD)) {
            SharedEtcd.requireHealthy();
        }
        DockerEngine.requireTestImage();
        this.agents = agents;
        this.etcd = etcd;
        this.runDir = Files.createTempDirectory("bs-e2e-run");
        // cluster.sh uses apiPort.. and basePort.. for up to 3 coordinators: two ranges that must not overlap (a
        // closed probe socket's port can be handed out again, and once the API got the Artery port of its own node)
        int[] ports = FreePorts.apart(16);
        this.apiPort = ports[0];
        this.basePort = ports[1];
    }

    Map<String, String> env() {
        return Map.of("BLACKSTART_RUN_DIR", runDir.toString(), "BLACKSTART_TOKEN", TOKEN,
                "BLACKSTART_API", api());
    }

    String api() {
        return "http://127.0.0.1:" + apiPort;
    }

    LocalCluster up() {
        return up(List.of());
    }

    /** {@code cluster.sh up} with further options, e.g. {@code --coordinators 3 --skip-coordinators 1}. */
    LocalCluster up(List<String> options) {
        List<String> cmd = new ArrayList<>(List.of("deploy/local/cluster.sh", "up", "--agents", "" + agents,
                "--prefix", prefix, "--api-port", "" + apiPort, "--base-port", "" + basePort));
        if (!etcd.equals(ETCD)) {
            cmd.addAll(List.of("--etcd", etcd));
        }
        cmd.addAll(options);
        Shell.Result r = Shell.run(Duration.ofSeconds(150), env(), cmd);
        if (r.exitCode() != 0) {
            // never leave a half-started cluster behind: its agents would report (and its coordinator stop) the
            // containers of the next tests, which use the same node ids on the same Docker engine
            Shell.run(Duration.ofSeconds(60), env(), List.of("deploy/local/cluster.sh", "down"));
        }
        r.orFail("cluster.sh up (logs in " + runDir + ")");
        return this;
    }

    void down() {
        Shell.run(Duration.ofSeconds(60), env(), List.of("deploy/local/cluster.sh", "down")).orFail("cluster.sh down");
    }

    /** Runs {@code ./blackstart ARGS} against this cluster. */
    Shell.Result blackstart(String... args) {
        List<String> cmd = new ArrayList<>(List.of("./blackstart"));
        cmd.addAll(Arrays.asList(args));
        return Shell.run(Duration.ofSeconds(60), env(), cmd);
    }

    JsonNode status() {
        try {
            return JSON.readTree(blackstart("status", "--json").orFail("blackstart status --json").stdout());
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    /** An app of the test image that sleeps: {@code instances} in {@code tier}, depending on {@code deps}. */
    static String sleeperSpec(String id, String tier, int instances, String... deps) {
        String dependsOn = deps.length == 0 ? "[]" : "[\"" + String.join("\",\"", deps) + "\"]";
        return "{\"id\":\"" + id + "\",\"image\":\"blackstart/testapp:1\",\"instances\":" + instances
                + ",\"tier\":\"" + tier + "\",\"memoryMb\":16,\"cpus\":0.1,\"dependsOn\":" + dependsOn
                + ",\"command\":[\"/bin/sleep\",\"100000\"],\"startTimeoutSeconds\":30}";
    }

    void etcdPut(String key, String value) {
        Shell.run("etcdctl", "--endpoints=" + etcd, "put", prefix + key, value).orFail("etcdctl put " + key);
    }

    void etcdDelete(String key) {
        Shell.run("etcdctl", "--endpoints=" + etcd, "del", prefix + key).orFail("etcdctl del " + key);
    }

    /** Containers with label io.blackstart.app=APP: one line "name instance node state" each. */
    static List<String> containers(String app) {
        String out = Shell.run("docker", "ps", "-a", "--filter", "label=io.blackstart.app=" + app, "--format",
                "{{.Names}} {{.Label \"io.blackstart.instance\"}} {{.Label \"io.blackstart.node\"}} {{.State}}")
                .orFail("docker ps").stdout().strip();
        return out.isEmpty() ? List.of() : List.of(out.split("\n"));
    }

    static void removeContainers(String app) {
        DockerEngine.removeContainers("io.blackstart.app", app);
    }

    /** A test's clean-up: closes {@code cluster} (if it came up), then removes the containers of {@code apps}. */
    static void closeAndRemove(LocalCluster cluster, Collection<String> apps) {
        try {
            if (cluster != null) {
                cluster.close();
            }
        } finally {
            apps.forEach(LocalCluster::removeContainers);
        }
    }

    /** instanceId → container id, for every container of {@code apps}; fails on a second container per instance. */
    static Map<String, String> containerIds(Collection<String> apps) {
        Map<String, String> out = new HashMap<>();
        for (String app : apps) {
            String lines = Shell.run("docker", "ps", "-a", "--filter", "label=io.blackstart.app=" + app, "--format",
                    "{{.Label \"io.blackstart.instance\"}} {{.ID}}").orFail("docker ps").stdout().strip();
            for (String line : lines.isEmpty() ? new String[0] : lines.split("\n")) {
                String[] f = line.split(" ");
                String before = out.put(f[0], f[1]);
                if (before != null) {
                    throw new AssertionError("instance " + f[0] + " has two containers: " + before + " and " + f[1]);
                }
            }
        }
        return out;
    }

    @Override
    public void close() {
        try {
            down();
        } finally {
            Shell.run(Duration.ofSeconds(20), Map.of(), List.of("etcdctl", "--endpoints=" + etcd, "--command-timeout=5s",
                    "del", "--prefix", prefix + "/"));
        }
    }

}
