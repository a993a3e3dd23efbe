package io.blackstart.coordinator.tracker;

/**
 * A host the platform had that is not reporting now.
 *
 * @param nodeId      the host's node id
 * @param state       {@link #LOST}: it reported to this recovery manager and then went away; {@link #NEVER_RETURNED}:
 *                    etcd's assignment records named it when this recovery manager started, and it has not
 *                    reported since
 * @param sinceMillis when it was lost, or when this recovery manager started expecting it
 */
public record MissingHost(String nodeId, String state, long sinceMillis) {

    public static final String LOST = "lost";
    public static final String NEVER_RETURNED = "never-returned";
}
