package io.blackstart.cli;

import io.blackstart.testsupport.FreePorts;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The command line as an operator meets it: help, usage errors (exit 2), failures (exit 1), local commands. */
@Timeout(60)
class BlackstartCliTest {

    record Run(int exit, String out, String err) {
    }

    static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Blackstart.execute(new PrintWriter(out, true), new PrintWriter(err, true), args);
        return new Run(code, out.toString(), err.toString());
    }

    @Test
    void helpListsEveryCommand() {
        Run r = run("--help");
        assertEquals(0, r.exit());
        for (String c : List.of("coordinator", "agent", "status", "nodes", "apps", "report", "recovery", "doctor", "drill", "catalog")) {
            assertTrue(r.out().contains("  " + c + " "), c + " missing from:\n" + r.out());
        }
    }

    @Test
    void badArgumentsPrintUsageAndExitTwo() {
        Run unknown = run("reboot-everything");
        assertEquals(2, unknown.exit());
        assertTrue(unknown.err().contains("Unmatched argument"), unknown.err());
        Run none = run();
        assertEquals(2, none.exit());
        assertTrue(none.err().contains("missing command"), none.err());
        Run state = run("apps", "--state", "sleeping");
        assertEquals(2, state.exit());
        assertTrue(state.err().contains("--state 'sleeping' is not one of"), state.err());
        Run hosts = run("drill", "--hosts", "many");
        assertEquals(2, hosts.exit());
        assertTrue(hosts.err().contains("--hosts"), hosts.err());
        Run policy = run("drill", "--policy", "fastest");
        assertEquals(2, policy.exit());
        assertTrue(policy.err().contains("unknown policy 'fastest'"), policy.err());
        for (String window : List.of("5", "10,5", "-5,10")) {
            Run outage = run("drill", "--etcd-outage", window);
            assertEquals(2, outage.exit(), window);
            assertTrue(outage.err().contains("--etcd-outage"), outage.err());
        }
        Run scenario = run("drill", "--scenario", "blackout");
        assertEquals(2, scenario.exit());
        assertTrue(scenario.err().contains("--scenario: unknown scenario 'blackout'"), scenario.err());
        Run action = run("recovery", "pause");
        assertEquals(2, action.exit());
        assertEquals(2, run("status", "--api", "ftp://x").exit());
    }

    @Test
    void aCoordinatorThatDoesNotAnswerIsOneClearLineAndExitOne() throws IOException {
        int port = FreePorts.one(); // nobody listens there
        Run r = run("status", "--api", "http://127.0.0.1:" + port, "--timeout", "2");
        assertEquals(1, r.exit());
        assertEquals("blackstart: no coordinator answers at http://127.0.0.1:" + port
                + "/ (connection refused); is it running? (--api or BLACKSTART_API)", r.err().strip());
    }

    @Test
    void recoveryWithoutATokenRefusesBeforeCallingAnything() {
        Run r = run("recovery", "start", "--api", "http://127.0.0.1:9", "--token", "");
        assertEquals(1, r.exit());
        assertTrue(r.err().contains("needs the API token"), r.err());
    }

    @Test
    void catalogValidateNamesEachRejectedSpecAndExitsOne(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("a.json"), "[{\"id\":\"db\",\"image\":\"busybox\",\"tier\":\"database\"},"
                + "{\"id\":\"web\",\"image\":\"busybox\",\"instances\":3,\"dependsOn\":[\"db\"]}]");
        Files.writeString(dir.resolve("b.json"), "{\"id\":\"broken\",\"image\":\"busybox\",\"instances\":\"two\"}");
        Files.writeString(dir.resolve("notes.txt"), "not a spec");
        Run r = run("catalog", "validate", dir.toString());
        assertEquals(1, r.exit(), r.out() + r.err());
        assertTrue(r.out().startsWith("2 valid app(s), 4 instance(s); 1 rejected"), r.out());
        assertTrue(r.out().contains("rejected: " + dir.resolve("b.json") + ": instances: expected an integer, got a string"), r.out());

        Files.delete(dir.resolve("b.json"));
        assertEquals(0, run("catalog", "validate", dir.toString()).exit());
        assertEquals(2, run("catalog", "validate", dir.resolve("missing.json").toString()).exit());
    }

    @Test
    void drillScenarioSetsThePlatformAndFlagsOverrideIt() throws IOException {
        Run r = run("drill", "--scenario", "incident", "--hosts", "12", "--apps", "50", "--policy", "blackstart",
                "--json");
        assertEquals(0, r.exit(), r.err());
        JsonNode n = ApiClient.JSON.readTree(r.out());
        assertEquals("incident", n.path("scenario").asText(), r.out());
        assertEquals(12, n.path("hosts").asInt(), "--hosts overrides the preset's 500");
        Run help = run("drill", "--help");
        assertTrue(help.out().replaceAll("\\s+", " ").contains(
                io.blackstart.drill.Scenario.names()), "the help lists every scenario: " + help.out());
    }

    @Test
    void drillJsonHasTheDocumentedFields() throws IOException {
        Run r = run("drill", "--hosts", "20", "--apps", "60", "--seed", "7", "--json");
        assertEquals(0, r.exit(), r.err());
        JsonNode n = ApiClient.JSON.readTree(r.out());
        assertEquals(7, n.path("seed").asInt());
        assertEquals(20, n.path("hosts").asInt());
        assertTrue(n.path("lowerBoundSeconds").asDouble() > 0, r.out());
        for (String p : List.of("blackstart", "stale-snapshot", "kubernetes", "nomad", "random", "p2c",
                "allocation-spread")) {
            JsonNode o = n.path("policies").path(p);
            for (String f : List.of("makespanSeconds", "timeouts", "retries", "duplicates", "peakInflightPerCredit",
                    "meanDowntimeSeconds", "p95DowntimeSeconds", "platformUpSeconds")) {
                assertTrue(o.has(f), p + " lacks " + f + ": " + o);
            }
            assertTrue(o.path("complete").asBoolean(), p + ": " + o);
            assertTrue(o.path("makespanSeconds").asDouble() >= n.path("lowerBoundSeconds").asDouble(), p);
        }
        assertEquals(0, n.path("policies").path("blackstart").path("duplicates").asInt());
    }
}
