package io.blackstart.doctor;

import java.util.Optional;

/**
 * What the local Docker engine reported.
 *
 * @param ping          outcome of {@code /_ping}
 * @param version       engine version, empty when not answered
 * @param apiVersion    engine API version
 * @param storageDriver storage driver ({@code overlay2}, ...)
 * @param rootDir       the engine's data root ({@code /var/lib/docker})
 * @param usableBytes   usable space of the file system holding the data root, when visible from here
 * @param totalBytes    size of that file system, when visible from here
 */
public record DockerFacts(CallOutcome ping, String version, String apiVersion, String storageDriver, String rootDir,
                          Optional<Long> usableBytes, Optional<Long> totalBytes) {

    /** An engine that did not answer. */
    public static DockerFacts unreachable(CallOutcome ping) {
        return new DockerFacts(ping, "", "", "", "", Optional.empty(), Optional.empty());
    }
}
