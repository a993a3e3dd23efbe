package io.blackstart.drill;

/**
 * The knobs of the generated catalog that a {@link Scenario} turns ({@link WorldGenerator} documents the rest).
 *
 * @param imageMedianMb median image size, MB (log-normal)
 * @param imageSigma    log-normal shape of image sizes
 * @param imageMinMb    smallest image, MB
 * @param imageMaxMb    largest image, MB
 * @param bootScale     factor on every boot time (platform 2–10 s, databases 5–30 s, apps 1–15 s at 1)
 * @param chainLength   0: 10% of customer apps depend on another app; otherwise customer apps form dependency
 *                      chains of this many apps (app k depends on app k − 1 of its chain), beside their database
 */
record CatalogShape(double imageMedianMb, double imageSigma, double imageMinMb, double imageMaxMb, double bootScale,
                    int chainLength) {

    /** The default drill's catalog: images 30–500 MB around 120 MB, boots as listed, no long chains. */
    static final CatalogShape DEFAULT = new CatalogShape(120, 0.7, 30, 500, 1.0, 0);

    CatalogShape {
        if (!(imageMinMb > 0 && imageMinMb <= imageMedianMb && imageMedianMb <= imageMaxMb)) {
            throw new IllegalArgumentException("image sizes need 0 < min <= median <= max");
        }
        if (!(bootScale > 0) || chainLength < 0) {
            throw new IllegalArgumentException("boot scale must be > 0 and chain length >= 0");
        }
    }
}
