package io.blackstart.cli.logging;

import java.util.Locale;
import java.util.Optional;

/**
 * The log formats of every {@code blackstart} process, chosen with {@code BLACKSTART_LOG_FORMAT} (or the system
 * property {@code blackstart.log.format}, which wins).
 */
public enum LogFormat {
    /** One line per event: ISO-8601 date and time with milliseconds and zone offset, level, logger, thread, message. */
    TEXT,
    /** One JSON object per line: timestamp, level, logger, thread, message, node and instance ids, MDC, exception. */
    JSON,
    /** {@link #TEXT} without the timestamp (journald adds its own), every line prefixed with its syslog priority. */
    JOURNALD;

    /** The format named {@code name} (case and surrounding blanks ignored); empty if it names none. */
    public static Optional<LogFormat> parse(String name) {
        if (name == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(valueOf(name.strip().toUpperCase(Locale.ROOT)));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }
}
