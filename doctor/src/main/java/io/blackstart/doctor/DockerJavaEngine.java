package io.blackstart.doctor;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.model.Info;
import com.github.dockerjava.api.model.Version;
import com.github.dockerjava.core.DefaultDockerClientConfig;
import com.github.dockerjava.core.DockerClientImpl;
import com.github.dockerjava.transport.DockerHttpClient;
import com.github.dockerjava.zerodep.ZerodepDockerHttpClient;

import java.io.IOException;
import java.net.SocketTimeoutException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * {@link DockerEnginePort} over docker-java with the zerodep transport. No API version is forced: the
 * engine answers with its own (see DEPENDENCIES.md, P10). The data root's free space is read from the
 * local file system, so it is only reported for a {@code unix://} engine whose data root is visible here.
 */
public final class DockerJavaEngine implements DockerEnginePort {

    private final String host;
    private final Duration connectTimeout;
    private final Duration readTimeout;

    /** An engine at {@code host} ({@code unix:///var/run/docker.sock}, {@code tcp://h:2375}). */
    public DockerJavaEngine(String host, Duration connectTimeout, Duration readTimeout) {
        this.host = host;
        this.connectTimeout = connectTimeout;
        this.readTimeout = readTimeout;
    }

    @Override
    public DockerFacts facts() {
        long t0 = System.nanoTime();
        try {
            DefaultDockerClientConfig config = DefaultDockerClientConfig.createDefaultConfigBuilder()
                    .withDockerHost(host).build();
            DockerHttpClient http = new ZerodepDockerHttpClient.Builder()
                    .dockerHost(config.getDockerHost())
                    .connectionTimeout(connectTimeout)
                    .responseTimeout(readTimeout)
                    .maxConnections(4)
                    .build();
            try (DockerClient docker = DockerClientImpl.getInstance(config, http)) {
                docker.pingCmd().exec();
                CallOutcome ping = CallOutcome.ok(HttpFetch.millisSince(t0));
                Version v = docker.versionCmd().exec();
                Info info = docker.infoCmd().exec();
                String root = info.getDockerRootDir() == null ? "" : info.getDockerRootDir();
                Optional<Long> usable = Optional.empty();
                Optional<Long> total = Optional.empty();
                if (host.startsWith("unix://") && !root.isEmpty() && Files.isDirectory(Path.of(root))) {
                    FileStore store = Files.getFileStore(Path.of(root));
                    usable = Optional.of(store.getUsableSpace());
                    total = Optional.of(store.getTotalSpace());
                }
                return new DockerFacts(ping, nz(v.getVersion()), nz(v.getApiVersion()), nz(info.getDriver()), root,
                        usable, total);
            }
        } catch (Exception e) {
            return DockerFacts.unreachable(classify(e, t0));
        }
    }

    private static CallOutcome classify(Exception e, long t0) {
        long ms = HttpFetch.millisSince(t0);
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        if (root instanceof SocketTimeoutException) {
            return new CallOutcome(CallOutcome.Kind.TIMEOUT, "no answer: " + HttpFetch.describe(root), ms);
        }
        String m = String.valueOf(root.getMessage()).toLowerCase(java.util.Locale.ROOT);
        if (root instanceof IOException && (m.contains("no such file") || m.contains("refused")
                || m.contains("connect"))) {
            return new CallOutcome(CallOutcome.Kind.REFUSED, HttpFetch.describe(root), ms);
        }
        return new CallOutcome(CallOutcome.Kind.ERROR, HttpFetch.describe(root), ms);
    }

    private static String nz(String s) {
        return s == null ? "" : s;
    }
}
