package io.blackstart.scheduler.event;

/**
 * Recovery mode was entered or left. Appended to the event log by the coordinator's mode keeper, not by the ledger.
 *
 * @param mode {@code recovery} or {@code normal}
 * @param by   {@code auto} or {@code operator}
 */
public record ModeChanged(String mode, String by, long at) implements LedgerEvent {
}
