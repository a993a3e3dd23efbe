package io.blackstart.coordinator.tracker;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;

@Timeout(10)
public class EtaEstimatorTest {

    @ParameterizedTest(name = "{0} remaining at {1}/s, {2} levels of {3} s -> {4}")
    @CsvSource({
            // remaining, starts/s, levels, mean start s, eta (-1 unknown)
            "0,    0.0, 0, 0.0, 0",     // nothing left: done, even with no pace
            "0,    5.0, 3, 2.0, 0",
            "100,  0.0, 2, 1.0, -1",    // nothing came up in the window: unknown, never a guess
            "100,  4.0, 1, 0.5, 25",    // capacity: 100 / 4 = 25 s
            "101,  4.0, 1, 0.5, 26",    // 25.25 rounds up
            "10,   8.0, 3, 2.5, 8",     // ordering: 3 levels x 2.5 s = 7.5 -> 8 s beats 10 / 8 = 1.25 s
            "10,   8.0, 3, 0.0, 2",     // start duration not measured yet: capacity only (1.25 -> 2)
            "3000, 6.0, 4, 3.0, 500",   // 3000 / 6 = 500 s; 4 x 3 = 12 s
    })
    void etaIsTheLargerOfCapacityAndOrdering(int remaining, double rate, int levels, double mean, long eta) {
        OptionalLong got = EtaEstimator.etaSeconds(remaining, rate, levels, mean);
        assertEquals(eta, got.orElse(-1));
    }

    @Test
    void remainingLevelsCountThePlatformGateAndTheDependencyChain() {
        Map<String, String> tier = Map.of("api", "platform", "db", "database", "web", "app", "worker", "app",
                "solo", "app");
        Map<String, List<String>> deps = Map.of("web", List.of("db"), "worker", List.of("web"));
        // api (1) -> db (2) -> web (3) -> worker (4)
        assertEquals(4, EtaEstimator.remainingLevels(Set.of("api", "db", "web", "worker"), tier, deps));
        // platform done: db (1) -> web (2) -> worker (3)
        assertEquals(3, EtaEstimator.remainingLevels(Set.of("db", "web", "worker"), tier, deps));
        // db runs already: web (1) -> worker (2)
        assertEquals(2, EtaEstimator.remainingLevels(Set.of("web", "worker"), tier, deps));
        // unrelated apps are one level
        assertEquals(1, EtaEstimator.remainingLevels(Set.of("solo", "worker"), tier, deps));
        // the gate alone: api (1), then solo (2)
        assertEquals(2, EtaEstimator.remainingLevels(Set.of("api", "solo"), tier, deps));
        assertEquals(0, EtaEstimator.remainingLevels(Set.of(), tier, deps));
    }

    @Test
    void aCycleNeverLoops() {
        Map<String, List<String>> deps = Map.of("a", List.of("b"), "b", List.of("a"));
        int levels = EtaEstimator.remainingLevels(Set.of("a", "b"), Map.of("a", "app", "b", "app"), deps);
        assertEquals(true, levels >= 1 && levels <= 2);
    }

    @Test
    void aTwentyThousandAppChainIsTwentyThousandLevelsWithoutADeepStack() {
        int n = 20_000;
        Map<String, List<String>> deps = new java.util.HashMap<>();
        Map<String, String> tier = new java.util.HashMap<>();
        Set<String> notUp = new java.util.HashSet<>();
        for (int i = 0; i < n; i++) {
            deps.put("c-" + i, i == 0 ? List.of() : List.of("c-" + (i - 1)));
            tier.put("c-" + i, "app");
            notUp.add("c-" + i);
        }
        assertEquals(n, EtaEstimator.remainingLevels(notUp, tier, deps));
        // closed into a cycle: finite, at most the chain
        deps.put("c-0", List.of("c-" + (n - 1)));
        int levels = EtaEstimator.remainingLevels(notUp, tier, deps);
        assertEquals(true, levels >= 1 && levels <= n, "levels " + levels);
    }
}
