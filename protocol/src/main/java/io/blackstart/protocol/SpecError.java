package io.blackstart.protocol;

/**
 * Why one app spec was rejected.
 *
 * @param key     the etcd key (or file name) the spec came from
 * @param field   the offending field, or {@code "(json)"} when the document itself is unreadable,
 *                or {@code "(spec)"} for the whole document
 * @param message what is wrong, in words an operator can act on
 */
public record SpecError(String key, String field, String message) {
    public static final String DOCUMENT = "(json)";
    public static final String WHOLE = "(spec)";

    @Override
    public String toString() {
        return key + ": " + field + ": " + message;
    }
}
