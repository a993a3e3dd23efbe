package io.blackstart.coordinator.tracker;

/** A point of the running-over-time curve: {@code running} instances at epoch millis {@code at}. */
public record CurvePoint(long at, int running) {
}
