package io.blackstart.agent;

import io.blackstart.protocol.HealthCheck;

/**
 * A running container whose readiness the agent probes.
 *
 * @param containerId     Docker container id
 * @param instanceId      the instance it belongs to
 * @param check           the app's health check (from the container's label)
 * @param address         where its ports are reachable from this host: its IP on its network, {@code 127.0.0.1}
 *                        with host networking, or null if it has none (then tcp and http probes fail, saying so)
 * @param startedAtMillis when the engine started it (epoch millis; 0 if unknown): the start period counts from there
 */
public record ProbeTarget(String containerId, String instanceId, HealthCheck check, String address,
                          long startedAtMillis) {
}
