package io.blackstart.coordinator.jmx;

/**
 * JMX view of one host ({@code io.blackstart:type=Host,coordinator=<host:port>,name=<nodeId>}) from this node's
 * latest status snapshot. Registered when the host first reports, unregistered when it is no longer reported.
 */
public interface HostLoadMXBean {

    String getNodeId();

    /** Free start credits the host grants. */
    int getCredits();

    int getMaxCredits();

    /** Starts the agent runs now. */
    int getStartsInFlight();

    /** Starts the coordinator sent and has not seen finish. */
    int getOutstanding();

    /** Credits used: in flight / (credits + in flight), 0..1. */
    double getCreditsUsed();

    double getCpuPressure();

    long getMemoryAvailableMb();

    int getRunningContainers();

    int getContainers();

    /** Epoch millis of the host's last report. */
    long getLastReportMillis();

    /** False once the host is no longer in the snapshot. */
    boolean isReporting();
}
