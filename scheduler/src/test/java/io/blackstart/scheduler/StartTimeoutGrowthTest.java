package io.blackstart.scheduler;

import io.blackstart.protocol.Tier;
import io.blackstart.protocol.wire.StartResult;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;

import static io.blackstart.scheduler.Fixtures.app;
import static io.blackstart.scheduler.Fixtures.catalog;
import static io.blackstart.scheduler.Fixtures.host;
import static io.blackstart.scheduler.Fixtures.planAndRecord;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A start that times out makes later attempts' start timeouts longer ({@link LedgerSettings#maxStartTimeoutFactor()}):
 * doubled from the timed-out attempt's, fleet-wide, once per wave, up to the cap; carried in the assignment's
 * container spec (what the agent enforces) and in the ledger's own outcome deadline.
 */
@Timeout(30)
class StartTimeoutGrowthTest {

    private static final Set<String> IMAGES = Set.of("registry.local/a:1", "registry.local/b:1");

    private static Ledger ledger(int maxFactor) {
        LedgerSettings d = LedgerSettings.defaults();
        // no backoff and no host penalty, so that each retry is planned at once on the one host
        return new Ledger(new LedgerSettings(10, 0, 0, d.outcomeGraceMillis(), 1_000, 1, 1, d.maxPullsInFlight(),
                d.pullTimeoutMillis(), maxFactor), new SplittableRandom(1));
    }

    private static Ledger withHost(int maxFactor, int credits) {
        Ledger l = ledger(maxFactor);
        l.setCatalog(catalog(app("a", Tier.APP, 0, 3, 100), app("b", Tier.APP, 0, 1, 100)), 0);
        l.hostReported(host("h1", credits, 100_000, IMAGES, List.of()), 0);
        return l;
    }

    /** The agent's report: {@code credits} free, {@code inFlight} starts it has not answered. */
    private static void report(Ledger l, int credits, int inFlight, long now) {
        l.hostReported(new HostReport("h1", credits, inFlight, 100_000, IMAGES, List.of()), now);
    }

    private static int timeout(Assignment a) {
        return a.container().startTimeoutSeconds();
    }

    @Test
    void defaultsGrowUpToEightTimes() {
        assertEquals(8, LedgerSettings.defaults().maxStartTimeoutFactor());
        assertEquals(8, new LedgerSettings(5, 1, 1, 1, 1, 1, 1).maxStartTimeoutFactor());
        assertEquals(2, LedgerSettings.defaults().withMaxStartTimeoutFactor(2).maxStartTimeoutFactor());
        assertThrows(IllegalArgumentException.class, () -> LedgerSettings.defaults().withMaxStartTimeoutFactor(0));
    }

    @Test
    void aTimedOutStartDoublesTheTimeoutOfEveryLaterAttempt() {
        Ledger l = withHost(8, 1);
        Assignment first = planAndRecord(l, 0).get(0);
        assertEquals(60, timeout(first), "the spec's timeout until a start times out");
        l.startOutcome("h1", first.instanceId(), first.attempt(), StartResult.TIMED_OUT, null, 60_000);
        l.hostReported(host("h1", 2, 100_000, IMAGES, List.of()), 60_000);
        List<Assignment> next = planAndRecord(l, 60_000);
        assertEquals(2, next.size());
        for (Assignment a : next) {
            assertEquals(120, timeout(a), a.instanceId() + ": the retry and other apps' starts alike");
        }
    }

    @Test
    void theLedgersOwnDeadlineFollowsTheLongerTimeout() {
        Ledger l = withHost(8, 1);
        Assignment first = planAndRecord(l, 0).get(0);
        l.tick(70_000); // 60 s + 10 s grace, no outcome: timed out by the ledger itself
        assertEquals(InstanceState.PENDING, l.instance(first.instanceId()).state());
        l.hostReported(host("h1", 1, 100_000, IMAGES, List.of()), 70_000);
        Assignment retry = planAndRecord(l, 70_000).get(0);
        assertEquals(120, timeout(retry));
        l.tick(70_000 + 130_000 - 1);
        assertEquals(InstanceState.STARTING, l.instance(retry.instanceId()).state(), "120 s + 10 s grace not over");
        l.tick(70_000 + 130_000);
        assertEquals(InstanceState.PENDING, l.instance(retry.instanceId()).state());
        assertTrue(l.instance(retry.instanceId()).failure().contains("120 s"), l.instance(retry.instanceId()).failure());
    }

    @Test
    void aWaveOfStartsTimingOutTogetherDoublesItOnce() {
        Ledger l = withHost(8, 3);
        List<Assignment> wave = planAndRecord(l, 0);
        assertEquals(3, wave.size());
        for (Assignment a : wave) {
            l.startOutcome("h1", a.instanceId(), a.attempt(), StartResult.TIMED_OUT, null, 60_000);
        }
        l.hostReported(host("h1", 1, 100_000, IMAGES, List.of()), 60_000);
        assertEquals(120, timeout(planAndRecord(l, 60_000).get(0)), "three timeouts at 60 s: 120 s, not 480 s");
    }

    @Test
    void aLateTimeoutOfAnOlderAttemptDoesNotGrowItAgain() {
        Ledger l = withHost(8, 2);
        List<Assignment> two = planAndRecord(l, 0);
        l.startOutcome("h1", two.get(0).instanceId(), two.get(0).attempt(), StartResult.TIMED_OUT, null, 60_000);
        report(l, 1, 1, 60_000);
        Assignment at120 = planAndRecord(l, 60_000).get(0);
        assertEquals(120, timeout(at120));
        // the second start of the first wave (sent at 60 s) times out only now: no new evidence
        l.startOutcome("h1", two.get(1).instanceId(), two.get(1).attempt(), StartResult.TIMED_OUT, null, 61_000);
        report(l, 1, 1, 61_000);
        assertEquals(120, timeout(planAndRecord(l, 61_000).get(0)));
        // the one sent with 120 s times out: 240 s
        l.startOutcome("h1", at120.instanceId(), at120.attempt(), StartResult.TIMED_OUT, null, 180_000);
        report(l, 1, 1, 180_000);
        assertEquals(240, timeout(planAndRecord(l, 180_000).get(0)));
    }

    @Test
    void otherFailuresDoNotGrowIt() {
        Ledger l = withHost(8, 1);
        Assignment first = planAndRecord(l, 0).get(0);
        l.startOutcome("h1", first.instanceId(), first.attempt(), StartResult.FAILED, "engine error", 1_000);
        l.hostReported(host("h1", 1, 100_000, IMAGES, List.of()), 1_000);
        assertEquals(60, timeout(planAndRecord(l, 1_000).get(0)));
    }

    @Test
    void factorOneNeverGrowsIt() {
        Ledger l = withHost(1, 1);
        long now = 0;
        for (int i = 0; i < 4; i++) {
            Assignment a = planAndRecord(l, now).get(0);
            assertEquals(60, timeout(a));
            now += 60_000;
            l.startOutcome("h1", a.instanceId(), a.attempt(), StartResult.TIMED_OUT, null, now);
            l.hostReported(host("h1", 1, 100_000, IMAGES, List.of()), now);
        }
    }

    /**
     * Whatever starts time out, and in whatever order their outcomes come: every assignment's timeout is the spec's
     * times a power of two or the cap, within the cap, never shorter than an earlier assignment's, and it grows only on a
     * timeout of an attempt sent with the timeout then current.
     */
    @Property(tries = 200)
    void timeoutsArePowersOfTwoWithinTheCapAndNeverShrink(@ForAll @IntRange(min = 1, max = 16) int maxFactor,
                                                        @ForAll @Size(max = 40) List<@IntRange(min = 0, max = 3) Integer> outcomes) {
        Ledger l = withHost(maxFactor, 4);
        long now = 0;
        int current = 60;
        java.util.ArrayDeque<Assignment> inFlight = new java.util.ArrayDeque<>(planAndRecord(l, now));
        for (Assignment a : inFlight) {
            assertEquals(60, timeout(a));
        }
        for (int o : outcomes) {
            if (inFlight.isEmpty()) {
                break;
            }
            now += 1_000;
            // outcomes 0: started, 1: failed, 2 and 3: timed out (the oldest or the newest in flight)
            Assignment a = o == 3 ? inFlight.pollLast() : inFlight.pollFirst();
            StartResult r = o == 0 ? StartResult.STARTED : o == 1 ? StartResult.FAILED : StartResult.TIMED_OUT;
            l.startOutcome("h1", a.instanceId(), a.attempt(), r, null, now);
            if (r == StartResult.TIMED_OUT && timeout(a) >= current) {
                current = Math.min(60 * maxFactor, 2 * timeout(a));
            }
            report(l, 4 - inFlight.size(), inFlight.size(), now);
            for (Assignment next : planAndRecord(l, now)) {
                int t = timeout(next);
                int f = t / 60;
                assertEquals(60 * f, t);
                assertTrue((f & (f - 1)) == 0 || f == maxFactor, "a power of two, or the cap: " + f);
                assertTrue(f <= maxFactor, "within the cap");
                assertEquals(current, t, "the timeout grows exactly on new evidence, and never shrinks");
                inFlight.addLast(next);
            }
        }
    }
}
