package io.blackstart.protocol.wire;

/**
 * What one host's Docker engine showed to its agent ({@link AgentEvent.HostDiagnosis}).
 *
 * @param reachable     true when the engine answered {@code /_ping}, version and info
 * @param version       engine version ({@code 20.10.24}), empty when not reachable
 * @param apiVersion    the API version the engine speaks ({@code 1.41}), empty when not reachable
 * @param storageDriver storage driver ({@code overlay2}), empty when not reachable
 * @param dataRoot      the engine's data root ({@code /var/lib/docker}), empty when not reachable
 * @param freeBytes     usable bytes of the file system holding the data root; -1 when not visible to the agent
 * @param totalBytes    size of that file system in bytes; -1 when not visible to the agent
 * @param error         why the engine or its disk could not be read (one line); empty when all was read
 * @param millis        how long the agent's Docker calls took, in milliseconds
 */
public record EngineDiagnosis(boolean reachable, String version, String apiVersion, String storageDriver,
                              String dataRoot, long freeBytes, long totalBytes, String error, long millis) {

    /** Replaces nulls with empty strings. */
    public EngineDiagnosis {
        version = version == null ? "" : version;
        apiVersion = apiVersion == null ? "" : apiVersion;
        storageDriver = storageDriver == null ? "" : storageDriver;
        dataRoot = dataRoot == null ? "" : dataRoot;
        error = error == null ? "" : error;
    }

    /** An engine that could not be read, and why. */
    public static EngineDiagnosis unreachable(String error, long millis) {
        return new EngineDiagnosis(false, "", "", "", "", -1, -1, error, millis);
    }

    /** True when the free space of the data root was measured. */
    public boolean diskKnown() {
        return freeBytes >= 0 && totalBytes > 0;
    }
}
