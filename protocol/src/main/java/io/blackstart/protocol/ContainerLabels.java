package io.blackstart.protocol;

/** Labels and names Blackstart puts on the containers it manages. */
public final class ContainerLabels {
    /** The app id. */
    public static final String APP = "io.blackstart.app";
    /** The instance id, {@code <appId>-<index>}. */
    public static final String INSTANCE = "io.blackstart.instance";
    /** The node id of the agent that owns the container. */
    public static final String NODE = "io.blackstart.node";
    /**
     * The app's health check as JSON ({@code AppSpecParser.healthJson}), on containers whose spec has one: the agent
     * that runs the probe reads it back, also after its own restart.
     */
    public static final String HEALTH = "io.blackstart.health";
    /** Container names are {@code bs-<instanceId>}. */
    public static final String CONTAINER_NAME_PREFIX = "bs-";

    private ContainerLabels() {
    }
}
