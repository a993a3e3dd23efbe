package io.blackstart.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A synthetic catalog for the benchmark, from a seed: {@code apps} apps sharing {@code instances} instances, in the
 * three tiers (1% platform, 19% database, 80% app), with priorities and dependencies pointing only to a lower tier
 * (so there is no cycle), so that the ledger's ordering (platform gate, tier, priority, dependencies) is exercised.
 */
final class CatalogGenerator {

    /** One app spec as stored under {@code apps/<id>}. */
    record App(String id, String image, int instances, String json) {
    }

    private CatalogGenerator() {
    }

    static List<App> generate(int instances, int apps, long seed) {
        if (apps < 1 || instances < apps) {
            throw new IllegalArgumentException("need at least one instance per app (" + instances + " instances, "
                    + apps + " apps)");
        }
        SplittableRandom random = new SplittableRandom(seed);
        int platform = Math.max(1, apps / 100);
        int database = Math.max(apps >= 3 ? 1 : 0, apps * 19 / 100);
        List<App> out = new ArrayList<>(apps);
        for (int i = 0; i < apps; i++) {
            int count = instances / apps + (i < instances % apps ? 1 : 0);
            String tier;
            String id;
            int priority;
            String dependsOn = "";
            if (i < platform) {
                tier = "platform";
                id = String.format("platform-%05d", i);
                priority = 1000;
            } else if (i < platform + database) {
                tier = "database";
                id = String.format("db-%05d", i);
                priority = 100 * random.nextInt(4);
                if (random.nextInt(4) == 0) {
                    dependsOn = quote(String.format("platform-%05d", random.nextInt(platform)));
                }
            } else {
                tier = "app";
                id = String.format("app-%05d", i);
                priority = 100 * random.nextInt(4);
                if (database > 0 && random.nextInt(2) == 0) {
                    dependsOn = quote(String.format("db-%05d", platform + random.nextInt(database)));
                }
            }
            String image = "registry.local/" + id + ":1";
            out.add(new App(id, image, count, "{\"id\":\"" + id + "\",\"image\":\"" + image + "\",\"instances\":"
                    + count + ",\"tier\":\"" + tier + "\",\"priority\":" + priority
                    + ",\"memoryMb\":64,\"cpus\":0.1,\"dependsOn\":[" + dependsOn + "],\"startTimeoutSeconds\":60}"));
        }
        return out;
    }

    private static String quote(String s) {
        return '"' + s + '"';
    }
}
