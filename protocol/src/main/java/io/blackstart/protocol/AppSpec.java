package io.blackstart.protocol;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The desired state of one app, as stored under {@code <prefix>/apps/<id>}. Instances are always built by
 * {@link AppSpecParser}, which enforces the contract below; the canonical constructor only copies the
 * collections.
 *
 * @param id                  1–63 chars of {@code [a-z0-9-]}, starting with a letter; equals the key's last segment
 * @param image               a Docker image reference
 * @param instances           number of instances wanted, ≥ 0
 * @param tier                recovery tier (default {@link Tier#APP})
 * @param priority            higher starts first within a tier (default 0)
 * @param memoryMb            memory per instance in MiB, &gt; 0
 * @param cpus                CPUs per instance, &gt; 0
 * @param dependsOn           ids of apps that must be running before an instance of this app starts
 * @param command             command and arguments; empty means the image's default
 * @param env                 environment variables
 * @param startTimeoutSeconds seconds a start may take before it counts as failed, &gt; 0 (default 60)
 * @param health              readiness probe, or null: then the image's Docker {@code HEALTHCHECK} decides if it has
 *                            one, else running means ready
 */
public record AppSpec(
        String id,
        String image,
        int instances,
        Tier tier,
        int priority,
        long memoryMb,
        double cpus,
        List<String> dependsOn,
        List<String> command,
        Map<String, String> env,
        int startTimeoutSeconds,
        HealthCheck health) {

    public static final int DEFAULT_START_TIMEOUT_SECONDS = 60;
    public static final long DEFAULT_MEMORY_MB = 256;
    public static final double DEFAULT_CPUS = 0.5;

    public AppSpec {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(image, "image");
        Objects.requireNonNull(tier, "tier");
        dependsOn = List.copyOf(dependsOn == null ? List.of() : dependsOn);
        command = List.copyOf(command == null ? List.of() : command);
        env = Map.copyOf(env == null ? Map.of() : env);
    }

    /** A spec without a health probe of its own. */
    public AppSpec(String id, String image, int instances, Tier tier, int priority, long memoryMb, double cpus,
                   List<String> dependsOn, List<String> command, Map<String, String> env, int startTimeoutSeconds) {
        this(id, image, instances, tier, priority, memoryMb, cpus, dependsOn, command, env, startTimeoutSeconds, null);
    }

    /** The id of instance {@code index} of this app. */
    public InstanceId instance(int index) {
        return new InstanceId(id, index);
    }
}
