package io.blackstart.protocol;

import java.util.Locale;
import java.util.Optional;

/**
 * Recovery tier of an app. Tiers come back in declaration order: every {@link #PLATFORM} instance must be
 * running or failed before any other instance starts; then {@link #DATABASE} before {@link #APP}.
 */
public enum Tier {
    /** The platform's own services (API, router, registry, ...). */
    PLATFORM,
    /** Customers' databases. */
    DATABASE,
    /** Customers' applications (the default). */
    APP;

    /** The lower-case name used in app specs and on the wire. */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses a wire name ({@code platform}, {@code database}, {@code app}); empty if unknown. */
    public static Optional<Tier> fromWireName(String s) {
        for (Tier t : values()) {
            if (t.wireName().equals(s)) {
                return Optional.of(t);
            }
        }
        return Optional.empty();
    }
}
