package io.blackstart.protocol.wire;

/**
 * One Blackstart-managed container on a host.
 *
 * @param instanceId    {@code <appId>-<index>} from the {@code io.blackstart.instance} label
 * @param appId         from the {@code io.blackstart.app} label
 * @param containerId   Docker container id
 * @param image         image reference the container was created from
 * @param state         current state
 * @param stateSinceMillis epoch millis of the last state change the agent observed (0 if unknown)
 */
public record ContainerInfo(String instanceId, String appId, String containerId, String image, ContainerState state,
                            long stateSinceMillis) {
}
