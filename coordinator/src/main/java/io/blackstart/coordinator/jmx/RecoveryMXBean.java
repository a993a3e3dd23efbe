package io.blackstart.coordinator.jmx;

/**
 * JMX view of the recovery ({@code io.blackstart:type=Recovery,coordinator=<host:port>}): progress and mode from
 * this node's latest status snapshot, and operations that switch recovery mode (the same command as
 * {@code POST /api/v1/recovery}). Attributes read an immutable snapshot; only the operations talk to an actor.
 */
public interface RecoveryMXBean {

    /** {@code recovery} or {@code normal}; {@code unknown} before the first snapshot. */
    String getMode();

    /** {@code auto} or {@code operator}. */
    String getModeBy();

    /** ISO-8601 time the mode was entered. */
    String getModeSince();

    /** {@code rebuilding} or {@code running}. */
    String getPhase();

    int getDesired();

    int getRunning();

    int getStarting();

    int getPending();

    int getFailed();

    /** Running share of desired instances in percent (100 when nothing is desired). */
    double getPercentRunning();

    /** Starts per second over the sliding window. */
    double getThroughputPerSecond();

    /** Seconds until every remaining instance runs; -1 when unknown. */
    long getEtaSeconds();

    /** The customer sentence. */
    String getSummary();

    /** Hosts whose agent reports. */
    int getHosts();

    /** Age of this node's snapshot in milliseconds. */
    long getSnapshotAgeMillis();

    /** Enters recovery mode (as an operator); returns the recovery manager's answer. */
    String startRecovery();

    /** Leaves recovery mode (as an operator); returns the recovery manager's answer. */
    String stopRecovery();
}
