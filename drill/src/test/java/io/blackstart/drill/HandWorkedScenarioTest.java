package io.blackstart.drill;

import io.blackstart.protocol.AppSpec;
import io.blackstart.protocol.Catalog;
import io.blackstart.protocol.Tier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.BitSet;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** A platform small enough to work out by hand, and the drill's outcome checked against the arithmetic. */
@Timeout(30)
class HandWorkedScenarioTest {

    /**
     * One host back at t = 0: knee 2, solo start 0.25 s, 4 cores, plenty of memory, every image present.
     * Catalog: platform app {@code api} (1 instance, boots 1 s), customer app {@code web} (2 instances, boot 2 s).
     */
    static World world() {
        TreeMap<String, AppSpec> apps = new TreeMap<>();
        apps.put("api", new AppSpec("api", "registry.local/api:1", 1, Tier.PLATFORM, 0, 256, 0.5, List.of(),
                List.of(), Map.of(), 60));
        apps.put("web", new AppSpec("web", "registry.local/web:1", 2, Tier.APP, 0, 256, 0.5, List.of(),
                List.of(), Map.of(), 60));
        Catalog catalog = new Catalog(apps, List.of());
        BitSet images = new BitSet();
        images.set(0, 2);
        return new World(catalog, new double[]{100, 100}, new double[]{1.0, 2.0}, new int[]{-1, -1, -1},
                new String[]{"h0"}, new int[]{4}, new long[]{64_000}, new int[]{2}, new double[]{0.25},
                new double[]{0.0}, new boolean[]{false}, new boolean[]{false}, new BitSet[]{images},
                HostModel.defaults());
    }

    @Test
    void blackstartMatchesTheArithmetic() {
        World w = world();
        DrillOptions o = DrillOptions.defaults().withPolicies(List.of("blackstart"));
        DrillResult r = Drill.run(w, o, null, null);
        PolicyOutcome b = r.policies().get("blackstart");
        // t=0     host up; credits min(knee 2 - 0, cores 4 - 0) = 2, but the platform gate lets only api-0 start.
        // t=0.25  api-0 leaves the engine (alone: 1 unit of work at 1/0.25 per s); boots 1 core-second on 4 cores.
        // t=1.25  api-0 up: the platform is up; web-0 and web-1 start together (2 <= knee: each at full speed).
        // t=1.50  both leave the engine; 2 apps boot on 4 cores, 2 s each.
        // t=3.50  both up: makespan 3.5 s.
        assertEquals(3.5, b.makespanSeconds(), 1e-9);
        assertEquals(1.25, b.platformUpSeconds(), 1e-9);
        // app downtime: api 1.25 s, web 3.5 s (its first instance) -> mean 2.375, p95 = the larger one
        assertEquals(2.375, b.meanDowntimeSeconds(), 1e-9);
        assertEquals(3.5, b.p95DowntimeSeconds(), 1e-9);
        assertEquals(0, b.timeouts());
        assertEquals(0, b.retries());
        assertEquals(0, b.duplicates());
        // two starts in the engine at once against credits (knee) 2
        assertEquals(1.0, b.peakInflightPerCredit(), 1e-9);
        assertEquals(0, b.pulls());
    }

    @Test
    void lowerBoundMatchesTheArithmetic() {
        LowerBound lb = LowerBound.of(world());
        // platform: chain = fastest solo start 0.25 + boot 1 = 1.25;
        //           capacity: 8 starts/s must cover 1 start by t - 1 (boot) -> t >= 1.125; so 1.25
        assertEquals(1.25, lb.platformSeconds(), 1e-6);
        // rest, from 1.25: capacity 8/s covers 2 starts by t - 2 (boot) -> t >= 1.25 + 0.25 + 2 = 3.5;
        //                  cores: 4 × (t - 1.25) >= 2 × 2 core-seconds -> t >= 2.25; chain 2.25 -> rest = 2.25
        assertEquals(2.25, lb.restSeconds(), 1e-6);
        assertEquals(3.5, lb.totalSeconds(), 1e-6);
    }

    @Test
    void allocationSpreadHasNoPacingButOneHostIsOneHost() {
        World w = world();
        DrillResult r = Drill.run(w, DrillOptions.defaults().withPolicies(List.of("allocation-spread")), null, null);
        // one host, two web starts at 1.25 with knee 2: the same schedule as blackstart
        assertEquals(3.5, r.policies().get("allocation-spread").makespanSeconds(), 1e-9);
    }
}
