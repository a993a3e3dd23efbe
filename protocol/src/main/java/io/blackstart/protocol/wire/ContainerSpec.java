package io.blackstart.protocol.wire;

import io.blackstart.protocol.HealthCheck;

import java.util.List;
import java.util.Map;

/**
 * What an agent needs to create the container of one instance.
 *
 * @param image               Docker image reference
 * @param command             command and arguments; empty for the image's default
 * @param env                 environment variables
 * @param memoryMb            memory limit in MiB
 * @param cpus                CPU limit
 * @param startTimeoutSeconds how long the start may take before the agent reports it as timed out
 * @param health              the readiness probe the agent runs once the container runs; null for none (then the
 *                            image's {@code HEALTHCHECK}, if any, decides)
 */
public record ContainerSpec(String image, List<String> command, Map<String, String> env, long memoryMb, double cpus,
                            int startTimeoutSeconds, HealthCheck health) {
    public ContainerSpec {
        command = List.copyOf(command == null ? List.of() : command);
        env = Map.copyOf(env == null ? Map.of() : env);
    }

    /** A spec without a probe of its own. */
    public ContainerSpec(String image, List<String> command, Map<String, String> env, long memoryMb, double cpus,
                         int startTimeoutSeconds) {
        this(image, command, env, memoryMb, cpus, startTimeoutSeconds, null);
    }
}
