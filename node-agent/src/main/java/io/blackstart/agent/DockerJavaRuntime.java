package io.blackstart.agent;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.exception.ConflictException;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.exception.NotModifiedException;
import com.github.dockerjava.api.model.Container;
import com.github.dockerjava.api.model.Event;
import com.github.dockerjava.api.model.EventType;
import com.github.dockerjava.api.model.HostConfig;
import com.github.dockerjava.api.model.Info;
import com.github.dockerjava.api.model.Image;
import com.github.dockerjava.api.model.PullResponseItem;
import com.github.dockerjava.api.model.RestartPolicy;
import com.github.dockerjava.api.model.Version;
import com.github.dockerjava.core.DefaultDockerClientConfig;
import com.github.dockerjava.core.DockerClientImpl;
import com.github.dockerjava.zerodep.ZerodepDockerHttpClient;
import com.github.dockerjava.api.command.HealthState;
import com.github.dockerjava.api.command.HealthStateLog;
import com.github.dockerjava.api.model.ContainerNetwork;
import com.github.dockerjava.api.model.Frame;
import io.blackstart.protocol.AppSpecParser;
import io.blackstart.protocol.ContainerLabels;
import io.blackstart.protocol.HealthCheck;
import io.blackstart.protocol.SpecError;
import io.blackstart.protocol.wire.ContainerHealth;
import io.blackstart.protocol.wire.ContainerInfo;
import io.blackstart.protocol.wire.ContainerSpec;
import io.blackstart.protocol.wire.ContainerState;
import io.blackstart.protocol.wire.EngineDiagnosis;

import java.io.Closeable;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * {@link ContainerRuntime} on the Docker Engine API through docker-java and its zerodep transport. The API version is
 * never fixed: requests go unversioned and the engine answers in its own version. Every blocking call runs on the
 * executor given (a bounded Pekko dispatcher). The event stream uses a second client without a response timeout, so
 * a quiet stream is not cut; host diagnoses use a third one whose response timeout is
 * {@code host-diagnosis-timeout}, so a hung engine ends a diagnosis within it.
 */
public final class DockerJavaRuntime implements ContainerRuntime {

    private static final String NO_TAG = "<none>:<none>";

    private final DockerClient client;
    private final DockerClient eventsClient;
    private final DockerClient diagnosisClient;
    private final Executor executor;
    private final Duration pullTimeout;
    private final Duration diagnosisTimeout;
    private final Path configuredDataRoot;

    /** Connects (lazily) to {@code settings.dockerHost()}; blocking calls run on {@code executor}. */
    public DockerJavaRuntime(AgentSettings settings, Executor executor) {
        DefaultDockerClientConfig config = DefaultDockerClientConfig.createDefaultConfigBuilder()
                .withDockerHost(settings.dockerHost().toString())
                .build();
        this.client = DockerClientImpl.getInstance(config, new ZerodepDockerHttpClient.Builder()
                .dockerHost(config.getDockerHost())
                .sslConfig(config.getSSLConfig())
                .maxConnections(settings.dockerMaxConnections())
                .connectionTimeout(settings.dockerConnectTimeout())
                .responseTimeout(settings.dockerResponseTimeout())
                .build());
        this.eventsClient = DockerClientImpl.getInstance(config, new ZerodepDockerHttpClient.Builder()
                .dockerHost(config.getDockerHost())
                .sslConfig(config.getSSLConfig())
                .maxConnections(settings.dockerMaxConnections())
                .connectionTimeout(settings.dockerConnectTimeout())
                .build());
        Duration diagnosis = settings.hostDiagnosisTimeout();
        this.diagnosisClient = DockerClientImpl.getInstance(config, new ZerodepDockerHttpClient.Builder()
                .dockerHost(config.getDockerHost())
                .sslConfig(config.getSSLConfig())
                .maxConnections(2)
                .connectionTimeout(diagnosis.compareTo(settings.dockerConnectTimeout()) < 0 ? diagnosis
                        : settings.dockerConnectTimeout())
                .responseTimeout(diagnosis)
                .build());
        this.executor = executor;
        this.pullTimeout = settings.pullTimeout();
        this.diagnosisTimeout = diagnosis;
        this.configuredDataRoot = settings.dockerDataRoot();
    }

    @Override
    public CompletionStage<List<ContainerInfo>> list(String nodeId) {
        return async(() -> listWithLabels(Map.of(ContainerLabels.NODE, nodeId)));
    }

    @Override
    public CompletionStage<Optional<ContainerInfo>> inspect(String nodeId, String containerId) {
        return async(() -> inspectOwned(nodeId, containerId).map(c -> {
            Map<String, String> labels = labels(c);
            String status = c.getState() == null ? null : c.getState().getStatus();
            ContainerState state = state(status);
            ContainerHealth health = ContainerHealth.NONE;
            String detail = null;
            if (state == ContainerState.RUNNING && labels.containsKey(ContainerLabels.HEALTH)) {
                health = ContainerHealth.STARTING; // the agent's own probe decides
            } else if (state == ContainerState.RUNNING && c.getState().getHealth() != null) {
                HealthState h = c.getState().getHealth();
                health = engineHealth(h.getStatus());
                detail = lastOutput(h);
            }
            return new ContainerInfo(labels.getOrDefault(ContainerLabels.INSTANCE, ""),
                    labels.getOrDefault(ContainerLabels.APP, ""), c.getId(), c.getConfig().getImage(), state,
                    0, health, detail);
        }));
    }

    /** The engine's inspection of a container of {@code nodeId}; empty if it is gone or another node's. Blocking. */
    private Optional<InspectContainerResponse> inspectOwned(String nodeId, String containerId) {
        InspectContainerResponse c;
        try {
            c = client.inspectContainerCmd(containerId).exec();
        } catch (NotFoundException gone) {
            return Optional.empty();
        }
        return nodeId.equals(labels(c).get(ContainerLabels.NODE)) ? Optional.of(c) : Optional.empty();
    }

    private static Map<String, String> labels(InspectContainerResponse c) {
        return c.getConfig() == null || c.getConfig().getLabels() == null ? Map.of() : c.getConfig().getLabels();
    }

    @Override
    public CompletionStage<Optional<ProbeTarget>> probeTarget(String nodeId, String containerId) {
        return async(() -> inspectOwned(nodeId, containerId).flatMap(c -> {
            Map<String, String> labels = labels(c);
            String json = labels.get(ContainerLabels.HEALTH);
            if (json == null) {
                return Optional.empty();
            }
            List<SpecError> errors = new ArrayList<>();
            HealthCheck check = AppSpecParser.parseHealth(json, errors).orElseThrow(() -> new IllegalArgumentException(
                    "container " + containerId + ": label " + ContainerLabels.HEALTH + " is not a health check: "
                            + errors));
            return Optional.of(new ProbeTarget(c.getId(), labels.getOrDefault(ContainerLabels.INSTANCE, ""), check,
                    address(c), startedAt(c)));
        }));
    }

    /** Where the container's ports are reachable from this host. */
    private static String address(InspectContainerResponse c) {
        String mode = c.getHostConfig() == null ? null : c.getHostConfig().getNetworkMode();
        if ("host".equals(mode)) {
            return "127.0.0.1";
        }
        if (c.getNetworkSettings() == null) {
            return null;
        }
        String ip = c.getNetworkSettings().getIpAddress();
        if (ip != null && !ip.isBlank()) {
            return ip;
        }
        Map<String, ContainerNetwork> networks = c.getNetworkSettings().getNetworks();
        if (networks != null) {
            for (ContainerNetwork n : new java.util.TreeMap<>(networks).values()) {
                if (n.getIpAddress() != null && !n.getIpAddress().isBlank()) {
                    return n.getIpAddress();
                }
            }
        }
        return null;
    }

    private static long startedAt(InspectContainerResponse c) {
        String at = c.getState() == null ? null : c.getState().getStartedAt();
        try {
            return at == null ? 0 : Instant.parse(at).toEpochMilli();
        } catch (java.time.format.DateTimeParseException e) {
            return 0;
        }
    }

    @Override
    public CompletionStage<ExecResult> exec(String containerId, List<String> command, Duration timeout,
                                            int maxOutputChars) {
        return async(() -> {
            String execId = client.execCreateCmd(containerId).withCmd(command.toArray(new String[0]))
                    .withAttachStdout(true).withAttachStderr(true).exec().getId();
            StringBuilder out = new StringBuilder();
            ResultCallback.Adapter<Frame> callback = new ResultCallback.Adapter<>() {
                @Override
                public void onNext(Frame frame) {
                    synchronized (out) {
                        if (out.length() < maxOutputChars && frame.getPayload() != null) {
                            out.append(new String(frame.getPayload(), java.nio.charset.StandardCharsets.UTF_8));
                        }
                    }
                }
            };
            boolean ended;
            try {
                ended = client.execStartCmd(execId).exec(callback).awaitCompletion(timeout.toMillis(),
                        TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                ended = false;
            } finally {
                closeQuietly(callback);
            }
            String text;
            synchronized (out) {
                text = out.length() > maxOutputChars ? out.substring(0, maxOutputChars) : out.toString();
            }
            if (!ended) {
                // the engine has no way to kill an exec: the process may run on inside the container
                return new ExecResult(-1, text);
            }
            Long code = client.inspectExecCmd(execId).exec().getExitCodeLong();
            return new ExecResult(code == null ? -1 : (int) Math.max(0, Math.min(Integer.MAX_VALUE, code)), text);
        });
    }

    /** The engine's health word of a container with a {@code HEALTHCHECK}. */
    static ContainerHealth engineHealth(String status) {
        if (status == null) {
            return ContainerHealth.NONE;
        }
        return switch (status) {
            case "healthy" -> ContainerHealth.HEALTHY;
            case "unhealthy" -> ContainerHealth.UNHEALTHY;
            case "starting" -> ContainerHealth.STARTING;
            default -> ContainerHealth.NONE; // "none"
        };
    }

    private static String lastOutput(HealthState h) {
        List<HealthStateLog> log = h.getLog();
        if (log == null || log.isEmpty() || log.get(log.size() - 1).getOutput() == null) {
            return null;
        }
        HealthStateLog last = log.get(log.size() - 1);
        return ("exit " + last.getExitCode() + ": " + last.getOutput()).strip();
    }

    @Override
    public CompletionStage<Optional<ContainerInfo>> find(String nodeId, String instanceId) {
        return async(() -> listWithLabels(Map.of(ContainerLabels.NODE, nodeId, ContainerLabels.INSTANCE, instanceId))
                .stream().findFirst());
    }

    @Override
    public CompletionStage<String> createAndStart(String nodeId, String instanceId, String appId, ContainerSpec spec) {
        return async(() -> {
            String name = ContainerLabels.CONTAINER_NAME_PREFIX + instanceId;
            String id;
            try {
                HostConfig host = HostConfig.newHostConfig()
                        .withMemory(spec.memoryMb() * 1024L * 1024L)
                        .withNanoCPUs((long) Math.ceil(spec.cpus() * 1e9))
                        .withRestartPolicy(RestartPolicy.noRestart());
                Map<String, String> labels = new java.util.HashMap<>(Map.of(ContainerLabels.APP, appId,
                        ContainerLabels.INSTANCE, instanceId, ContainerLabels.NODE, nodeId));
                if (spec.health() != null) {
                    labels.put(ContainerLabels.HEALTH, AppSpecParser.healthJson(spec.health()));
                }
                var create = client.createContainerCmd(spec.image())
                        .withName(name)
                        .withLabels(labels)
                        .withEnv(spec.env().entrySet().stream().sorted(Map.Entry.comparingByKey())
                                .map(e -> e.getKey() + "=" + e.getValue()).toList())
                        .withHostConfig(host);
                if (!spec.command().isEmpty()) {
                    create = create.withCmd(spec.command());
                }
                id = create.exec().getId();
            } catch (ConflictException e) {
                // the name is taken: an earlier attempt created it (or another agent on this engine did)
                id = existingOwnedBy(name, nodeId);
            } catch (NotFoundException e) {
                throw new ImageMissingException(spec.image(), e);
            }
            startBlocking(id);
            return id;
        });
    }

    private String existingOwnedBy(String name, String nodeId) {
        InspectContainerResponse existing = client.inspectContainerCmd(name).exec();
        String owner = labels(existing).get(ContainerLabels.NODE);
        if (!nodeId.equals(owner)) {
            throw new IllegalStateException("container name " + name + " is taken by a container of node " + owner);
        }
        return existing.getId();
    }

    @Override
    public CompletionStage<Void> start(String containerId) {
        return async(() -> {
            startBlocking(containerId);
            return null;
        });
    }

    private void startBlocking(String containerId) {
        try {
            client.startContainerCmd(containerId).exec();
        } catch (NotModifiedException alreadyRunning) {
            // 304: already started, which is what was asked
        }
    }

    @Override
    public CompletionStage<Boolean> stopAndRemove(String nodeId, String instanceId, Duration stopTimeout) {
        return async(() -> {
            List<ContainerInfo> found = listWithLabels(
                    Map.of(ContainerLabels.NODE, nodeId, ContainerLabels.INSTANCE, instanceId));
            for (ContainerInfo c : found) {
                try {
                    client.stopContainerCmd(c.containerId())
                            .withTimeout((int) Math.max(0, (stopTimeout.toMillis() + 999) / 1000)).exec();
                } catch (NotModifiedException alreadyStopped) {
                    // 304: not running; removal follows
                } catch (NotFoundException gone) {
                    continue;
                }
                try {
                    client.removeContainerCmd(c.containerId()).withForce(true).exec();
                } catch (NotFoundException gone) {
                    // removed meanwhile: the goal holds
                }
            }
            return !found.isEmpty();
        });
    }

    @Override
    public CompletionStage<Void> pull(String image) {
        return async(() -> {
            try {
                boolean done = client.pullImageCmd(image).exec(new ResultCallback.Adapter<PullResponseItem>())
                        .awaitCompletion(pullTimeout.toMillis(), TimeUnit.MILLISECONDS);
                if (!done) {
                    throw new TimeoutException("pull of " + image + " took longer than " + pullTimeout);
                }
                return null;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while pulling " + image, e);
            } catch (TimeoutException e) {
                throw new IllegalStateException(e.getMessage(), e);
            }
        });
    }

    @Override
    public CompletionStage<Closeable> subscribe(String nodeId, Consumer<ContainerEvent> onEvent,
                                                Consumer<Throwable> onFailure) {
        return async(() -> {
            AtomicBoolean ended = new AtomicBoolean();
            ResultCallback.Adapter<Event> callback = new ResultCallback.Adapter<>() {
                @Override
                public void onNext(Event event) {
                    Map<String, String> attributes = event.getActor() == null ? null
                            : event.getActor().getAttributes();
                    long millis = event.getTimeNano() != null ? event.getTimeNano() / 1_000_000
                            : event.getTime() != null ? event.getTime() * 1000 : 0;
                    onEvent.accept(new ContainerEvent(event.getId(),
                            attributes == null ? null : attributes.get(ContainerLabels.INSTANCE),
                            event.getAction() != null ? event.getAction() : event.getStatus(), millis));
                }

                @Override
                public void onError(Throwable throwable) {
                    if (ended.compareAndSet(false, true)) {
                        onFailure.accept(throwable);
                    }
                    closeQuietly(this);
                }

                @Override
                public void onComplete() {
                    if (ended.compareAndSet(false, true)) {
                        onFailure.accept(new IOException("the Docker event stream ended"));
                    }
                    closeQuietly(this);
                }
            };
            // 'since' replays what happened between the request and the stream's attachment: no event is missed
            eventsClient.eventsCmd()
                    .withEventTypeFilter(EventType.CONTAINER)
                    .withLabelFilter(Map.of(ContainerLabels.NODE, nodeId))
                    .withSince(Long.toString(Instant.now().getEpochSecond() - 1))
                    .exec(callback);
            return () -> {
                // a deliberate close is not a failure
                ended.set(true);
                callback.close();
            };
        });
    }

    @Override
    public CompletionStage<List<String>> listImages() {
        return async(() -> client.listImagesCmd().exec().stream()
                .flatMap(image -> tags(image).stream())
                .sorted()
                .toList());
    }

    @Override
    public CompletionStage<List<String>> unusedImages() {
        return async(() -> {
            Set<String> used = new HashSet<>();
            for (Container c : client.listContainersCmd().withShowAll(true).exec()) {
                used.add(c.getImageId());
            }
            List<String> unused = new ArrayList<>();
            for (Image image : client.listImagesCmd().exec()) {
                if (used.contains(image.getId())) {
                    continue;
                }
                List<String> tags = tags(image);
                if (tags.isEmpty()) {
                    unused.add(image.getId());
                } else {
                    unused.addAll(tags);
                }
            }
            return unused;
        });
    }

    @Override
    public CompletionStage<Void> removeImage(String reference) {
        return async(() -> {
            client.removeImageCmd(reference).withForce(false).exec();
            return null;
        });
    }

    @Override
    public CompletionStage<Void> ping() {
        return async(() -> {
            client.pingCmd().exec();
            return null;
        });
    }

    @Override
    public CompletionStage<EngineInfo> version() {
        return async(() -> {
            Version v = client.versionCmd().exec();
            return new EngineInfo(v.getVersion(), v.getApiVersion());
        });
    }

    @Override
    public CompletionStage<EngineDiagnosis> diagnose() {
        return async(() -> {
            long t0 = System.nanoTime();
            Version v;
            Info info;
            try {
                diagnosisClient.pingCmd().exec();
                v = diagnosisClient.versionCmd().exec();
                info = diagnosisClient.infoCmd().exec();
            } catch (RuntimeException e) {
                return EngineDiagnosis.unreachable(describeEngineFailure(e), millisSince(t0));
            }
            String root = info.getDockerRootDir() == null ? "" : info.getDockerRootDir();
            // the engine's own data root when this process sees it, else the configured one (an agent in a
            // container sees the host's data root where it was mounted: image-gc.docker-data-root)
            Path measured = !root.isEmpty() && Files.isDirectory(Path.of(root)) ? Path.of(root)
                    : Files.isDirectory(configuredDataRoot) ? configuredDataRoot : null;
            long free = -1;
            long total = -1;
            String error = "";
            if (measured == null) {
                error = "data root " + (root.isEmpty() ? configuredDataRoot : root) + " is not visible to the agent";
            } else {
                try {
                    FileStore store = Files.getFileStore(measured);
                    free = store.getUsableSpace();
                    total = store.getTotalSpace();
                } catch (IOException e) {
                    error = "cannot measure the file system of " + measured + ": " + e.getMessage();
                }
            }
            return new EngineDiagnosis(true, v.getVersion(), v.getApiVersion(), info.getDriver(), root, free, total,
                    error, millisSince(t0));
        });
    }

    private String describeEngineFailure(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        if (root instanceof SocketTimeoutException) {
            return "no answer from the Docker engine within " + diagnosisTimeout.toMillis() + " ms";
        }
        String m = root.getMessage();
        return "the Docker engine does not answer: " + root.getClass().getSimpleName()
                + (m == null || m.isBlank() ? "" : ": " + m.lines().findFirst().orElse(""));
    }

    private static long millisSince(long t0) {
        return (System.nanoTime() - t0) / 1_000_000;
    }

    @Override
    public void close() {
        closeQuietly(eventsClient);
        closeQuietly(diagnosisClient);
        closeQuietly(client);
    }

    private List<ContainerInfo> listWithLabels(Map<String, String> labels) {
        return client.listContainersCmd().withShowAll(true).withLabelFilter(labels).exec().stream()
                .map(DockerJavaRuntime::toInfo)
                .sorted(Comparator.comparing(ContainerInfo::instanceId))
                .toList();
    }

    private static ContainerInfo toInfo(Container c) {
        Map<String, String> labels = c.getLabels() == null ? Map.of() : c.getLabels();
        ContainerState state = state(c.getState());
        ContainerHealth health = ContainerHealth.NONE;
        if (state == ContainerState.RUNNING) {
            health = labels.containsKey(ContainerLabels.HEALTH) ? ContainerHealth.STARTING : listedHealth(c.getStatus());
        }
        return new ContainerInfo(labels.getOrDefault(ContainerLabels.INSTANCE, ""),
                labels.getOrDefault(ContainerLabels.APP, ""), c.getId(), c.getImage(), state, 0, health, null);
    }

    /** The health in a list's status text, e.g. {@code Up 5 seconds (health: starting)}. */
    static ContainerHealth listedHealth(String status) {
        if (status == null) {
            return ContainerHealth.NONE;
        }
        if (status.contains("(health: starting)")) {
            return ContainerHealth.STARTING;
        }
        if (status.contains("(unhealthy)")) {
            return ContainerHealth.UNHEALTHY;
        }
        return status.contains("(healthy)") ? ContainerHealth.HEALTHY : ContainerHealth.NONE;
    }

    /** Maps the engine's state word; a process that exists (running, paused, restarting) counts as RUNNING. */
    static ContainerState state(String dockerState) {
        if (dockerState == null) {
            return ContainerState.STOPPED;
        }
        return switch (dockerState) {
            case "created" -> ContainerState.CREATED;
            case "running", "paused", "restarting" -> ContainerState.RUNNING;
            default -> ContainerState.STOPPED;
        };
    }

    private static List<String> tags(Image image) {
        String[] tags = image.getRepoTags();
        if (tags == null) {
            return List.of();
        }
        return java.util.Arrays.stream(tags).filter(t -> !NO_TAG.equals(t)).toList();
    }

    private <T> CompletionStage<T> async(Supplier<T> blocking) {
        return CompletableFuture.supplyAsync(blocking, executor);
    }

    private static void closeQuietly(Closeable closeable) {
        try {
            closeable.close();
        } catch (IOException | RuntimeException e) {
            // closing is best effort: the connection is being abandoned anyway
        }
    }
}
