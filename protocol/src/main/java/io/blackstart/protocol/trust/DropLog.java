package io.blackstart.protocol.trust;

import org.slf4j.Logger;

import java.util.HashMap;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * Warnings about refused messages from inside the cluster: the first of each kind at once, then at most one per
 * kind per interval with the number refused since. A member that floods refused messages costs one log line per
 * kind and interval. Single-threaded.
 */
public final class DropLog {
    private static final class Kind {
        long lastLogged;
        long since;
    }

    private final Logger log;
    private final LongSupplier clockMillis;
    private final long intervalMillis;
    private final Map<String, Kind> kinds = new HashMap<>();
    private long total;

    public DropLog(Logger log, LongSupplier clockMillis, long intervalMillis) {
        this.log = log;
        this.clockMillis = clockMillis;
        this.intervalMillis = intervalMillis;
    }

    /** A refused message of {@code kind} (a short fixed text), {@code detail} saying why. */
    public void dropped(String kind, String detail) {
        total++;
        long now = clockMillis.getAsLong();
        Kind k = kinds.get(kind);
        if (k == null && kinds.size() >= 64) {
            k = kinds.computeIfAbsent("other", x -> new Kind());
        } else if (k == null) {
            k = new Kind();
            k.lastLogged = Long.MIN_VALUE;
            kinds.put(kind, k);
        }
        k.since++;
        if (k.lastLogged == Long.MIN_VALUE || now - k.lastLogged >= intervalMillis) {
            log.warn("refused {} ({} since the last such warning): {}", kind, k.since, detail);
            k.since = 0;
            k.lastLogged = now;
        }
    }

    /** Messages refused so far. */
    public long total() {
        return total;
    }
}
