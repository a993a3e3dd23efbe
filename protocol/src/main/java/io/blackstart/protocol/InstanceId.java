package io.blackstart.protocol;

import java.util.Optional;

/**
 * Stable id of one desired instance: {@code <appId>-<index>}, index in {@code 0 .. instances-1}. The container
 * running it is named {@link #containerName()} and labelled with {@link ContainerLabels}.
 */
public record InstanceId(String appId, int index) implements Comparable<InstanceId> {

    /**
     * The SLF4J MDC key under which a log line about one instance carries its id ({@code instanceId} in the JSON
     * log format, {@code instance=} in the text ones).
     */
    public static final String MDC_KEY = "instanceId";

    public InstanceId {
        if (appId == null || appId.isEmpty()) {
            throw new IllegalArgumentException("appId is empty");
        }
        if (index < 0) {
            throw new IllegalArgumentException("index < 0: " + index);
        }
    }

    /** Parses {@code <appId>-<index>}; empty if the text has no numeric suffix. */
    public static Optional<InstanceId> parse(String text) {
        int dash = text == null ? -1 : text.lastIndexOf('-');
        if (dash <= 0 || dash == text.length() - 1) {
            return Optional.empty();
        }
        String suffix = text.substring(dash + 1);
        if (!suffix.chars().allMatch(Character::isDigit) || suffix.length() > 9) {
            return Optional.empty();
        }
        return Optional.of(new InstanceId(text.substring(0, dash), Integer.parseInt(suffix)));
    }

    /** Docker container name: {@code bs-<instanceId>}. */
    public String containerName() {
        return ContainerLabels.CONTAINER_NAME_PREFIX + this;
    }

    @Override
    public int compareTo(InstanceId o) {
        int c = appId.compareTo(o.appId);
        return c != 0 ? c : Integer.compare(index, o.index);
    }

    @Override
    public String toString() {
        return appId + "-" + index;
    }
}
