package io.blackstart.scheduler.formation;

import java.util.Objects;
import java.util.Optional;

/**
 * One coordinator's vote while the cluster forms: it is promised to at most one founder at a time, for a lease,
 * so two founders can never both hold a strict majority of the coordinators (see {@link SeedOrder}). A founder
 * votes for itself through the same promise. Not thread-safe: one actor owns it. Times are milliseconds of a
 * clock the caller passes in.
 */
public final class FormationVote {

    private final long leaseMillis;
    private String promisedTo;
    private long expiresAt;

    /** @param leaseMillis how long a promise holds (longer than a founder needs to join itself), > 0 */
    public FormationVote(long leaseMillis) {
        if (leaseMillis <= 0) {
            throw new IllegalArgumentException("leaseMillis must be > 0, got " + leaseMillis);
        }
        this.leaseMillis = leaseMillis;
    }

    /**
     * Promises the vote to {@code candidate} if it is free (never promised, expired, or already promised to the
     * same candidate, which renews the lease); returns whether it did.
     */
    public boolean grant(String candidate, long nowMillis) {
        Objects.requireNonNull(candidate, "candidate");
        if (promisedTo != null && nowMillis < expiresAt && !promisedTo.equals(candidate)) {
            return false;
        }
        promisedTo = candidate;
        expiresAt = nowMillis + leaseMillis;
        return true;
    }

    /** Frees the vote if it is promised to {@code candidate} (a founder that did not get a majority). */
    public void release(String candidate) {
        if (candidate.equals(promisedTo)) {
            promisedTo = null;
        }
    }

    /** Whom the vote is promised to at {@code nowMillis}, if anyone. */
    public Optional<String> promisedTo(long nowMillis) {
        return promisedTo != null && nowMillis < expiresAt ? Optional.of(promisedTo) : Optional.empty();
    }
}
