package io.blackstart.coordinator.tracker;

/**
 * One line of the recovery timeline, as in an incident report.
 *
 * @param atMillis epoch millis
 * @param kind     {@code mode}, {@code host-joined}, {@code host-lost}, {@code host-back}, {@code tier-down},
 *                 {@code tier-first-start}, {@code tier-up}, {@code failure}, {@code needs-attention},
 *                 {@code all-running}
 * @param subject  what it is about: a mode name, a host, a tier, an instance (never null)
 * @param detail   a sentence for people
 */
public record TimelineEvent(long atMillis, String kind, String subject, String detail) {
}
