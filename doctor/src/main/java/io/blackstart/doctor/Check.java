package io.blackstart.doctor;

import java.util.List;
import java.util.Objects;

/**
 * The result of one check.
 *
 * @param group          the section it belongs to ({@code etcd}, {@code dns}, {@code probes}, {@code docker},
 *                       {@code clocks}, {@code coordinator})
 * @param name           unique, stable name within a report (scripts key on it), e.g. {@code etcd quorum}
 * @param status         ok, warn or fail
 * @param finding        one line saying what was found
 * @param hint           one line saying what to do about it; empty when there is nothing to do
 * @param blocks         names of the checks and capabilities this one blocks while it fails (filled in by
 *                       {@link CheckGraph}); empty for checks that are not failing
 * @param durationMillis how long the check took, in milliseconds
 */
public record Check(String group, String name, Status status, String finding, String hint, List<String> blocks,
                    long durationMillis) {

    /** Validates and copies. */
    public Check {
        Objects.requireNonNull(group, "group");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(status, "status");
        finding = firstLine(Objects.requireNonNull(finding, "finding"));
        hint = hint == null ? "" : firstLine(hint);
        blocks = List.copyOf(blocks);
        if (durationMillis < 0) {
            throw new IllegalArgumentException("durationMillis < 0: " + durationMillis);
        }
    }

    /** A passing check. */
    public static Check ok(String group, String name, String finding, long durationMillis) {
        return new Check(group, name, Status.OK, finding, "", List.of(), durationMillis);
    }

    /** A warning. */
    public static Check warn(String group, String name, String finding, String hint, long durationMillis) {
        return new Check(group, name, Status.WARN, finding, hint, List.of(), durationMillis);
    }

    /** A failure. */
    public static Check fail(String group, String name, String finding, String hint, long durationMillis) {
        return new Check(group, name, Status.FAIL, finding, hint, List.of(), durationMillis);
    }

    /** A check of the given status. */
    public static Check of(Status status, String group, String name, String finding, String hint,
                           long durationMillis) {
        return new Check(group, name, status, finding, hint, List.of(), durationMillis);
    }

    /** This check with {@code blocks} replaced. */
    public Check withBlocks(List<String> newBlocks) {
        return new Check(group, name, status, finding, hint, newBlocks, durationMillis);
    }

    /** This check with {@code durationMillis} replaced. */
    public Check withDuration(long millis) {
        return new Check(group, name, status, finding, hint, blocks, millis);
    }

    // A finding is one line: error messages (gRPC descriptions in particular) may embed stack traces.
    private static String firstLine(String s) {
        int nl = s.indexOf('\n');
        return (nl < 0 ? s : s.substring(0, nl)).strip();
    }
}
