package io.blackstart.coordinator.tracker;

/**
 * One desired instance as the tracker observes it.
 *
 * @param instanceId  {@code <appId>-<index>}
 * @param appId       the app
 * @param tier        {@code platform}, {@code database} or {@code app}
 * @param state       {@code pending}, {@code assigned}, {@code starting}, {@code running} or {@code failed}
 * @param nodeId      the host it runs or starts on (null when none)
 * @param failure     reason of the last failed attempt (null when none)
 * @param stoppedSinceMillis epoch millis its container was seen to stop by its agent; 0 when unknown
 * @param hasContainer an agent reports a container of the instance that ran before (stopped, not just created)
 * @param startedAtMillis epoch millis of a start confirmed since the previous observation; 0 when none (a stop
 *                    and a restart between two observations are seen through this and {@code stoppedSinceMillis})
 */
public record TrackedInstance(String instanceId, String appId, String tier, String state, String nodeId,
                              String failure, long stoppedSinceMillis, boolean hasContainer, long startedAtMillis) {

    /** An instance with no start confirmed since the previous observation. */
    public TrackedInstance(String instanceId, String appId, String tier, String state, String nodeId, String failure,
                           long stoppedSinceMillis, boolean hasContainer) {
        this(instanceId, appId, tier, state, nodeId, failure, stoppedSinceMillis, hasContainer, 0);
    }

    /** True when the instance runs. */
    public boolean running() {
        return "running".equals(state);
    }
}
