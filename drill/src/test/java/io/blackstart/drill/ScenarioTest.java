package io.blackstart.drill;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The {@code --scenario} presets: what each sets, that they are deterministic, and what they show. */
@Timeout(180)
class ScenarioTest {

    private static DrillOptions small(Scenario s, long seed) {
        return DrillOptions.of(s).withSeed(seed).withHosts(24).withApps(180);
    }

    @ParameterizedTest
    @EnumSource(Scenario.class)
    void eachPresetSetsItsPlatformAndExplicitFlagsOverrideIt(Scenario s) {
        DrillOptions o = DrillOptions.of(s);
        assertEquals(s.hosts(), o.hosts());
        assertEquals(s.apps(), o.apps());
        assertEquals(s.returnWindowSeconds(), o.returnWindowSeconds());
        assertEquals(s.lostHostsFraction(), o.lostHostsFraction());
        DrillMainTest.Run r = DrillMainTest.run("--scenario", s.wireName(), "--hosts", "12", "--apps", "60",
                "--return-window", "30", "--policy", "blackstart", "--json");
        assertEquals(0, r.status(), r.err());
        JsonNode j = readJson(r.out());
        assertEquals(12, j.get("hosts").asInt(), "--hosts overrides the preset's");
        if (s == Scenario.DEFAULT) {
            assertFalse(j.has("scenario"), "the default document has no scenario field");
        } else {
            assertEquals(s.wireName(), j.get("scenario").asText());
        }
    }

    @Test
    void theIncidentBringsEveryHostBackWithinMinutesWithItsImages() {
        World w = WorldGenerator.generate(DrillOptions.of(Scenario.INCIDENT).withHosts(60).withApps(400),
                Scenario.INCIDENT.hostModel());
        assertTrue(Arrays.stream(w.returnAt).allMatch(t -> t <= 120), "every host back within 2 min");
        for (int h = 0; h < w.hosts(); h++) {
            assertFalse(w.gcRan[h], "no host ran image GC");
        }
        assertEquals(2.5 * 60, w.model.registryMBps(60), 1e-9, "one registry shared by the fleet");
    }

    @Test
    void deepDepsChainsCustomerAppsTwelveLong() {
        World w = WorldGenerator.generate(DrillOptions.of(Scenario.DEEP_DEPS).withHosts(20).withApps(200),
                Scenario.DEEP_DEPS.hostModel());
        int longest = 0;
        int[] depth = new int[w.apps.length];
        for (int a = 0; a < w.apps.length; a++) { // dependencies have smaller indexes (ids sort so)
            for (int d : w.dependsOn[a]) {
                if (w.apps[d].id().startsWith("app-")) {
                    depth[a] = Math.max(depth[a], depth[d] + 1);
                }
            }
            longest = Math.max(longest, depth[a]);
        }
        assertEquals(11, longest, "12 apps in a chain: 11 app-to-app links");
    }

    @Test
    void bigImagesAreBig() {
        World w = WorldGenerator.generate(DrillOptions.of(Scenario.BIG_IMAGES).withHosts(20).withApps(200),
                Scenario.BIG_IMAGES.hostModel());
        double median = Arrays.stream(w.imageMb).sorted().toArray()[w.imageMb.length / 2];
        assertTrue(median > 700 && median < 2_000, "median image " + median + " MB");
        assertTrue(Arrays.stream(w.imageMb).allMatch(mb -> mb >= 300 && mb <= 4_000));
    }

    @Test
    void slowBootIsCompleteForBlackstartAndIncompleteForABaselineWithFixedTimeouts() {
        DrillMainTest.Run r = DrillMainTest.run("--scenario", "slow-boot", "--hosts", "16", "--apps", "120",
                "--policy", "blackstart", "--json");
        assertEquals(0, r.status(), r.err());
        JsonNode b = readJson(r.out()).get("policies").get("blackstart");
        assertTrue(b.get("complete").asBoolean(), "its timeouts grew past the slow boots");
        assertEquals(b.get("instances").asInt(), b.get("instancesUp").asInt());
        assertTrue(b.get("timeouts").asInt() > 0, "it had timeouts: the growth is what completed it");
        DrillMainTest.Run rr = DrillMainTest.run("--scenario", "slow-boot", "--hosts", "16", "--apps", "120",
                "--policy", "random", "--json");
        assertEquals(0, rr.status(), rr.err());
        JsonNode random = readJson(rr.out()).get("policies").get("random");
        assertFalse(random.get("complete").asBoolean(), "some boots outlast its fixed start timeout");
        assertTrue(random.get("makespanSeconds").isNull(), "no give-up time as a makespan");
        assertTrue(random.get("instancesUp").asInt() < random.get("instances").asInt());
        assertTrue(random.get("instancesUp").asInt() > 0, "the apps that boot in time are up");
    }

    @Test
    void anUnknownScenarioIsAUsageErrorNamingTheFlag() {
        DrillMainTest.Run r = DrillMainTest.run("--scenario", "blackout");
        assertEquals(2, r.status());
        assertTrue(r.err().contains("--scenario: unknown scenario 'blackout'"), r.err());
        assertTrue(r.err().contains(Scenario.names()), r.err());
    }

    @Property(tries = 14)
    void samePresetAndSeedSameResultAndNoPolicyBeatsTheBound(@ForAll @IntRange(min = 0, max = 5) int preset,
                                                             @ForAll @IntRange(min = 1, max = 1_000) int seed) {
        Scenario s = Scenario.values()[preset];
        DrillOptions o = small(s, seed);
        DrillResult first = Drill.run(o, ProgressListener.NONE);
        assertEquals(first.toJson(), Drill.run(o, ProgressListener.NONE).toJson(), "deterministic");
        for (PolicyOutcome p : first.policies().values()) {
            if (s != Scenario.SLOW_BOOT || p.policy().equals("blackstart")) {
                assertTrue(p.complete(), s + " seed " + seed + ": " + p.policy() + " incomplete");
            }
            if (p.complete()) {
                assertTrue(p.makespanSeconds() >= first.boundFor(p.policy()) - 1e-6,
                        s + " seed " + seed + ": " + p.policy() + " " + p.makespanSeconds() + " beats "
                                + first.lowerBound());
            }
            assertEquals(0, p.duplicates(), s + " seed " + seed + ": " + p.policy());
        }
    }

    private static JsonNode readJson(String s) {
        try {
            return new ObjectMapper().readTree(s);
        } catch (Exception e) {
            throw new AssertionError("not JSON: " + s, e);
        }
    }
}
