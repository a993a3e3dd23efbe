package io.blackstart.coordinator.recovery;

import io.blackstart.coordinator.store.DesiredStateStore.ModeRecord;
import io.blackstart.scheduler.event.ModeChanged;

/**
 * The recovery mode and its policy, as the recovery manager keeps it: on or off, since when, by whom ({@code auto}
 * or {@code operator}). Entered by itself when more than the auto-threshold of the desired instances is down;
 * left by itself when the ledger has converged — but only after there was something to recover since it came on
 * (an operator's "start" on a converged platform stays on until there was work, or until "stop"). Pure and
 * single-threaded; time comes in with every call. Storing the mode and telling the agents are the manager's.
 */
final class RecoveryMode {

    private final double autoThreshold;
    private boolean on;
    private long since;
    private String by = ModeRecord.AUTO;
    private boolean workSinceOn;

    /** Off, by {@code auto}, since {@code now}, until a stored mode is {@link #loaded}. */
    RecoveryMode(double autoThreshold, long now) {
        this.autoThreshold = autoThreshold;
        this.since = now;
    }

    /** The mode stored in etcd by an earlier incarnation: stored on means a recovery was under way. */
    void loaded(ModeRecord r) {
        on = r.recovery();
        since = r.sinceMillis();
        by = r.by();
        workSinceOn = r.recovery();
    }

    boolean on() {
        return on;
    }

    long since() {
        return since;
    }

    String by() {
        return by;
    }

    /** {@code recovery} or {@code normal}. */
    String name() {
        return on ? "recovery" : "normal";
    }

    ModeRecord record() {
        return new ModeRecord(on, since, by);
    }

    /** The answer to a mode command. */
    RecoveryManager.ModeReply reply(String message) {
        return new RecoveryManager.ModeReply(name(), since, by, message);
    }

    /** True if, being off, a down share of {@code downShare} turns it on by itself. */
    boolean shouldEnter(double downShare) {
        return !on && downShare > autoThreshold;
    }

    /** True if an operator's command for {@code recovery} changes the mode or who set it. */
    boolean operatorChanges(boolean recovery) {
        return recovery != on || !ModeRecord.OPERATOR.equals(by);
    }

    /**
     * On every tick: notes whether there is work while on, and says whether it should go off by itself (on, the
     * catalog applied, converged, and there was work since it came on).
     */
    boolean shouldLeave(boolean catalogApplied, boolean converged) {
        if (on && !converged) {
            workSinceOn = true;
        }
        return on && catalogApplied && converged && workSinceOn;
    }

    /**
     * Sets the mode {@code turnOn} by {@code setBy}; {@code workLeft}: the ledger has work now (the catalog applied
     * and not converged). Returns the event to log, or null if neither the mode nor who set it changed.
     */
    ModeChanged set(boolean turnOn, String setBy, long now, boolean workLeft) {
        boolean changed = turnOn != on;
        ModeChanged event = changed || !setBy.equals(by)
                ? new ModeChanged(turnOn ? "recovery" : "normal", setBy, changed ? now : since) : null;
        on = turnOn;
        by = setBy;
        if (changed) {
            since = now;
            workSinceOn = turnOn && workLeft;
        }
        return event;
    }
}
