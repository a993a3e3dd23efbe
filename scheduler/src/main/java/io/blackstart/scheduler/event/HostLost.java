package io.blackstart.scheduler.event;

/** A host stopped reporting (its agent left, or its session timed out); its instances go back to pending. */
public record HostLost(String nodeId, long at) implements LedgerEvent {
}
