package io.blackstart.agent;

/**
 * Capability to measure this host's load. Calls may block briefly (file reads): the agent calls it on the probe
 * dispatcher, never on an actor thread.
 */
public interface HostProbe {

    /**
     * Reads the host's load now.
     *
     * @throws java.io.UncheckedIOException if nothing can be read
     */
    HostReading read();
}
