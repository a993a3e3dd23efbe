package io.blackstart.drill;

import java.util.Arrays;
import java.util.Locale;

/**
 * The drill's preset platforms ({@code --scenario}): each sets the platform's size, how hosts come back, the host
 * model and the catalog's shape, so that one constraint binds — the default's binding constraint is mostly the memory
 * coming back over 15 minutes; the others make start throughput, dependency chains, pulls or boot times decide.
 * Explicit {@code --hosts}, {@code --apps}, {@code --return-window} and {@code --lost-hosts} override the preset's;
 * {@code --readiness} turns readiness on where the preset has it off.
 */
public enum Scenario {

    /** The drill as it always was: 500 hosts back over 15 min, 2% lost, 5,000 apps, images of 30–500 MB. */
    DEFAULT("default", "500 hosts back over 15 min, 2% never; 5,000 apps", 500, 5_000, 900, 0.02,
            HostModel.defaults(), CatalogShape.DEFAULT, false),

    /**
     * The incident: "Electricity is back, network is up as well as our servers" — every host back within 2 minutes,
     * none lost; images cached (no host had run image GC); one registry shared by the fleet (a 10 GbE registry for
     * 500 hosts: 2.5 MB/s per host). Memory is back early, so start throughput binds.
     */
    INCIDENT("incident", "all 500 hosts back within 2 min; images cached (no GC); one 10 GbE registry", 500, 5_000,
            120, 0.0, new HostModel(2.5, 1_250, 0.03, 150, 0.0, 1.6), CatalogShape.DEFAULT, false),

    /** Three times the apps on the same hosts, 1.25× memory headroom, hosts back over 5 min: starts per host bind. */
    DENSE("dense", "15,000 apps on 500 hosts, 1.25x memory; back over 5 min", 500, 15_000, 300, 0.02,
            new HostModel(10, 1_250, 0.03, 150, 0.05, 1.25), CatalogShape.DEFAULT, false),

    /**
     * Customer apps in dependency chains of 12 (beside their database), hosts back over 2 min: the chain binds.
     * Readiness is on: without it a dependant started before its dependency is up loses nothing in the simulation,
     * so a dependency would only be a scheduling rule, not a fact of the platform.
     */
    DEEP_DEPS("deep-deps", "customer apps in dependency chains of 12, readiness on; back over 2 min", 500, 5_000,
            120, 0.02, HostModel.defaults(), new CatalogShape(120, 0.7, 30, 500, 1.0, 12), true),

    /**
     * Images of 300 MB–4 GB (median 1.2 GB), 30% of hosts GC'd and 20 cached images per host, a registry of 4 MB/s
     * per host: pulls bind.
     */
    BIG_IMAGES("big-images", "images 0.3-4 GB, 30% of hosts GC'd, registry 4 MB/s per host; back over 5 min", 500,
            5_000, 300, 0.02, new HostModel(4, 1_250, 0.03, 20, 0.3, 1.6),
            new CatalogShape(1_200, 0.6, 300, 4_000, 1.0, 0), false),

    /**
     * Boots five times longer (apps 5–75 s, databases 25–150 s) against the same start timeouts (60 s, 120 s for
     * databases): some boots outlast their timeout even alone, so a policy that enforces timeouts cannot bring
     * those apps up — the run is incomplete, and says so.
     */
    SLOW_BOOT("slow-boot", "boots 5x longer against the same start timeouts; back over 5 min", 500, 5_000, 300,
            0.02, HostModel.defaults(), new CatalogShape(120, 0.7, 30, 500, 5.0, 0), false);

    private final String wireName;
    private final String summary;
    private final int hosts;
    private final int apps;
    private final double returnWindowSeconds;
    private final double lostHostsFraction;
    private final HostModel hostModel;
    private final CatalogShape catalog;
    private final boolean readiness;

    Scenario(String wireName, String summary, int hosts, int apps, double returnWindowSeconds,
             double lostHostsFraction, HostModel hostModel, CatalogShape catalog, boolean readiness) {
        this.wireName = wireName;
        this.summary = summary;
        this.hosts = hosts;
        this.apps = apps;
        this.returnWindowSeconds = returnWindowSeconds;
        this.lostHostsFraction = lostHostsFraction;
        this.hostModel = hostModel;
        this.catalog = catalog;
        this.readiness = readiness;
    }

    /** Whether the preset models readiness ({@code --readiness} turns it on for any preset). */
    public boolean readiness() {
        return readiness;
    }

    /** The name used by {@code --scenario}, e.g. {@code deep-deps}. */
    public String wireName() {
        return wireName;
    }

    /** One line for the table and the report. */
    public String summary() {
        return summary;
    }

    public int hosts() {
        return hosts;
    }

    public int apps() {
        return apps;
    }

    public double returnWindowSeconds() {
        return returnWindowSeconds;
    }

    public double lostHostsFraction() {
        return lostHostsFraction;
    }

    public HostModel hostModel() {
        return hostModel;
    }

    CatalogShape catalog() {
        return catalog;
    }

    /** The names, in order, for usage texts. */
    public static String names() {
        return String.join(", ", Arrays.stream(values()).map(Scenario::wireName).toList());
    }

    /**
     * The scenario called {@code name}.
     *
     * @throws IllegalArgumentException naming the flag and the known names
     */
    public static Scenario parse(String name) {
        String n = name.trim().toLowerCase(Locale.ROOT);
        for (Scenario s : values()) {
            if (s.wireName.equals(n)) {
                return s;
            }
        }
        throw new IllegalArgumentException("--scenario: unknown scenario '" + name + "', expected one of " + names());
    }
}
