package io.blackstart.protocol;

/**
 * Size caps on one app spec document, so that a hostile or broken spec costs bounded memory and time, and the
 * {@code ContainerSpec} sent to an agent stays far below Artery's 256 KiB frame: with the defaults a spec's env
 * and command are at most 32 KiB each (64 KiB together, a quarter of the frame; the document cap bounds the rest).
 *
 * @param documentBytes  the whole document, in UTF-8 bytes, checked before it is parsed
 * @param nestingDepth   JSON nesting depth (a spec needs 3: {@code health.http})
 * @param numberChars    characters of one JSON number ({@code 1e400} passes and is then out of range)
 * @param envEntries     entries of {@code env}
 * @param envBytes       UTF-8 bytes of all {@code env} names and values
 * @param commandArgs    elements of {@code command}
 * @param commandBytes   UTF-8 bytes of all {@code command} elements
 * @param dependsOn      elements of {@code dependsOn}
 * @param totalInstances desired instances of the whole catalog (the sum of {@code instances}); apps beyond it, in
 *                       app id order, are rejected
 */
public record SpecLimits(int documentBytes, int nestingDepth, int numberChars, int envEntries, int envBytes,
                         int commandArgs, int commandBytes, int dependsOn, int totalInstances) {

    /**
     * 64 KiB documents, depth 32, 64-char numbers, 256 env entries / 32 KiB, 256 args / 32 KiB, 256 dependencies,
     * 1,000,000 desired instances.
     */
    public static final SpecLimits DEFAULT = new SpecLimits(64 * 1024, 32, 64, 256, 32 * 1024, 256, 32 * 1024, 256,
            1_000_000);
    /** The largest document cap: a start made of one must fit Artery's 256 KiB frame with room to spare. */
    public static final int MAX_DOCUMENT_BYTES = 128 * 1024;

    /** Validates: every cap at least 1 (depth at least 3, the depth of a spec), documents at most 128 KiB. */
    public SpecLimits {
        if (documentBytes > MAX_DOCUMENT_BYTES) {
            throw new IllegalArgumentException("spec document limit " + documentBytes + " bytes is above "
                    + MAX_DOCUMENT_BYTES + " (a start must fit one cluster message frame)");
        }
        int[] caps = {documentBytes, numberChars, envEntries, envBytes, commandArgs, commandBytes, dependsOn,
                totalInstances};
        for (int c : caps) {
            if (c < 1) {
                throw new IllegalArgumentException("spec limits must be at least 1: " + c);
            }
        }
        if (nestingDepth < 3) {
            throw new IllegalArgumentException("spec nesting depth must be at least 3, got " + nestingDepth);
        }
    }
}
