package io.blackstart.scheduler;

import io.blackstart.protocol.Tier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Table tests: each filter and scorer called directly, as Kubernetes' plugin tests do. */
@Timeout(10)
class PlacementRulesTest {

    static PlacementPolicy.Candidate cand(String app, long mem, Set<String> failedOn) {
        return new PlacementPolicy.Candidate(app + "-0", app, Tier.APP, 0, mem, "img/" + app, Set.of(), failedOn);
    }

    static PlacementPolicy.HostState host(long freeMem, Set<String> images, Map<String, Integer> apps) {
        return new PlacementPolicy.HostState("h1", 1, freeMem, images, apps);
    }

    @ParameterizedTest(name = "need {0} MiB, free {1} MiB -> rejected={2}")
    @CsvSource({"512,1024,false", "1024,1024,false", "1025,1024,true", "1,0,true"})
    void memoryFilter(long need, long free, boolean rejected) {
        String why = new MemoryFilter().reject(cand("a", need, Set.of()), host(free, Set.of(), Map.of()));
        assertEquals(rejected, why != null, String.valueOf(why));
        assertTrue(new MemoryFilter().mayPassLater());
    }

    @ParameterizedTest(name = "image present={0} -> {1}")
    @CsvSource({"true,100", "false,0"})
    void imageLocality(boolean present, int expected) {
        Set<String> images = present ? Set.of("img/a") : Set.of("img/other");
        assertEquals(expected, new ImageLocalityScorer().score(cand("a", 1, Set.of()), host(10, images, Map.of())));
    }

    @ParameterizedTest(name = "{0} same-app instances -> {1}")
    @CsvSource({"0,0", "1,-10", "3,-30"})
    void spread(int same, int expected) {
        Map<String, Integer> apps = same == 0 ? Map.of("b", 4) : Map.of("a", same, "b", 4);
        assertEquals(expected, new SpreadScorer().score(cand("a", 1, Set.of()), host(10, Set.of(), apps)));
    }

    @ParameterizedTest(name = "failed on {0} -> {1}")
    @CsvSource({"h1,-1000", "h2,0"})
    void failedBefore(String failedOn, int expected) {
        assertEquals(expected, new FailedBeforeScorer().score(cand("a", 1, Set.of(failedOn)), host(10, Set.of(), Map.of())));
    }

    @Test
    void stackPrefersImageOverSpreadAndAvoidsFailedHost() {
        PlacementPolicy p = new PlacementPolicy();
        PlacementPolicy.HostState h = host(1000, Set.of("img/b"), Map.of("b", 2));
        List<PlacementPolicy.Candidate> band = List.of(cand("a", 10, Set.of()), cand("b", 10, Set.of()),
                cand("c", 10_000, Set.of()));
        PlacementPolicy.Choice c = p.choose(h, band);
        assertNotNull(c);
        assertEquals("b-0", c.instanceId(), "image-locality +100 beats spread -20");
        assertTrue(c.explanation().contains("image-locality=+100") && c.explanation().contains("spread=-20"),
                c.explanation());

        band = List.of(cand("b", 10, Set.of("h1")), cand("a", 10, Set.of()));
        assertEquals("a-0", p.choose(h, band).instanceId(), "failed-here-before dominates");

        assertNull(p.choose(h, List.of(cand("c", 10_000, Set.of()))), "memory filter rejects the only candidate");
    }
}
