package io.blackstart.doctor;

import java.util.Objects;

/**
 * How one remote call ended, classified for diagnosis.
 *
 * @param kind   the class of outcome
 * @param detail a one-line description of the error, empty on success
 * @param millis how long the call took
 */
public record CallOutcome(Kind kind, String detail, long millis) {

    /** The classes of outcome the doctor tells apart. */
    public enum Kind {
        /** Answered. */
        OK,
        /** Connection refused, connect timeout, host unreachable: nothing (reachable) listens. */
        REFUSED,
        /** Connected (or connecting) but no answer before the deadline: frozen, not ready, or overloaded. */
        TIMEOUT,
        /** The server answered that it cannot serve the request without a leader / quorum. */
        NO_QUORUM,
        /** etcd refused the user / password (or needs one and none was given). */
        AUTH,
        /** The TLS handshake failed: untrusted server certificate, client certificate refused or missing. */
        TLS,
        /** Any other error. */
        ERROR,
        /** Not attempted. */
        SKIPPED
    }

    /** Validates. */
    public CallOutcome {
        Objects.requireNonNull(kind, "kind");
        detail = detail == null ? "" : detail.lines().findFirst().orElse("").strip();
    }

    /** A success. */
    public static CallOutcome ok(long millis) {
        return new CallOutcome(Kind.OK, "", millis);
    }

    /** Not attempted. */
    public static CallOutcome skipped() {
        return new CallOutcome(Kind.SKIPPED, "", 0);
    }

    /** True when the call answered. */
    public boolean isOk() {
        return kind == Kind.OK;
    }
}
