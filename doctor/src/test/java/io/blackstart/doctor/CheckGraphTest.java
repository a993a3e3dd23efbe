package io.blackstart.doctor;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Root causes, blocks and blocked-by, exit codes and both report forms, on hand-made checks. */
@Timeout(10)
class CheckGraphTest {

    private static final CheckGraph GRAPH = CheckGraph.builder()
            .requires("etcd quorum", "etcd member a", "etcd member b", "etcd member c")
            .requires("etcd raft index lag", "etcd quorum")
            .requires("coordinator status", "coordinator reachable")
            .capability("agents", "agents cannot start containers")
            .requires("agents", "docker engine", "coordinator reachable")
            .capability("recovery", "recovery cannot start")
            .requires("recovery", "etcd quorum", "coordinator status", "agents")
            .build();

    private static Check c(String name, Status s) {
        return Check.of(s, "g", name, name + " is " + s.json(), s == Status.OK ? "" : "fix " + name, 1);
    }

    private static List<Check> checks(Map<String, Status> statuses) {
        List<Check> out = new ArrayList<>();
        for (String n : List.of("etcd member a", "etcd member b", "etcd member c", "etcd quorum",
                "etcd raft index lag", "docker engine", "coordinator reachable", "coordinator status")) {
            out.add(c(n, statuses.getOrDefault(n, Status.OK)));
        }
        return out;
    }

    @Test
    void allOkHasNoRootCauseAndExitsZero() {
        DoctorReport r = GRAPH.assemble(checks(Map.of()));

        assertEquals(List.of(), r.rootCauses());
        assertEquals(0, r.exitCode());
        assertTrue(r.toText().endsWith("Status: ✔ all checks passed (8 checks, 0 warnings, 0 failures)\n"), r.toText());
    }

    @Test
    void warningsOnlyExitOne() {
        DoctorReport r = GRAPH.assemble(checks(Map.of("etcd member b", Status.WARN)));

        assertEquals(1, r.exitCode());
        assertEquals(List.of(), r.rootCauses());
    }

    @Test
    void failingCheckWithWarningPrerequisitesIsTheRootCauseAndBlocksItsDependents() {
        DoctorReport r = GRAPH.assemble(checks(Map.of("etcd member b", Status.WARN, "etcd member c", Status.WARN,
                "etcd quorum", Status.FAIL, "etcd raft index lag", Status.FAIL)));

        assertEquals(2, r.exitCode());
        assertEquals(List.of("etcd quorum"), r.rootCauses());
        assertEquals(List.of("etcd raft index lag", "recovery"), r.check("etcd quorum").orElseThrow().blocks());
        assertEquals(Map.of("etcd raft index lag", List.of("etcd quorum")), r.blockedBy());
        assertEquals(List.of("recovery cannot start"), r.impacts().get("etcd quorum"));
        assertTrue(r.toText().startsWith("Root causes\n-----------\n✘ etcd quorum: etcd quorum is fail\n"
                + "    recovery cannot start: etcd quorum is fail\n"
                + "    blocks: etcd raft index lag, recovery\n"
                + "    hint: fix etcd quorum\n"), r.toText());
        assertTrue(r.toText().contains("✘ etcd raft index lag: etcd raft index lag is fail\n"
                + "    blocked by: etcd quorum\n"), r.toText());
    }

    @Test
    void failingPrerequisiteHidesTheDownstreamFailure() {
        DoctorReport r = GRAPH.assemble(checks(Map.of("etcd member a", Status.FAIL, "etcd quorum", Status.FAIL)));

        assertEquals(List.of("etcd member a"), r.rootCauses());
        assertEquals(List.of("etcd member a"), r.blockedBy().get("etcd quorum"));
        // the raft lag check passes here, so it is not blocked
        assertEquals(List.of("etcd quorum", "recovery"), r.check("etcd member a").orElseThrow().blocks());
    }

    @Test
    void aDependentThatPassesIsNotBlocked() {
        DoctorReport r = GRAPH.assemble(checks(Map.of("etcd member a", Status.FAIL)));

        assertEquals(List.of("etcd member a"), r.rootCauses());
        assertEquals(List.of(), r.check("etcd member a").orElseThrow().blocks());
    }

    @Test
    void checksThatDidNotRunAreBlockedAlongWithCapabilities() {
        List<Check> list = new ArrayList<>(checks(Map.of("coordinator reachable", Status.FAIL)));
        list.removeIf(x -> x.name().equals("coordinator status"));

        DoctorReport r = GRAPH.assemble(list);

        assertEquals(List.of("coordinator reachable"), r.rootCauses());
        assertEquals(List.of("coordinator status", "agents", "recovery"),
                r.check("coordinator reachable").orElseThrow().blocks());
        assertEquals(List.of("agents cannot start containers", "recovery cannot start"),
                r.impacts().get("coordinator reachable"));
    }

    @Test
    void jsonHasExactlyTheContractedShape() throws Exception {
        DoctorReport r = GRAPH.assemble(checks(Map.of("etcd quorum", Status.FAIL)));

        JsonNode json = new ObjectMapper().readTree(r.toJson());

        assertEquals(List.of("checks", "rootCauses"), names(json));
        JsonNode quorum = json.get("checks").get(3);
        assertEquals(List.of("group", "name", "status", "finding", "hint", "blocks", "durationMillis", "blockedBy"),
                names(quorum));
        assertEquals("etcd quorum", quorum.get("name").asText());
        assertEquals("fail", quorum.get("status").asText());
        assertEquals("recovery", quorum.get("blocks").get(0).asText());
        assertEquals("ok", json.get("checks").get(0).get("status").asText());
        assertEquals("", json.get("checks").get(0).get("hint").asText());
        assertEquals("etcd quorum", json.get("rootCauses").get(0).asText());
    }

    @Test
    void duplicateNamesAndCyclesAreRejected() {
        assertThrows(IllegalArgumentException.class,
                () -> GRAPH.assemble(List.of(c("x", Status.OK), c("x", Status.FAIL))));
        assertThrows(IllegalArgumentException.class,
                () -> CheckGraph.builder().requires("a", "b").requires("b", "a").build());
    }

    @Test
    void findingsAreOneLine() {
        Check multi = Check.fail("g", "n", "first line\n\tat some.Stack(Trace.java:1)", "hint\nmore", 0);

        assertEquals("first line", multi.finding());
        assertEquals("hint", multi.hint());
    }

    private static List<String> names(JsonNode node) {
        List<String> out = new ArrayList<>();
        node.fieldNames().forEachRemaining(out::add);
        return out;
    }
}
