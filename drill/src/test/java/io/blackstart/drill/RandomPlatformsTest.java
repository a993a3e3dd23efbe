package io.blackstart.drill;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Timeout;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Properties over random small platforms: no policy beats the lower bound, every policy finishes, and Blackstart
 * never exceeds a host's credits or memory and never starts an instance twice (from the simulation's trace).
 */
@Timeout(120)
class RandomPlatformsTest {

    @Property(tries = 40)
    void lowerBoundHoldsAndBlackstartIsSafe(@ForAll long seed, @ForAll @IntRange(min = 1, max = 12) int hosts,
                                             @ForAll @IntRange(min = 1, max = 60) int apps,
                                             @ForAll @DoubleRange(min = 0, max = 600) double window,
                                             @ForAll @DoubleRange(min = 0, max = 0.3) double lost) {
        DrillOptions o = DrillOptions.defaults().withSeed(seed).withHosts(hosts).withApps(apps)
                .withReturnWindowSeconds(window).withLostHostsFraction(lost);
        World w = WorldGenerator.generate(o, HostModel.defaults());
        Set<Integer> up = new HashSet<>();
        DrillResult r = Drill.run(w, o, null, (policy, e) -> {
            if (!policy.equals("blackstart")) {
                return;
            }
            assertTrue(e.inFlight() <= w.knee[e.host()], "over credit: " + e);
            assertTrue(e.memoryUsed() <= w.memoryMb[e.host()], "over memory: " + e);
            assertTrue(e.kind() != TraceEvent.Kind.MEMORY_FAILED, "overcommitted: " + e);
            if (e.kind() == TraceEvent.Kind.UP) {
                assertEquals(1, e.running(), "duplicate: " + e);
                assertTrue(up.add(e.instance()), "started twice: " + e);
            }
        });
        for (PolicyOutcome p : r.policies().values()) {
            assertTrue(p.complete(), p.policy() + " did not finish");
            assertTrue(p.makespanSeconds() >= r.boundFor(p.policy()) - 1e-6,
                    p.policy() + " " + p.makespanSeconds() + " beats " + r.lowerBound());
        }
        PolicyOutcome b = r.policies().get("blackstart");
        assertEquals(0, b.duplicates());
        assertEquals(0, b.timeouts());
        assertEquals(w.instances(), up.size());
        assertTrue(List.copyOf(r.policies().keySet()).equals(Drill.POLICIES));
    }
}
