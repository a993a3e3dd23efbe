package io.blackstart.agent;

/**
 * Capability to measure how full the filesystem holding Docker's images is. Calls may block briefly: the agent
 * calls it on the probe dispatcher.
 */
public interface DiskProbe {

    /**
     * Used share of the filesystem in percent (0..100).
     *
     * @throws java.io.UncheckedIOException if the filesystem cannot be measured
     */
    double usedPercent();
}
