package io.blackstart.scheduler.formation;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The founder/majority rule as a table: 3 seeds x which answer x who asks. */
@Timeout(10)
class SeedOrderTest {

    private static final String C1 = "pekko://blackstart@127.0.0.1:25520";
    private static final String C2 = "pekko://blackstart@127.0.0.1:25521";
    private static final String C3 = "pekko://blackstart@127.0.0.1:25522";
    private static final List<String> SEEDS = List.of(C1, C2, C3);

    private static String addr(String name) {
        return switch (name) {
            case "c1" -> C1;
            case "c2" -> C2;
            case "c3" -> C3;
            default -> throw new IllegalArgumentException(name);
        };
    }

    private static Set<String> set(String names) {
        return names.isBlank() ? Set.of()
                : Arrays.stream(names.split(" ")).map(SeedOrderTest::addr).collect(Collectors.toSet());
    }

    /** Outcome: "found" (self first), "follow cN" (cN first), "wait". */
    private static String outcome(SeedOrder.Decision d) {
        if (d instanceof SeedOrder.Found) {
            return "found";
        }
        if (d instanceof SeedOrder.Follow f) {
            return "follow c" + (SEEDS.indexOf(f.founder()) + 1);
        }
        if (d instanceof SeedOrder.JoinExisting j) {
            return "join c" + (SEEDS.indexOf(j.joinOrder().get(0)) + 1);
        }
        return "wait";
    }

    @ParameterizedTest(name = "alive [{0}], {1} asks -> {2}")
    @CsvSource({
            // all three answer: c1 founds, as Pekko's own rule would
            "c1 c2 c3, c1, found",
            "c1 c2 c3, c2, follow c1",
            "c1 c2 c3, c3, follow c1",
            // the first seed never returns: c2 founds, c3 follows it
            "c2 c3,    c2, found",
            "c2 c3,    c3, follow c2",
            // c2 down
            "c1 c3,    c1, found",
            "c1 c3,    c3, follow c1",
            // c3 down
            "c1 c2,    c1, found",
            "c1 c2,    c2, follow c1",
            // a node alone is a minority, whoever it is
            "c1,       c1, wait",
            "c2,       c2, wait",
            "c3,       c3, wait",
    })
    void founderOrWait(String alive, String self, String expected) {
        SeedOrder.Decision d = SeedOrder.decide(new SeedOrder.View(addr(self), SEEDS, set(alive), Set.of(), 3));
        assertEquals(expected, outcome(d));
        if (!(d instanceof SeedOrder.Found)) {
            assertFalse(d.joinOrder().contains(addr(self)), "only a founder lists itself: " + d);
        } else {
            assertEquals(addr(self), d.joinOrder().get(0));
        }
    }

    @ParameterizedTest(name = "members [{0}], {1} asks -> {2}")
    @CsvSource({
            "c2,    c1, join c2",
            "c2 c3, c1, join c2",
            "c3,    c2, join c3",
    })
    void anExistingClusterIsJoinedNeverFounded(String members, String self, String expected) {
        SeedOrder.Decision d = SeedOrder.decide(new SeedOrder.View(addr(self), SEEDS, set("c1 c2 c3"), set(members), 3));
        assertEquals(expected, outcome(d));
        assertFalse(d.joinOrder().contains(addr(self)));
    }

    @Test
    void theSameViewGivesTheSameFounderWhateverTheOrderOfTheSeedList() {
        List<String> reversed = List.of(C3, C2, C1);
        assertInstanceOf(SeedOrder.Found.class,
                SeedOrder.decide(new SeedOrder.View(C2, reversed, set("c2 c3"), Set.of(), 3)));
        assertEquals(C2, ((SeedOrder.Follow) SeedOrder.decide(
                new SeedOrder.View(C3, reversed, set("c2 c3"), Set.of(), 3))).founder());
    }

    @Test
    void portsCompareAsNumbers() {
        String low = "pekko://blackstart@10.0.0.1:9999";
        String high = "pekko://blackstart@10.0.0.1:10000";
        SeedOrder.Decision d = SeedOrder.decide(new SeedOrder.View(high, List.of(high, low), Set.of(low, high), Set.of(), 2));
        assertEquals(low, ((SeedOrder.Follow) d).founder());
    }

    @Test
    void aLargerCoordinatorCountRaisesTheMajority() {
        // 3 seeds, 5 coordinators configured: 3 alive are a majority, 2 are not
        assertInstanceOf(SeedOrder.Found.class, SeedOrder.decide(new SeedOrder.View(C1, SEEDS, set("c1 c2 c3"), Set.of(), 5)));
        SeedOrder.Decision d = SeedOrder.decide(new SeedOrder.View(C2, SEEDS, set("c2 c3"), Set.of(), 5));
        assertEquals(new SeedOrder.Wait("2 of 5 coordinators answer, 3 needed (first seed " + C1 + " down)"), d);
    }

    @Test
    void aSingleCoordinatorFoundsAlone() {
        assertInstanceOf(SeedOrder.Found.class, SeedOrder.decide(new SeedOrder.View(C1, List.of(C1), Set.of(), Set.of(), 1)));
    }

    @Test
    void addressesThatAreNotSeedsAreIgnored() {
        String stranger = "pekko://blackstart@127.0.0.1:1";
        SeedOrder.Decision d = SeedOrder.decide(new SeedOrder.View(C2, SEEDS, Set.of(stranger, C2), Set.of(stranger), 3));
        assertInstanceOf(SeedOrder.Wait.class, d);
    }

    @Test
    void aCoordinatorCountBelowTheSeedsIsRejected() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new SeedOrder.View(C1, SEEDS, Set.of(), Set.of(), 2));
        assertTrue(e.getMessage().contains("less than the 3 seed nodes"), e.getMessage());
    }

    /**
     * Safety over every view: for each assignment of "which nodes each node sees" (each node sees itself and any
     * subset of the others), the nodes that decide Found are never in two disjoint groups, and a founder always
     * sees a strict majority.
     */
    @Test
    void foundersAlwaysSeeAMajorityAndDisjointGroupsNeverBothFound() {
        List<String> nodes = SEEDS;
        int views = 1 << (nodes.size() - 1);
        int[] choice = new int[nodes.size()];
        int combos = (int) Math.pow(views, nodes.size());
        for (int c = 0; c < combos; c++) {
            int x = c;
            for (int i = 0; i < nodes.size(); i++) {
                choice[i] = x % views;
                x /= views;
            }
            Set<Set<String>> founderViews = new HashSet<>();
            for (int i = 0; i < nodes.size(); i++) {
                Set<String> alive = new HashSet<>();
                alive.add(nodes.get(i));
                int bit = 0;
                for (int j = 0; j < nodes.size(); j++) {
                    if (j != i && (choice[i] & (1 << bit++)) != 0) {
                        alive.add(nodes.get(j));
                    }
                }
                SeedOrder.Decision d = SeedOrder.decide(new SeedOrder.View(nodes.get(i), nodes, alive, Set.of(), 3));
                if (d instanceof SeedOrder.Found) {
                    assertTrue(alive.size() >= 2, "founder with a minority view " + alive);
                    founderViews.add(alive);
                }
            }
            for (Set<String> a : founderViews) {
                for (Set<String> b : founderViews) {
                    Set<String> common = new HashSet<>(a);
                    common.retainAll(b);
                    assertFalse(common.isEmpty(), "disjoint founders " + a + " and " + b);
                }
            }
        }
    }
}
