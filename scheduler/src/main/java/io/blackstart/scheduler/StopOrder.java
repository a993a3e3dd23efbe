package io.blackstart.scheduler;

/**
 * A container that must go: its app was removed or scaled down, or it is a second container of an instance
 * already running elsewhere.
 */
public record StopOrder(String instanceId, String nodeId, String reason) {
}
