package io.blackstart.agent;

import io.blackstart.protocol.wire.ContainerInfo;
import io.blackstart.protocol.wire.ContainerSpec;
import io.blackstart.protocol.wire.ContainerState;
import io.blackstart.protocol.wire.EngineDiagnosis;

import java.io.Closeable;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * In-memory {@link ContainerRuntime} of one engine, for behaviour a real engine can't show on demand: slow or hung
 * starts, exact counts of creates and starts, a forced image list. Calls complete on its own threads, as the real
 * adapter's do. {@link #hold()} makes every create/start wait until {@link #release()}; {@link #hang(String)} makes
 * one instance's start never finish.
 */
final class FakeContainerRuntime implements ContainerRuntime {

    private record Entry(String nodeId, ContainerInfo info) {
    }

    private record Listener(String nodeId, Consumer<ContainerEvent> onEvent, Consumer<Throwable> onFailure) {
    }

    private final ExecutorService executor = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "fake-runtime");
        t.setDaemon(true);
        return t;
    });
    private final Map<String, Entry> containers = new ConcurrentHashMap<>();
    private final List<Listener> listeners = new CopyOnWriteArrayList<>();
    private final Map<String, CompletableFuture<Void>> hung = new ConcurrentHashMap<>();
    private final AtomicInteger ids = new AtomicInteger();
    private volatile CompletableFuture<Void> gate = CompletableFuture.completedFuture(null);

    final AtomicInteger creates = new AtomicInteger();
    final AtomicInteger starts = new AtomicInteger();
    final AtomicInteger inFlight = new AtomicInteger();
    final AtomicInteger maxInFlight = new AtomicInteger();
    final AtomicInteger lists = new AtomicInteger();
    final AtomicInteger subscriptions = new AtomicInteger();
    final AtomicInteger pulls = new AtomicInteger();
    final java.util.Set<String> missingImages = ConcurrentHashMap.newKeySet();
    volatile CompletableFuture<Void> pullGate = CompletableFuture.completedFuture(null);
    final List<String> removedImages = new CopyOnWriteArrayList<>();
    volatile List<String> images = List.of("blackstart/testapp:1");
    volatile List<String> unused = List.of();
    /** What {@link #diagnose()} answers; it waits for {@link #diagnosisGate} first. */
    volatile EngineDiagnosis diagnosis = new EngineDiagnosis(true, "fake-1.0", "1.41", "overlay2", "/var/lib/docker",
            40L << 30, 100L << 30, "", 1);
    volatile CompletableFuture<Void> diagnosisGate = CompletableFuture.completedFuture(null);
    final AtomicInteger diagnoses = new AtomicInteger();

    /** Puts a container in place, as if an earlier agent process had created it. */
    String put(String nodeId, String instanceId, ContainerState state) {
        String id = "c-" + ids.incrementAndGet();
        String app = instanceId.substring(0, instanceId.lastIndexOf('-'));
        containers.put(instanceId, new Entry(nodeId, new ContainerInfo(instanceId, app, id, "img", state, 0)));
        return id;
    }

    /** Changes a container's state without an event, as a change during a broken event stream would. */
    void setStateQuietly(String instanceId, ContainerState state) {
        Entry e = containers.get(instanceId);
        ContainerInfo i = e.info();
        containers.put(instanceId, new Entry(e.nodeId(),
                new ContainerInfo(i.instanceId(), i.appId(), i.containerId(), i.image(), state, 0)));
    }

    /** Breaks every event stream, as an engine restart would. */
    void breakStreams() {
        for (Listener l : listeners) {
            listeners.remove(l);
            l.onFailure().accept(new java.io.IOException("engine went away"));
        }
    }

    /** Changes a container's state, with an event, as a crash or {@code docker kill} would. */
    void setState(String instanceId, ContainerState state) {
        Entry e = containers.get(instanceId);
        ContainerInfo i = e.info();
        containers.put(instanceId, new Entry(e.nodeId(),
                new ContainerInfo(i.instanceId(), i.appId(), i.containerId(), i.image(), state, 0)));
        fire(e.nodeId(), i.containerId(), instanceId, state == ContainerState.RUNNING ? "start" : "die");
    }

    Optional<ContainerInfo> container(String instanceId) {
        return Optional.ofNullable(containers.get(instanceId)).map(Entry::info);
    }

    void hold() {
        gate = new CompletableFuture<>();
    }

    void release() {
        gate.complete(null);
    }

    void hang(String instanceId) {
        hung.put(instanceId, new CompletableFuture<>());
    }

    @Override
    public CompletionStage<List<ContainerInfo>> list(String nodeId) {
        return CompletableFuture.supplyAsync(() -> {
            lists.incrementAndGet();
            return containers.values().stream().filter(e -> e.nodeId().equals(nodeId)).map(Entry::info)
                    .sorted(Comparator.comparing(ContainerInfo::instanceId)).toList();
        }, executor);
    }

    @Override
    public CompletionStage<Optional<ContainerInfo>> inspect(String nodeId, String containerId) {
        return CompletableFuture.supplyAsync(() -> containers.values().stream()
                .filter(e -> e.nodeId().equals(nodeId) && e.info().containerId().equals(containerId))
                .map(Entry::info).findFirst(), executor);
    }

    @Override
    public CompletionStage<Optional<ProbeTarget>> probeTarget(String nodeId, String containerId) {
        // the fake's containers have no health check of their own (probes are tested against the real engine)
        return CompletableFuture.completedFuture(Optional.empty());
    }

    @Override
    public CompletionStage<ExecResult> exec(String containerId, List<String> command, java.time.Duration timeout,
                                            int maxOutputChars) {
        return CompletableFuture.failedFuture(new UnsupportedOperationException("exec in the fake runtime"));
    }

    @Override
    public CompletionStage<Optional<ContainerInfo>> find(String nodeId, String instanceId) {
        return CompletableFuture.supplyAsync(() -> Optional.ofNullable(containers.get(instanceId))
                .filter(e -> e.nodeId().equals(nodeId)).map(Entry::info), executor);
    }

    @Override
    public CompletionStage<String> createAndStart(String nodeId, String instanceId, String appId, ContainerSpec spec) {
        enter();
        if (missingImages.contains(spec.image())) {
            inFlight.decrementAndGet();
            return CompletableFuture.failedFuture(new ImageMissingException(spec.image(), null));
        }
        return gateFor(instanceId).thenApplyAsync(ignored -> {
            Entry existing = containers.get(instanceId);
            String id;
            if (existing != null) {
                id = existing.info().containerId();
            } else {
                creates.incrementAndGet();
                id = "c-" + ids.incrementAndGet();
            }
            containers.put(instanceId, new Entry(nodeId,
                    new ContainerInfo(instanceId, appId, id, spec.image(), ContainerState.RUNNING, 0)));
            starts.incrementAndGet();
            fire(nodeId, id, instanceId, "start");
            return id;
        }, executor).whenComplete((r, t) -> inFlight.decrementAndGet());
    }

    @Override
    public CompletionStage<Void> start(String containerId) {
        Entry entry = containers.values().stream().filter(e -> e.info().containerId().equals(containerId))
                .findFirst().orElseThrow();
        enter();
        return gateFor(entry.info().instanceId()).thenRunAsync(() -> {
            ContainerInfo i = entry.info();
            containers.put(i.instanceId(), new Entry(entry.nodeId(),
                    new ContainerInfo(i.instanceId(), i.appId(), i.containerId(), i.image(), ContainerState.RUNNING,
                            0)));
            starts.incrementAndGet();
            fire(entry.nodeId(), containerId, i.instanceId(), "start");
        }, executor).whenComplete((r, t) -> inFlight.decrementAndGet());
    }

    private void enter() {
        int now = inFlight.incrementAndGet();
        maxInFlight.accumulateAndGet(now, Math::max);
    }

    private CompletableFuture<Void> gateFor(String instanceId) {
        CompletableFuture<Void> h = hung.get(instanceId);
        return h != null ? h : gate;
    }

    @Override
    public CompletionStage<Boolean> stopAndRemove(String nodeId, String instanceId, Duration stopTimeout) {
        return CompletableFuture.supplyAsync(() -> {
            Entry e = containers.get(instanceId);
            if (e == null || !e.nodeId().equals(nodeId)) {
                return false;
            }
            containers.remove(instanceId);
            fire(nodeId, e.info().containerId(), instanceId, "destroy");
            return true;
        }, executor);
    }

    @Override
    public CompletionStage<Void> pull(String image) {
        pulls.incrementAndGet();
        return pullGate.thenRunAsync(() -> missingImages.remove(image), executor);
    }

    @Override
    public CompletionStage<Closeable> subscribe(String nodeId, Consumer<ContainerEvent> onEvent,
                                                Consumer<Throwable> onFailure) {
        Listener listener = new Listener(nodeId, onEvent, onFailure);
        listeners.add(listener);
        subscriptions.incrementAndGet();
        return CompletableFuture.completedFuture(() -> listeners.remove(listener));
    }

    private void fire(String nodeId, String containerId, String instanceId, String action) {
        for (Listener l : listeners) {
            if (l.nodeId().equals(nodeId)) {
                l.onEvent().accept(new ContainerEvent(containerId, instanceId, action, System.currentTimeMillis()));
            }
        }
    }

    @Override
    public CompletionStage<List<String>> listImages() {
        return CompletableFuture.supplyAsync(() -> images, executor);
    }

    @Override
    public CompletionStage<List<String>> unusedImages() {
        return CompletableFuture.supplyAsync(() -> unused, executor);
    }

    @Override
    public CompletionStage<Void> removeImage(String reference) {
        return CompletableFuture.runAsync(() -> removedImages.add(reference), executor);
    }

    @Override
    public CompletionStage<Void> ping() {
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public CompletionStage<EngineInfo> version() {
        return CompletableFuture.completedFuture(new EngineInfo("fake", "1.41"));
    }

    @Override
    public CompletionStage<EngineDiagnosis> diagnose() {
        diagnoses.incrementAndGet();
        return diagnosisGate.thenApplyAsync(ignored -> diagnosis, executor);
    }

    @Override
    public void close() {
        executor.shutdownNow();
    }
}
