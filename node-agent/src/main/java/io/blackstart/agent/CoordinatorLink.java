package io.blackstart.agent;

import io.blackstart.protocol.trust.Handshake;
import io.blackstart.protocol.trust.NodeIdentity;
import io.blackstart.protocol.trust.Payloads;
import io.blackstart.protocol.trust.PeerCertificates;
import io.blackstart.protocol.trust.ReplayWindow;
import io.blackstart.protocol.trust.SessionKey;
import io.blackstart.protocol.trust.TrustException;
import io.blackstart.protocol.wire.AgentCommand;
import io.blackstart.protocol.wire.AgentEvent;
import org.apache.pekko.actor.typed.ActorRef;

/**
 * The agent's end of its session with the recovery manager (TLS on; see the coordinator's README, "Messages inside
 * the cluster"). It makes signed {@link AgentEvent.Hello}s, takes the {@link AgentCommand.Grant} that answers the
 * latest one (checked: a coordinator certificate of the cluster CA signed it, for this node and this nonce), opens
 * sealed commands of the current session (MAC, no replay) and seals this agent's events. Single-threaded (the node
 * agent's); no Pekko behaviour, no I/O.
 */
final class CoordinatorLink {
    private record Session(long id, SessionKey key, ReplayWindow window, ActorRef<AgentEvent> replyTo) {
    }

    private final NodeIdentity identity;
    private final Payloads payloads;
    private byte[] nonce = SessionKey.random(16);
    private Session session;
    private long sendSeq;

    CoordinatorLink(NodeIdentity identity, Payloads payloads) {
        this.identity = identity;
        this.payloads = payloads;
    }

    /** A Hello for the current nonce (the same until a grant takes it, so a late grant still matches). */
    AgentEvent.Hello hello(ActorRef<AgentCommand> agent, long nowMillis) {
        byte[] signature = identity.sign(Handshake.hello(identity.name(), nonce, nowMillis));
        return new AgentEvent.Hello(identity.name(), agent, identity.chainDer(), nonce.clone(), nowMillis, signature);
    }

    /** A fresh nonce: the next Hello asks for a new session (the current one stays until it is granted). */
    void renew() {
        nonce = SessionKey.random(16);
    }

    boolean hasSession() {
        return session != null;
    }

    /** Where sealed outcomes go: the reply address of the manager that granted the session. */
    ActorRef<AgentEvent> replyTo() {
        return session.replyTo();
    }

    /**
     * Takes {@code g} as the current session.
     *
     * @return false if it is the current session's grant again (a repeated Hello was answered twice)
     * @throws TrustException saying why it is refused
     */
    boolean accept(AgentCommand.Grant g) throws TrustException {
        if (session != null && g.session() == session.id() && !java.util.Arrays.equals(nonce, g.nonce())) {
            return false;
        }
        if (!identity.name().equals(g.nodeId())) {
            throw new TrustException("grant for node " + g.nodeId());
        }
        if (!java.util.Arrays.equals(nonce, g.nonce())) {
            throw new TrustException("grant does not answer this agent's latest hello");
        }
        PeerCertificates.Peer coordinator = identity.peers().verify(g.chain(), NodeIdentity.COORDINATOR);
        if (!NodeIdentity.verify(coordinator.key(),
                Handshake.grant(g.nodeId(), g.session(), g.wrappedKey(), g.nonce(), g.issuedAtMillis()),
                g.signature())) {
            throw new TrustException("grant signature of " + coordinator.name() + " does not verify");
        }
        SessionKey key = new SessionKey(identity.unwrap(g.wrappedKey()));
        session = new Session(g.session(), key, new ReplayWindow(), g.replyTo());
        sendSeq = 0;
        nonce = SessionKey.random(16); // this one is used up
        return true;
    }

    /**
     * The command a sealed one carries.
     *
     * @throws TrustException if it is not of the current session, replayed or its MAC does not match
     */
    AgentCommand open(AgentCommand.Sealed s) throws TrustException {
        if (session == null || s.session() != session.id()) {
            throw new TrustException("sealed command of session " + s.session() + ", not the current one");
        }
        Payloads.Payload p = new Payloads.Payload(s.serializerId(), s.manifest(), s.payload());
        if (!session.key().check(Payloads.macInput("command", s.session(), s.seq(), p), s.mac())) {
            throw new TrustException("sealed command with a wrong MAC");
        }
        if (!session.window().accept(s.seq())) {
            throw new TrustException("sealed command " + s.seq() + " replayed");
        }
        AgentCommand c = payloads.decode(p, AgentCommand.class);
        if (c instanceof AgentCommand.Sealed || c instanceof AgentCommand.Grant) {
            throw new TrustException("sealed " + c.getClass().getSimpleName());
        }
        return c;
    }

    /** {@code event} sealed in the current session (there must be one). */
    AgentEvent.Sealed seal(AgentEvent event, ActorRef<AgentCommand> agent) {
        Payloads.Payload p = payloads.encode(event);
        long seq = ++sendSeq;
        byte[] mac = session.key().mac(Payloads.macInput("event", session.id(), seq, p));
        return new AgentEvent.Sealed(identity.name(), agent, session.id(), seq, p.serializerId(), p.manifest(),
                p.bytes(), mac);
    }
}
