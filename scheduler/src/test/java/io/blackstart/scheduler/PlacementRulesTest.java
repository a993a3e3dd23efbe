package io.blackstart.scheduler;

import io.blackstart.protocol.Tier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Table tests: each filter and scorer called directly, as Kubernetes' plugin tests do, and the stack through
 * {@link PlacementPolicy#choose}, the decision the ledger makes for every host.
 */
@Timeout(10)
class PlacementRulesTest {

    /** A ready-queue entry as the ledger hands it over. */
    record Q(long band, boolean waitsForDependency, PlacementPolicy.Candidate candidate)
            implements PlacementPolicy.Queued {
    }

    static PlacementPolicy.Candidate cand(String app, long mem, Set<String> failedOn) {
        return new PlacementPolicy.Candidate(app + "-0", app, Tier.APP, 0, mem, "img/" + app, Set.of(), failedOn);
    }

    static Q q(String app, long mem, Set<String> failedOn) {
        return new Q(0, false, cand(app, mem, failedOn));
    }

    static PlacementPolicy.HostState host(long freeMem, Set<String> images, Map<String, Integer> apps) {
        return new PlacementPolicy.HostState("h1", 1, freeMem, images, apps);
    }

    static String chosen(PlacementPolicy.Choice<Q> c) {
        return c.chosen() == null ? null : c.chosen().candidate().instanceId();
    }

    @ParameterizedTest(name = "need {0} MiB, free {1} MiB -> rejected={2}")
    @CsvSource({"512,1024,false", "1024,1024,false", "1025,1024,true", "1,0,true"})
    void memoryFilter(long need, long free, boolean rejected) {
        assertEquals(!rejected, new MemoryFilter().passes(cand("a", need, Set.of()), host(free, Set.of(), Map.of())));
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
        PlacementPolicy.Choice<Q> c = p.choose(h, List.of(q("a", 10, Set.of()), q("b", 10, Set.of()),
                q("c", 10_000, Set.of())), false);
        assertEquals("b-0", chosen(c), "image-locality +100 beats spread -20");
        String why = p.explain(c.chosen().candidate(), h, null);
        assertTrue(why.contains("image-locality=+100") && why.contains("spread=-20"), why);

        assertEquals("a-0", chosen(p.choose(h, List.of(q("b", 10, Set.of("h1")), q("a", 10, Set.of())), false)),
                "failed-here-before dominates");

        assertNull(chosen(p.choose(h, List.of(q("c", 10_000, Set.of())), false)),
                "memory filter rejects the only candidate");
    }

    @Test
    void equalScoresKeepStartOrder() {
        PlacementPolicy p = new PlacementPolicy();
        assertEquals("x-0", chosen(p.choose(host(1000, Set.of(), Map.of()),
                List.of(q("x", 10, Set.of()), q("y", 10, Set.of())), false)));
    }

    @Test
    void onlyTheLeadingBandCompetes() {
        PlacementPolicy p = new PlacementPolicy();
        PlacementPolicy.HostState h = host(1000, Set.of("img/b"), Map.of());
        // b has its image here, but ranks in a later band: the lead's band wins even without locality
        List<Q> queue = List.of(new Q(1, false, cand("a", 10, Set.of())), new Q(2, false, cand("b", 10, Set.of())));
        assertEquals("a-0", chosen(p.choose(h, queue, false)));
        // nothing of the leading band fits: the next band is not looked at
        queue = List.of(new Q(1, false, cand("a", 10_000, Set.of())), new Q(2, false, cand("b", 10, Set.of())));
        assertNull(chosen(p.choose(h, queue, false)));
    }

    @Test
    void anInstanceWaitingForADependencyIsSkipped() {
        PlacementPolicy p = new PlacementPolicy();
        PlacementPolicy.HostState h = host(1000, Set.of("img/a"), Map.of());
        List<Q> queue = List.of(new Q(0, true, cand("a", 10, Set.of())), q("b", 10, Set.of()));
        assertEquals("b-0", chosen(p.choose(h, queue, false)));
    }

    @Test
    void aSpentPullBudgetHoldsWhatNeedsAPull() {
        PlacementPolicy p = new PlacementPolicy();
        PlacementPolicy.HostState h = host(1000, Set.of("img/b"), Map.of("b", 5));
        List<Q> queue = List.of(q("a", 10, Set.of()), q("b", 10, Set.of()));
        PlacementPolicy.Choice<Q> spent = p.choose(h, queue, true);
        assertEquals("b-0", chosen(spent));
        assertTrue(spent.heldByPullBudget(), "a was held for its pull");
        PlacementPolicy.Choice<Q> none = p.choose(h, List.of(q("a", 10, Set.of())), true);
        assertNull(none.chosen());
        assertTrue(none.heldByPullBudget());
        PlacementPolicy.Choice<Q> free = p.choose(h, List.of(q("a", 10, Set.of())), false);
        assertEquals("a-0", chosen(free));
        assertFalse(free.heldByPullBudget());
    }

    @Test
    void atMostAWindowOfFeasibleCandidatesIsScored() {
        PlacementPolicy p = new PlacementPolicy();
        PlacementPolicy.HostState h = host(1000, Set.of("img/last"), Map.of());
        List<Q> queue = new ArrayList<>();
        for (int i = 0; i < PlacementPolicy.WINDOW; i++) {
            queue.add(q("a" + i, 10, Set.of()));
        }
        queue.add(q("last", 10, Set.of()));
        assertEquals("a0-0", chosen(p.choose(h, queue, false)), "the image holder is beyond the window");
        queue.remove(0);
        assertEquals("last-0", chosen(p.choose(h, queue, false)), "now it is inside");
    }

    @Test
    void atMostScanLimitCandidatesAreExamined() {
        PlacementPolicy p = new PlacementPolicy();
        PlacementPolicy.HostState h = host(1000, Set.of(), Map.of());
        List<Q> queue = new ArrayList<>();
        for (int i = 0; i < PlacementPolicy.SCAN_LIMIT; i++) {
            queue.add(q("big" + i, 10_000, Set.of()));
        }
        queue.add(q("small", 10, Set.of()));
        assertNull(chosen(p.choose(h, queue, false)), "the only fitting one is past the scan limit");
        queue.remove(0);
        assertEquals("small-0", chosen(p.choose(h, queue, false)));
    }
}
