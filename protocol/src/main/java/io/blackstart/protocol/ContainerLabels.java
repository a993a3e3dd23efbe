package io.blackstart.protocol;

/** Labels and names Blackstart puts on the containers it manages. */
public final class ContainerLabels {
    /** The app id. */
    public static final String APP = "io.blackstart.app";
    /** The instance id, {@code <appId>-<index>}. */
    public static final String INSTANCE = "io.blackstart.instance";
    /** The node id of the agent that owns the container. */
    public static final String NODE = "io.blackstart.node";
    /** Container names are {@code bs-<instanceId>}. */
    public static final String CONTAINER_NAME_PREFIX = "bs-";

    private ContainerLabels() {
    }
}
