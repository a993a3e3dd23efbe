package io.blackstart.coordinator.agents;

import io.blackstart.coordinator.TestFixtures;
import io.blackstart.protocol.wire.AgentCommand;
import io.blackstart.protocol.wire.AgentEvent;
import io.blackstart.protocol.wire.ContainerInfo;
import io.blackstart.testsupport.TestKitExtension;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

import static io.blackstart.coordinator.TestFixtures.report;
import static io.blackstart.coordinator.TestFixtures.running;
import static io.blackstart.coordinator.TestFixtures.stopped;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The manager's book of agents, without authentication (plain tcp): what it keeps, asks and forgets. */
@Timeout(30)
public class AgentSessionsTest {

    private static final Duration QUIET = Duration.ofMillis(200);
    private static final long RESYNC_BACKOFF = 1_000;
    @RegisterExtension
    static final TestKitExtension kit = new TestKitExtension(TestFixtures.localConfig());

    private final AtomicLong clock = new AtomicLong(10_000);
    private final TestProbe<AgentEvent> replies = kit.get().createTestProbe(AgentEvent.class);

    private AgentSessions sessions() {
        var log = LoggerFactory.getLogger(AgentSessionsTest.class);
        return new AgentSessions(new AgentChannel(Optional.empty(), null, replies.ref(), log, clock::get, 1_000),
                replies.ref(), log, RESYNC_BACKOFF);
    }

    private static AgentEvent.AgentReport delta(String node, ActorRef<AgentCommand> agent, long seq,
                                                List<ContainerInfo> changed) {
        AgentEvent.AgentReport base = report(node, agent, seq, 0, 0, false);
        return new AgentEvent.AgentReport(node, agent, seq, changed, base.load(), 0, 0, 4, false, true, List.of());
    }

    @Test
    void aListedAgentIsAskedForAReportAndTheSettleTimeEndsWhenEveryListedOneReported() {
        AgentSessions s = sessions();
        TestProbe<AgentCommand> a = kit.get().createTestProbe(AgentCommand.class);
        TestProbe<AgentCommand> b = kit.get().createTestProbe(AgentCommand.class);
        assertFalse(s.everyListedAgentReported(), "no agent listed yet");
        AgentSessions.Listing l = s.listed(Set.of(a.ref(), b.ref()), "test");
        assertEquals(Set.of(a.ref(), b.ref()), l.added());
        assertInstanceOf(AgentCommand.RequestReport.class, a.receiveMessage());
        assertInstanceOf(AgentCommand.RequestReport.class, b.receiveMessage());
        s.listed(Set.of(a.ref(), b.ref()), "test");
        a.expectNoMessage(QUIET); // listed again: not asked again
        s.held(report("host-a", a.ref(), 1, 2, 0, false), clock.get());
        assertFalse(s.everyListedAgentReported());
        s.held(report("host-b", b.ref(), 1, 2, 0, false), clock.get());
        assertTrue(s.everyListedAgentReported());
    }

    @Test
    void aDeltaAfterAGapAsksForOneFullReportPerBackoff() {
        AgentSessions s = sessions();
        TestProbe<AgentCommand> a = kit.get().createTestProbe(AgentCommand.class);
        AgentEvent.AgentReport full = s.complete(report("host-a", a.ref(), 1, 2, 0, false, running("web-0")), clock.get());
        assertEquals(1, full.containers().size());
        assertNull(s.complete(delta("host-a", a.ref(), 3, List.of(stopped("web-0"))), clock.get()), "seq 2 is missing");
        assertInstanceOf(AgentCommand.RequestReport.class, a.receiveMessage());
        assertNull(s.complete(delta("host-a", a.ref(), 4, List.of()), clock.get() + RESYNC_BACKOFF - 1));
        a.expectNoMessage(QUIET); // within the backoff: not asked twice
        clock.addAndGet(RESYNC_BACKOFF);
        assertNull(s.complete(delta("host-a", a.ref(), 5, List.of()), clock.get()));
        assertInstanceOf(AgentCommand.RequestReport.class, a.receiveMessage());
    }

    @Test
    void aLostHostIsForgottenAndItsNextReportIsANewSession() {
        AgentSessions s = sessions();
        TestProbe<AgentCommand> a = kit.get().createTestProbe(AgentCommand.class);
        AgentEvent.AgentReport r = s.complete(report("host-a", a.ref(), 1, 2, 1, false), clock.get());
        assertNull(s.reported(r, clock.get()), "a first report");
        assertEquals(1, s.peaks("host-a")[1], "its starts in flight are the peak so far");
        clock.addAndGet(5_000);
        assertEquals(Map.of("host-a", 5_000L), s.silentLongerThan(4_999, clock.get()));
        assertTrue(s.silentLongerThan(5_000, clock.get()).isEmpty());
        assertEquals(a.ref(), s.lose("host-a").ref());
        assertNull(s.lose("host-a"), "lost once");
        assertFalse(s.send("host-a", new AgentCommand.SetRecoveryMode(true)), "no session, nothing sent");
        a.expectNoMessage(QUIET);
        // the assembler forgot it too: a report with an old sequence number is taken again
        AgentEvent.AgentReport again = s.complete(report("host-a", a.ref(), 1, 2, 0, false), clock.get());
        assertNull(s.reported(again, clock.get()), "a new session");
        assertTrue(s.send("host-a", new AgentCommand.SetRecoveryMode(true)));
        assertInstanceOf(AgentCommand.SetRecoveryMode.class, a.receiveMessage());
    }

    @Test
    void aBroadcastReachesListedAndReportingAgentsOnceAndAnAgentThatLeftIsNamedByItsHost() {
        AgentSessions s = sessions();
        TestProbe<AgentCommand> a = kit.get().createTestProbe(AgentCommand.class);
        TestProbe<AgentCommand> b = kit.get().createTestProbe(AgentCommand.class);
        s.listed(Set.of(a.ref()), "test");
        a.receiveMessage(); // the report request
        s.reported(report("host-a", a.ref(), 1, 2, 0, false), clock.get());
        s.reported(report("host-b", b.ref(), 1, 2, 0, false), clock.get()); // reporting, not listed yet
        s.broadcast(new AgentCommand.SetRecoveryMode(true));
        assertInstanceOf(AgentCommand.SetRecoveryMode.class, a.receiveMessage());
        assertInstanceOf(AgentCommand.SetRecoveryMode.class, b.receiveMessage());
        a.expectNoMessage(QUIET);
        AgentSessions.Listing l = s.listed(Set.of(b.ref()), "test");
        assertEquals(Set.of(a.ref()), l.removed());
        assertEquals(List.of("host-a"), s.hostsOf(l.removed()));
    }
}
