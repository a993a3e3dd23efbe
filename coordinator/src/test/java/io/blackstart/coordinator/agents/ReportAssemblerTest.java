package io.blackstart.coordinator.agents;

import io.blackstart.protocol.wire.AgentCommand;
import io.blackstart.protocol.wire.AgentEvent;
import io.blackstart.protocol.wire.ContainerInfo;
import io.blackstart.protocol.wire.HostLoad;
import io.blackstart.testsupport.TestKitExtension;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.List;

import static io.blackstart.coordinator.TestFixtures.running;
import static io.blackstart.coordinator.TestFixtures.stopped;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

/** An agent's full reports and deltas assembled into the host's container list, across agent restarts. */
@Timeout(30)
public class ReportAssemblerTest {

    @RegisterExtension
    static final TestKitExtension kit = new TestKitExtension();
    private static ActorRef<AgentCommand> agent;
    private static ActorRef<AgentCommand> restartedAgent;

    @BeforeAll
    static void start() {
        agent = kit.get().createTestProbe(AgentCommand.class).ref();
        restartedAgent = kit.get().createTestProbe(AgentCommand.class).ref();
    }

    private static final HostLoad LOAD = new HostLoad(2, 8192, 8192, 0.0, 0.0, 0.1, 0, List.of("busybox:1"));

    private static AgentEvent.AgentReport full(ActorRef<AgentCommand> from, long seq, ContainerInfo... cs) {
        return new AgentEvent.AgentReport("h1", from, seq, List.of(cs), LOAD, 1, 0, 4, false);
    }

    private static AgentEvent.AgentReport delta(long seq, List<ContainerInfo> changed, String... gone) {
        return new AgentEvent.AgentReport("h1", agent, seq, changed, LOAD, 1, 0, 4, false, true, List.of(gone));
    }

    private static List<ContainerInfo> containers(ReportAssembler.Result r) {
        assertEquals(ReportAssembler.Verdict.APPLIED, r.verdict());
        return r.complete().containers();
    }

    @Test
    void aDeltaOnItsBaseGivesTheCompleteList() {
        ReportAssembler a = new ReportAssembler();
        assertEquals(List.of(running("web-0"), running("web-1")),
                containers(a.apply(full(agent, 1, running("web-0"), running("web-1")))));
        AgentEvent.AgentReport d = delta(2, List.of(stopped("web-1"), running("web-2")), "web-0");
        ReportAssembler.Result r = a.apply(d);
        assertEquals(List.of(stopped("web-1"), running("web-2")), containers(r));
        assertEquals(false, r.complete().delta(), "handed on as a full report");
        assertEquals(d.credits(), r.complete().credits());
    }

    @Test
    void anEmptyDeltaKeepsTheSameList() {
        ReportAssembler a = new ReportAssembler();
        List<ContainerInfo> first = containers(a.apply(full(agent, 1, running("web-0"))));
        assertSame(first, containers(a.apply(delta(2, List.of()))), "the ledger sees at once that nothing changed");
    }

    @Test
    void aDeltaAfterAGapOrFromAnotherProcessIsNotApplied() {
        ReportAssembler a = new ReportAssembler();
        assertEquals(ReportAssembler.Verdict.GAP, a.apply(delta(1, List.of(running("web-0")))).verdict(),
                "no base at all");
        a.apply(full(agent, 3, running("web-0")));
        assertEquals(ReportAssembler.Verdict.GAP, a.apply(delta(5, List.of(stopped("web-0")))).verdict());
        assertEquals(ReportAssembler.Verdict.STALE, a.apply(delta(3, List.of(stopped("web-0")))).verdict());
        assertEquals(ReportAssembler.Verdict.STALE, a.apply(full(agent, 2)).verdict(), "older full report");
        assertEquals(List.of(running("web-0")), containers(a.apply(delta(4, List.of()))));

        // the agent restarted: its seq starts again at 1, and its old deltas cannot apply to the new process
        assertEquals(List.of(), containers(a.apply(full(restartedAgent, 1))));
        assertEquals(ReportAssembler.Verdict.GAP, a.apply(delta(5, List.of(running("web-0")))).verdict());
    }

    @Test
    void aForgottenHostNeedsAFullReport() {
        ReportAssembler a = new ReportAssembler();
        a.apply(full(agent, 1, running("web-0")));
        a.forget("h1");
        assertEquals(ReportAssembler.Verdict.GAP, a.apply(delta(2, List.of())).verdict());
    }
}
