package io.blackstart.agent;

import io.blackstart.protocol.wire.ContainerInfo;
import io.blackstart.protocol.wire.ContainerSpec;
import io.blackstart.protocol.wire.EngineDiagnosis;

import java.io.Closeable;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;

/**
 * Capability to run the containers of one host's Blackstart instances (the Docker Engine in production).
 *
 * <p>Every method returns at once; the work runs on the implementation's own bounded executor, never on the
 * caller's thread, and the stage completes on that executor. A managed container is named
 * {@code bs-<instanceId>} and carries the labels {@code io.blackstart.app}, {@code io.blackstart.instance} and
 * {@code io.blackstart.node}; only containers labelled with the given node id are seen or touched, so several agents
 * can share one engine. {@link ContainerInfo#stateSinceMillis()} is 0 in what this port returns (the engine's list
 * does not say when the state last changed). {@link ContainerInfo#health()} is the engine's {@code HEALTHCHECK}
 * status for a running container without a Blackstart health label, and {@code STARTING} for one with that label
 * (the agent's {@link HealthProber} knows better and overrides it).
 */
public interface ContainerRuntime extends AutoCloseable {

    /** Every managed container of {@code nodeId}, whatever its state. */
    CompletionStage<List<ContainerInfo>> list(String nodeId);

    /**
     * One container by id, read from the engine's authoritative state (a list may lag behind an event for a few
     * milliseconds, an inspection does not). Empty if it no longer exists or does not belong to {@code nodeId}.
     */
    CompletionStage<Optional<ContainerInfo>> inspect(String nodeId, String containerId);

    /** The container of one instance on {@code nodeId}, if there is one. */
    CompletionStage<Optional<ContainerInfo>> find(String nodeId, String instanceId);

    /**
     * Creates {@code bs-<instanceId>} with the labels, memory and CPU limits, command and environment of the spec and
     * restart policy {@code no}, then starts it. If a container of that name already exists and belongs to
     * {@code nodeId}, that one is started instead: a second container is never created for an instance.
     *
     * @return the container id
     * @throws ImageMissingException (as the stage's failure) if the image is not present locally
     */
    CompletionStage<String> createAndStart(String nodeId, String instanceId, String appId, ContainerSpec spec);

    /** Starts an existing container in place; succeeds if it is already running. */
    CompletionStage<Void> start(String containerId);

    /**
     * Stops (waiting at most {@code stopTimeout} before the kill) and removes the instance's container.
     *
     * @return true if a container was removed, false if the instance had none
     */
    CompletionStage<Boolean> stopAndRemove(String nodeId, String instanceId, Duration stopTimeout);

    /** Pulls an image (bounded by the implementation's pull timeout). */
    CompletionStage<Void> pull(String image);

    /**
     * Subscribes to the events of {@code nodeId}'s managed containers. Events that happen after this call returns
     * are delivered (the subscription may replay a few earlier ones). Callbacks run on a library thread: they must
     * only forward. {@code onFailure} is called once if the stream ends or breaks; then nothing more is delivered.
     *
     * @return the stage completes with a handle that ends the subscription
     */
    CompletionStage<Closeable> subscribe(String nodeId, Consumer<ContainerEvent> onEvent,
                                         Consumer<Throwable> onFailure);

    /** Repository tags of the images present locally (an untagged image is left out). */
    CompletionStage<List<String>> listImages();

    /**
     * Images that no container (managed or not, whatever its state) uses: the references to pass to
     * {@link #removeImage}, a tag for a tagged image, the image id for an untagged one.
     */
    CompletionStage<List<String>> unusedImages();

    /** Removes one image reference without force (the engine refuses if a container uses it). */
    CompletionStage<Void> removeImage(String reference);

    /** Checks that the engine answers. */
    CompletionStage<Void> ping();

    /** The engine's version. */
    CompletionStage<EngineInfo> version();

    /**
     * Diagnoses the engine: ping, version and info (storage driver, data root), and the free space of the file system
     * holding the data root when it is visible to this process. Completes normally also when the engine does not
     * answer ({@link EngineDiagnosis#reachable()} false, with the reason); the Docker calls are bounded by the
     * implementation's diagnosis timeout, and the stage completes only once they have ended.
     */
    CompletionStage<EngineDiagnosis> diagnose();

    /**
     * What the agent needs to probe a running container's readiness itself: its {@code io.blackstart.health} label
     * (the app's health check), its address and when it started. Empty when the container has no such label (no
     * check, or the image's Docker {@code HEALTHCHECK}, which the engine runs), no longer exists, or is not
     * {@code nodeId}'s. A label that is not a valid check fails the stage with an {@link IllegalArgumentException}.
     */
    CompletionStage<Optional<ProbeTarget>> probeTarget(String nodeId, String containerId);

    /**
     * Runs {@code command} inside a running container (Docker exec) and waits for it at most {@code timeout}: the
     * exit code (-1 if it did not end in time) and the first {@code maxOutputChars} of its output.
     */
    CompletionStage<ExecResult> exec(String containerId, List<String> command, Duration timeout, int maxOutputChars);

    /** Releases the connections; pending stages may fail. */
    @Override
    void close();
}
