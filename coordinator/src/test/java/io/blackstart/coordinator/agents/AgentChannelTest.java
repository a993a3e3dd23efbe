package io.blackstart.coordinator.agents;

import io.blackstart.coordinator.TestFixtures;
import io.blackstart.coordinator.TestPki;

import io.blackstart.protocol.trust.Handshake;
import io.blackstart.protocol.trust.NodeIdentity;
import io.blackstart.protocol.trust.Payloads;
import io.blackstart.protocol.trust.SessionKey;
import io.blackstart.protocol.wire.AgentCommand;
import io.blackstart.protocol.wire.AgentEvent;
import io.blackstart.protocol.wire.StartResult;
import io.blackstart.testsupport.TestKitExtension;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.serialization.SerializationExtension;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.Optional;

import static io.blackstart.coordinator.TestFixtures.report;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The recovery manager's end of the agent sessions, with identities made by {@code pki.sh}: what it lets through,
 * what it seals, and every refusal counted.
 */
@Timeout(120)
public class AgentChannelTest {
    @RegisterExtension
    static final TestKitExtension kit = new TestKitExtension(TestFixtures.localConfig());
    private static NodeIdentity coordinator;
    private static NodeIdentity agent;
    private static NodeIdentity otherAgent;
    private static Payloads payloads;

    @BeforeAll
    static void start() throws Exception {
        TestPki pki = new TestPki();
        coordinator = pki.node("coordinator-1", "coordinator");
        agent = pki.node("host-1", "agent");
        otherAgent = pki.node("host-2", "agent");
        payloads = new Payloads(SerializationExtension.get(Adapter.toClassic(kit.get().system())));
    }

    private record Opened(AgentChannel channel, TestProbe<AgentCommand> probe, AgentCommand.Grant grant,
                          SessionKey key) {
    }

    private static AgentChannel channel(Optional<NodeIdentity> id) {
        return new AgentChannel(id, payloads, kit.get().createTestProbe(AgentEvent.class).ref(),
                LoggerFactory.getLogger(AgentChannelTest.class), System::currentTimeMillis, 1_000);
    }

    private static AgentEvent.Hello hello(NodeIdentity signer, String nodeId, TestProbe<AgentCommand> probe) {
        byte[] nonce = SessionKey.random(16);
        return new AgentEvent.Hello(nodeId, probe.ref(), signer.chainDer(), nonce, 1, signer.sign(
                Handshake.hello(nodeId, nonce, 1)));
    }

    private static Opened open() throws Exception {
        AgentChannel c = channel(Optional.of(coordinator));
        TestProbe<AgentCommand> probe = kit.get().createTestProbe(AgentCommand.class);
        AgentEvent.Hello h = hello(agent, "host-1", probe);
        assertNull(c.receive(h), "a hello is answered, not passed on");
        AgentCommand.Grant g = probe.expectMessageClass(AgentCommand.Grant.class, Duration.ofSeconds(5));
        return new Opened(c, probe, g, new SessionKey(agent.unwrap(g.wrappedKey())));
    }

    private static AgentEvent.Sealed seal(Opened o, String clearNode, long seq, AgentEvent inner) {
        Payloads.Payload p = payloads.encode(inner);
        return new AgentEvent.Sealed(clearNode, o.probe().ref(), o.grant().session(), seq, p.serializerId(),
                p.manifest(), p.bytes(), o.key().mac(Payloads.macInput("event", o.grant().session(), seq, p)));
    }

    @Test
    void aSignedHelloOfAnAgentCertificateOpensASessionTheAgentCanCheck() throws Exception {
        Opened o = open();
        AgentCommand.Grant g = o.grant();
        assertEquals("host-1", g.nodeId());
        var signer = agent.peers().verify(g.chain(), NodeIdentity.COORDINATOR);
        assertEquals("coordinator-1", signer.name());
        assertTrue(NodeIdentity.verify(signer.key(), Handshake.grant(g.nodeId(), g.session(), g.wrappedKey(),
                g.nonce(), g.issuedAtMillis()), g.signature()));
        assertTrue(o.channel().hasSession(o.probe().ref()));
    }

    @Test
    void theSameHelloAgainGetsTheSameGrantAndANewHelloANewSession() throws Exception {
        AgentChannel c = channel(Optional.of(coordinator));
        TestProbe<AgentCommand> probe = kit.get().createTestProbe(AgentCommand.class);
        AgentEvent.Hello h = hello(agent, "host-1", probe);
        c.receive(h);
        AgentCommand.Grant first = probe.expectMessageClass(AgentCommand.Grant.class, Duration.ofSeconds(5));
        c.receive(h); // crossed a Rehello: one session, not two
        assertEquals(first.session(), probe.expectMessageClass(AgentCommand.Grant.class, Duration.ofSeconds(5)).session());
        c.receive(hello(agent, "host-1", probe));
        AgentCommand.Grant second = probe.expectMessageClass(AgentCommand.Grant.class, Duration.ofSeconds(5));
        assertTrue(second.session() != first.session(), "a new nonce: a new session");
        assertEquals(0, c.drops());
    }

    @Test
    void helloForAnotherNodeOrUnsignedOrByACoordinatorIsRefused() {
        AgentChannel c = channel(Optional.of(coordinator));
        TestProbe<AgentCommand> probe = kit.get().createTestProbe(AgentCommand.class);
        c.receive(hello(otherAgent, "host-1", probe));   // CN=host-2 claims host-1
        AgentEvent.Hello h = hello(agent, "host-1", probe);
        c.receive(new AgentEvent.Hello("host-1", probe.ref(), h.chain(), h.nonce(), 1, otherAgent.sign(new byte[]{1})));
        c.receive(hello(coordinator, "coordinator-1", probe)); // not an agent certificate
        assertEquals(3, c.drops());
        assertTrue(!c.hasSession(probe.ref()));
    }

    @Test
    void sealedEventsOfTheSessionPassOnceAndOnlyForItsNode() throws Exception {
        Opened o = open();
        AgentEvent.AgentReport r = report("host-1", o.probe().ref(), 1, 2, 0, false);
        AgentEvent got = o.channel().receive(seal(o, "host-1", 1, r));
        assertEquals(r, got);
        assertNull(o.channel().receive(seal(o, "host-1", 1, r)), "replayed");
        assertNull(o.channel().receive(seal(o, "host-1", 2, report("host-2", o.probe().ref(), 1, 2, 0, false))),
                "a report for another node inside host-1's session");
        assertNull(o.channel().receive(seal(o, "host-1", 3, report("host-1",
                kit.get().createTestProbe(AgentCommand.class).ref(), 1, 2, 0, false))), "another agent actor");
        AgentEvent.Sealed tampered = seal(o, "host-1", 4, r);
        tampered.payload()[tampered.payload().length - 1] ^= 1;
        assertNull(o.channel().receive(tampered), "payload changed after sealing");
        assertNull(o.channel().receive(r), "a plain report");
        assertEquals(5, o.channel().drops());
        AgentEvent.StartOutcome outcome = new AgentEvent.StartOutcome("host-1", "web-0", 7, 1, StartResult.STARTED,
                "c1", null, 10);
        assertEquals(outcome, o.channel().receive(seal(o, "host-1", 6, outcome)), "outcomes too");
    }

    @Test
    void commandsGoOutSealedAndOnlyToAgentsWithASession() throws Exception {
        Opened o = open();
        AgentCommand.SetRecoveryMode mode = new AgentCommand.SetRecoveryMode(true);
        o.channel().send(o.probe().ref(), mode);
        AgentCommand.Sealed s = o.probe().expectMessageClass(AgentCommand.Sealed.class, Duration.ofSeconds(5));
        Payloads.Payload p = new Payloads.Payload(s.serializerId(), s.manifest(), s.payload());
        assertTrue(o.key().check(Payloads.macInput("command", s.session(), s.seq(), p), s.mac()));
        assertEquals(mode, payloads.decode(p, AgentCommand.class));
        TestProbe<AgentCommand> stranger = kit.get().createTestProbe(AgentCommand.class);
        o.channel().send(stranger.ref(), mode);
        assertEquals("no session with the recovery manager",
                stranger.expectMessageClass(AgentCommand.Rehello.class, Duration.ofSeconds(5)).reason());
    }

    @Test
    void withoutAnIdentityEverythingPassesAsIs() {
        AgentChannel c = channel(Optional.empty());
        TestProbe<AgentCommand> probe = kit.get().createTestProbe(AgentCommand.class);
        AgentEvent.AgentReport r = report("host-1", probe.ref(), 1, 2, 0, false);
        assertSame(r, c.receive(r));
        AgentCommand.SetRecoveryMode mode = new AgentCommand.SetRecoveryMode(false);
        c.send(probe.ref(), mode);
        assertEquals(mode, probe.expectMessageClass(AgentCommand.SetRecoveryMode.class, Duration.ofSeconds(5)));
    }
}
