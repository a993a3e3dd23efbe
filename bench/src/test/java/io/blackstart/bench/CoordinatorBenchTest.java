package io.blackstart.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The benchmark at a tiny scale: behaviour only (every instance started exactly once, never beyond an agent's
 * credits, every assignment recorded), never its speed.
 */
@Timeout(240)
class CoordinatorBenchTest {

    private static CoordinatorBench.RunResult run(boolean remote, String... args) throws Exception {
        BenchOptions o = BenchCommand.parse(args);
        return CoordinatorBench.run(o, CatalogGenerator.generate(o.instances(), o.apps(), o.seed()), remote, false,
                System.out);
    }

    private static void assertExactlyOnceWithinCredits(CoordinatorBench.RunResult r, int instances, int credits) {
        assertEquals(List.of(), r.problems());
        assertEquals(instances, r.fleet().placed(), "instances confirmed");
        assertEquals(instances, r.fleet().starts(), "starts sent: one per instance");
        assertEquals(0, r.fleet().duplicates(), "instances started twice");
        assertEquals(0, r.fleet().creditViolations(), "starts beyond an agent's credits");
        assertEquals(0, r.fleet().stops(), "stops");
        assertEquals(instances, r.running(), "running in the recovery manager");
        assertEquals(0, r.retries(), "retried instances");
        assertTrue(r.peakOutstanding() <= credits, "peak outstanding " + r.peakOutstanding() + " > " + credits);
    }

    @Test
    void everyInstanceStartsExactlyOnceAndNoAgentGetsMoreStartsThanItsCredits() throws Exception {
        CoordinatorBench.RunResult r = run(false, "--agents", "5", "--instances", "200", "--apps", "20",
                "--credits", "4", "--report-interval-ms", "0");
        assertExactlyOnceWithinCredits(r, 200, 4);
    }

    @Test
    void agentsThatTakeTimeToStartAndCoalesceReportsStillNeverExceedTheirCredits() throws Exception {
        // starts stay in flight for 5 ms, so an agent that received more than it granted would notice
        CoordinatorBench.RunResult r = run(false, "--agents", "5", "--instances", "200", "--apps", "20",
                "--credits", "2", "--confirm-delay-ms", "5", "--report-interval-ms", "50");
        assertExactlyOnceWithinCredits(r, 200, 2);
    }

    @Test
    void agentsInASecondJvmOverArteryStartEveryInstanceExactlyOnce() throws Exception {
        CoordinatorBench.RunResult r = run(true, "--agents", "5", "--instances", "100", "--apps", "10",
                "--credits", "3");
        assertEquals("remote", r.variant());
        assertExactlyOnceWithinCredits(r, 100, 3);
    }

    @Test
    void jsonOutputHasEveryRunAndTheMedian() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = BenchMain.run(new String[]{"--agents", "3", "--instances", "30", "--runs", "1", "--warmups", "1",
                "--json"}, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        assertEquals(0, code, err.toString(StandardCharsets.UTF_8));
        JsonNode json = new ObjectMapper().readTree(out.toString(StandardCharsets.UTF_8));
        assertEquals(3, json.get("agents").asInt());
        assertEquals(30, json.get("instances").asInt());
        assertEquals(2, json.get("runs").size());
        assertTrue(json.get("runs").get(0).get("warmup").asBoolean());
        assertEquals(30, json.get("runs").get(1).get("fleet").get("placed").asInt());
        assertTrue(json.get("medianPlacementsPerSecond").get("inJvm").isNumber());
        assertTrue(json.get("medianPlacementsPerSecond").get("remote").isNull());
    }

    @Test
    void badArgumentsPrintTheUsageAndExitWith2() {
        for (String[] args : List.of(new String[]{"--agents"}, new String[]{"--agents", "x"},
                new String[]{"--bogus"}, new String[]{"--runs", "0"}, new String[]{"--instances", "5", "--apps", "9"})) {
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            int code = BenchMain.run(args, new PrintStream(new ByteArrayOutputStream()),
                    new PrintStream(err, true, StandardCharsets.UTF_8));
            assertEquals(2, code, String.join(" ", args));
            assertTrue(err.toString(StandardCharsets.UTF_8).contains("Usage: bench"), String.join(" ", args));
        }
    }
}
