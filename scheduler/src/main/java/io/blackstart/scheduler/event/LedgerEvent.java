package io.blackstart.scheduler.event;

/**
 * One fact in the recovery's event log, in the order it happened. The {@link io.blackstart.scheduler.Ledger} emits
 * {@link InstanceTransition}, {@link HostJoined} and {@link HostLost} as it applies its inputs; the coordinator's
 * mode keeper appends {@link ModeChanged}. The tracker, the timeline, the downtime report, the SSE stream and the
 * metrics counters all consume this one stream; nothing re-derives transitions from snapshots.
 */
public sealed interface LedgerEvent permits InstanceTransition, HostJoined, HostLost, ModeChanged {

    /** Epoch millis the fact took effect (the {@code now} of the input that caused it). */
    long at();
}
