package io.blackstart.protocol.wire;

/**
 * One Blackstart-managed container on a host.
 *
 * @param instanceId       {@code <appId>-<index>} from the {@code io.blackstart.instance} label
 * @param appId            from the {@code io.blackstart.app} label
 * @param containerId      Docker container id
 * @param image            image reference the container was created from
 * @param state            current state
 * @param stateSinceMillis epoch millis of the last state change the agent observed (0 if unknown)
 * @param health           readiness of a running container ({@link ContainerHealth#NONE} when it has no check or
 *                         does not run)
 * @param healthDetail     the last probe's output or reason, at most {@link #MAX_DETAIL_CHARS} chars; null if none
 */
public record ContainerInfo(String instanceId, String appId, String containerId, String image, ContainerState state,
                            long stateSinceMillis, ContainerHealth health, String healthDetail) {

    /** Cap on {@link #healthDetail()}: a probe's output is an operator's hint, not a log. */
    public static final int MAX_DETAIL_CHARS = 256;

    public ContainerInfo {
        health = health == null ? ContainerHealth.NONE : health;
        if (healthDetail != null && healthDetail.length() > MAX_DETAIL_CHARS) {
            healthDetail = healthDetail.substring(0, MAX_DETAIL_CHARS - 3) + "...";
        }
    }

    /** A container without a health check. */
    public ContainerInfo(String instanceId, String appId, String containerId, String image, ContainerState state,
                         long stateSinceMillis) {
        this(instanceId, appId, containerId, image, state, stateSinceMillis, ContainerHealth.NONE, null);
    }

    /** This container in another state since {@code since}, its health kept. */
    public ContainerInfo since(long since) {
        return new ContainerInfo(instanceId, appId, containerId, image, state, since, health, healthDetail);
    }

    /** This container with another health. */
    public ContainerInfo withHealth(ContainerHealth h, String detail) {
        return new ContainerInfo(instanceId, appId, containerId, image, state, stateSinceMillis, h, detail);
    }

    /** True when it runs and serves (no check, or its check passed). */
    public boolean ready() {
        return state == ContainerState.RUNNING && health.ready();
    }
}
