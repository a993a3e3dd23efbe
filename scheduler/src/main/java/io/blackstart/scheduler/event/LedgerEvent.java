package io.blackstart.scheduler.event;

/**
 * One fact in the recovery's event log, in the order it happened: {@link InstanceTransition}, {@link HostJoined} and
 * {@link HostLost} for the {@link io.blackstart.scheduler.Ledger} to emit as it applies its inputs, and
 * {@link ModeChanged} for the coordinator to append. The contract of issue 12's event log: nothing produces or
 * consumes these yet (the SSE stream and the tracker still diff status snapshots).
 */
public sealed interface LedgerEvent permits InstanceTransition, HostJoined, HostLost, ModeChanged {

    /** Epoch millis the fact took effect (the {@code now} of the input that caused it). */
    long at();
}
