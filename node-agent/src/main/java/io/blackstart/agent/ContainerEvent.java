package io.blackstart.agent;

/**
 * One engine event about a managed container.
 *
 * @param containerId container id
 * @param instanceId  the instance label (null if absent)
 * @param action      the engine's action: {@code create}, {@code start}, {@code die}, {@code destroy}, ...
 * @param timeMillis  epoch millis of the event (0 if the engine did not say)
 */
public record ContainerEvent(String containerId, String instanceId, String action, long timeMillis) {
}
