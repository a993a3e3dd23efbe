package io.blackstart.drill;

import java.nio.file.Path;
import java.util.List;

/**
 * What to simulate. Every run with the same options (and seed) gives the same {@link DrillResult}.
 *
 * @param hosts               hosts of the platform, ≥ 1
 * @param apps                apps to generate when {@code catalogFile} is null, ≥ 1 (about 2 instances each)
 * @param policies            policies to run, names from {@link Drill#POLICIES}; empty means all
 * @param seed                seed of everything random (platform, catalog, policies' own randomness)
 * @param catalogFile         a JSON array of app specs (DESIGN.md "App spec") to use instead of a generated catalog,
 *                            or null
 * @param returnWindowSeconds hosts come back one after another over this window (seconds, ≥ 0; default 900)
 * @param lostHostsFraction   share of hosts that never come back, in [0, 1) (default 0.02)
 */
public record DrillOptions(int hosts, int apps, List<String> policies, long seed, Path catalogFile,
                           double returnWindowSeconds, double lostHostsFraction) {

    public static final int DEFAULT_HOSTS = 500;
    public static final int DEFAULT_APPS = 5_000;
    public static final long DEFAULT_SEED = 42;
    public static final double DEFAULT_RETURN_WINDOW_SECONDS = 900;
    public static final double DEFAULT_LOST_HOSTS_FRACTION = 0.02;

    public DrillOptions {
        policies = List.copyOf(policies == null || policies.isEmpty() ? Drill.POLICIES : policies);
        if (hosts < 1) {
            throw new IllegalArgumentException("hosts must be >= 1, got " + hosts);
        }
        if (apps < 1) {
            throw new IllegalArgumentException("apps must be >= 1, got " + apps);
        }
        for (String p : policies) {
            if (!Drill.POLICIES.contains(p)) {
                throw new IllegalArgumentException("unknown policy '" + p + "', expected one of " + Drill.POLICIES);
            }
        }
        if (!(returnWindowSeconds >= 0) || Double.isInfinite(returnWindowSeconds)) {
            throw new IllegalArgumentException("return window must be >= 0 seconds, got " + returnWindowSeconds);
        }
        if (!(lostHostsFraction >= 0 && lostHostsFraction < 1)) {
            throw new IllegalArgumentException("lost hosts fraction must be in [0, 1), got " + lostHostsFraction);
        }
    }

    /** The defaults: 500 hosts, 5,000 apps, every policy, seed 42, 15 min return window, 2% lost hosts. */
    public static DrillOptions defaults() {
        return new DrillOptions(DEFAULT_HOSTS, DEFAULT_APPS, List.of(), DEFAULT_SEED, null,
                DEFAULT_RETURN_WINDOW_SECONDS, DEFAULT_LOST_HOSTS_FRACTION);
    }

    public DrillOptions withHosts(int n) {
        return new DrillOptions(n, apps, policies, seed, catalogFile, returnWindowSeconds, lostHostsFraction);
    }

    public DrillOptions withApps(int n) {
        return new DrillOptions(hosts, n, policies, seed, catalogFile, returnWindowSeconds, lostHostsFraction);
    }

    public DrillOptions withPolicies(List<String> p) {
        return new DrillOptions(hosts, apps, p, seed, catalogFile, returnWindowSeconds, lostHostsFraction);
    }

    public DrillOptions withSeed(long s) {
        return new DrillOptions(hosts, apps, policies, s, catalogFile, returnWindowSeconds, lostHostsFraction);
    }

    public DrillOptions withCatalogFile(Path f) {
        return new DrillOptions(hosts, apps, policies, seed, f, returnWindowSeconds, lostHostsFraction);
    }

    public DrillOptions withReturnWindowSeconds(double w) {
        return new DrillOptions(hosts, apps, policies, seed, catalogFile, w, lostHostsFraction);
    }

    public DrillOptions withLostHostsFraction(double f) {
        return new DrillOptions(hosts, apps, policies, seed, catalogFile, returnWindowSeconds, f);
    }
}
