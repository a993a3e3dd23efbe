package io.blackstart.scheduler.event;

/** A host reported for the first time (or again, after it was lost). */
public record HostJoined(String nodeId, long at) implements LedgerEvent {
}
