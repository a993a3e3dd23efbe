package io.blackstart.scheduler.event;

/**
 * Where a {@link io.blackstart.scheduler.Ledger} puts its event log: called synchronously, on the ledger's thread,
 * once per event in the order the ledger applies its inputs. A sink must not call back into the ledger.
 */
@FunctionalInterface
public interface EventSink {

    /** Takes nothing: the ledger then builds no events at all (the drill's case). */
    EventSink NONE = event -> { };

    /** One event, as it happens. */
    void accept(LedgerEvent event);
}
