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
 * @param readiness           model readiness: each app is ready some seconds after it runs (drill/README.md); an
 *                            instance counts as up when ready (default off)
 * @param etcdOutageFromSeconds start of a window in which etcd accepts no writes, seconds since power-on; NaN: none
 * @param etcdOutageToSeconds end of that window (exclusive), {@code > from}; NaN: none
 * @param scenario            the preset platform: host model and catalog shape ({@link Scenario#DEFAULT}: the
 *                            drill as it always was); its sizes are the defaults {@link #of(Scenario)} starts from
 */
public record DrillOptions(int hosts, int apps, List<String> policies, long seed, Path catalogFile,
                           double returnWindowSeconds, double lostHostsFraction, boolean readiness,
                           double etcdOutageFromSeconds, double etcdOutageToSeconds, Scenario scenario) {

    public static final int DEFAULT_HOSTS = 500;
    public static final int DEFAULT_APPS = 5_000;
    public static final long DEFAULT_SEED = 42;
    public static final double DEFAULT_RETURN_WINDOW_SECONDS = 900;
    public static final double DEFAULT_LOST_HOSTS_FRACTION = 0.02;

    public DrillOptions {
        boolean outage = !Double.isNaN(etcdOutageFromSeconds) || !Double.isNaN(etcdOutageToSeconds);
        if (outage && !(etcdOutageFromSeconds >= 0 && etcdOutageToSeconds > etcdOutageFromSeconds
                && !Double.isInfinite(etcdOutageToSeconds))) {
            throw new IllegalArgumentException("--etcd-outage needs FROM,TO with 0 <= FROM < TO (seconds since "
                    + "power-on), got " + etcdOutageFromSeconds + "," + etcdOutageToSeconds);
        }
        // without an outage blackstart-no-journal is blackstart: "all" runs it only with one
        policies = List.copyOf(policies == null || policies.isEmpty()
                ? (outage ? Drill.KNOWN_POLICIES : Drill.POLICIES) : policies);
        if (scenario == null) {
            throw new IllegalArgumentException("scenario must not be null");
        }
        if (hosts < 1) {
            throw new IllegalArgumentException("hosts must be >= 1, got " + hosts);
        }
        if (apps < 1) {
            throw new IllegalArgumentException("apps must be >= 1, got " + apps);
        }
        for (String p : policies) {
            if (!Drill.KNOWN_POLICIES.contains(p)) {
                throw new IllegalArgumentException("unknown policy '" + p + "', expected one of "
                        + Drill.KNOWN_POLICIES);
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
        return of(Scenario.DEFAULT);
    }

    /** The preset's platform (its hosts, apps, return window, lost hosts, readiness), every policy, seed 42. */
    public static DrillOptions of(Scenario s) {
        return new DrillOptions(s.hosts(), s.apps(), List.of(), DEFAULT_SEED, null, s.returnWindowSeconds(),
                s.lostHostsFraction(), s.readiness(), Double.NaN, Double.NaN, s);
    }

    /** True when an etcd outage window is set. */
    public boolean etcdOutage() {
        return !Double.isNaN(etcdOutageFromSeconds);
    }

    public DrillOptions withHosts(int n) {
        return new DrillOptions(n, apps, policies, seed, catalogFile, returnWindowSeconds, lostHostsFraction,
                readiness, etcdOutageFromSeconds, etcdOutageToSeconds, scenario);
    }

    public DrillOptions withApps(int n) {
        return new DrillOptions(hosts, n, policies, seed, catalogFile, returnWindowSeconds, lostHostsFraction,
                readiness, etcdOutageFromSeconds, etcdOutageToSeconds, scenario);
    }

    public DrillOptions withPolicies(List<String> p) {
        return new DrillOptions(hosts, apps, p, seed, catalogFile, returnWindowSeconds, lostHostsFraction,
                readiness, etcdOutageFromSeconds, etcdOutageToSeconds, scenario);
    }

    public DrillOptions withSeed(long s) {
        return new DrillOptions(hosts, apps, policies, s, catalogFile, returnWindowSeconds, lostHostsFraction,
                readiness, etcdOutageFromSeconds, etcdOutageToSeconds, scenario);
    }

    public DrillOptions withCatalogFile(Path f) {
        return new DrillOptions(hosts, apps, policies, seed, f, returnWindowSeconds, lostHostsFraction,
                readiness, etcdOutageFromSeconds, etcdOutageToSeconds, scenario);
    }

    public DrillOptions withReturnWindowSeconds(double w) {
        return new DrillOptions(hosts, apps, policies, seed, catalogFile, w, lostHostsFraction,
                readiness, etcdOutageFromSeconds, etcdOutageToSeconds, scenario);
    }

    public DrillOptions withLostHostsFraction(double f) {
        return new DrillOptions(hosts, apps, policies, seed, catalogFile, returnWindowSeconds, f, readiness,
                etcdOutageFromSeconds, etcdOutageToSeconds, scenario);
    }

    /** Readiness on or off (see drill/README.md, "Readiness"). */
    public DrillOptions withReadiness(boolean on) {
        return new DrillOptions(hosts, apps, policies, seed, catalogFile, returnWindowSeconds, lostHostsFraction, on,
                etcdOutageFromSeconds, etcdOutageToSeconds, scenario);
    }

    /**
     * An etcd outage from {@code from} to {@code to} seconds since power-on (NaN, NaN: none). With the default
     * policies ({@code all}) it also runs {@code blackstart-no-journal}; the explicit policy list is kept.
     */
    public DrillOptions withEtcdOutage(double from, double to) {
        boolean defaultList = policies.equals(etcdOutage() ? Drill.KNOWN_POLICIES : Drill.POLICIES);
        return new DrillOptions(hosts, apps, defaultList ? List.of() : policies, seed, catalogFile,
                returnWindowSeconds, lostHostsFraction, readiness, from, to, scenario);
    }
}
