package io.blackstart.coordinator.agents;

import io.blackstart.protocol.trust.DropLog;
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
import org.slf4j.Logger;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.LongSupplier;

/**
 * The recovery manager's end of its sessions with the agents (see this module's README, "Messages inside the
 * cluster"). With an identity (TLS on): an agent's signed {@link AgentEvent.Hello} whose certificate the cluster CA
 * issued for role {@code agent} and CN = the node id it claims opens a session (a random HMAC key, wrapped for the
 * agent's key, in a {@link AgentCommand.Grant} this coordinator signs); from then on only sealed events of that
 * session whose payload names that node are let through, and every command to the agent is sealed. Everything else
 * is dropped and logged (at most once per 10 s, with a count). Without an identity (plain tcp on loopback: tests,
 * the bench) events pass and commands go out as they are. Single-threaded (the recovery manager's); no I/O.
 */
public final class AgentChannel {
    private static final class Session {
        final String nodeId;
        final long id;
        final SessionKey key;
        final ActorRef<AgentCommand> agent;
        final ReplayWindow window = new ReplayWindow();
        long sendSeq;
        byte[] helloNonce;
        AgentCommand.Grant grant;

        Session(String nodeId, long id, SessionKey key, ActorRef<AgentCommand> agent) {
            this.nodeId = nodeId;
            this.id = id;
            this.key = key;
            this.agent = agent;
        }
    }

    private final NodeIdentity identity; // null: not authenticated
    private final Payloads payloads;
    private final ActorRef<AgentEvent> replyTo;
    private final Logger log;
    private final LongSupplier clock;
    private final long rehelloBackoffMillis;
    private final Map<String, Session> byNode = new HashMap<>();
    private final Map<ActorRef<AgentCommand>, Session> byRef = new HashMap<>();
    private final Map<ActorRef<AgentCommand>, Long> rehelloSent = new HashMap<>();
    private final DropLog drops;

    public AgentChannel(Optional<NodeIdentity> identity, Payloads payloads, ActorRef<AgentEvent> replyTo, Logger log,
                 LongSupplier clock, long rehelloBackoffMillis) {
        this.identity = identity.orElse(null);
        this.payloads = payloads;
        this.replyTo = replyTo;
        this.log = log;
        this.clock = clock;
        this.rehelloBackoffMillis = rehelloBackoffMillis;
        this.drops = new DropLog(log, clock, 10_000);
    }

    public boolean authenticated() {
        return identity != null;
    }

    /** Messages dropped since this incarnation started. */
    long drops() {
        return drops.total();
    }

    /**
     * The plain event {@code e} carries, or null when it was dropped or was a session request (answered here).
     */
    public AgentEvent receive(AgentEvent e) {
        if (identity == null) {
            if (e instanceof AgentEvent.Hello || e instanceof AgentEvent.Sealed) {
                drops.dropped("session message", "this coordinator has no TLS identity (plain tcp)");
                return null;
            }
            return e;
        }
        if (e instanceof AgentEvent.Hello h) {
            hello(h);
            return null;
        }
        if (e instanceof AgentEvent.Sealed s) {
            Session current = byNode.get(s.nodeId());
            if (current == null || current.id != s.session()) {
                // expected after a failover (the agent still seals for the previous incarnation) and after a
                // host was lost: not a warning, a new session is asked for
                log.debug("sealed event of {} from a session this manager does not have", Text.clip(s.nodeId()));
                rehello(s.agent(), "the recovery manager has no session " + s.session() + " with this agent");
                return null;
            }
            try {
                return open(s);
            } catch (TrustException x) {
                drops.dropped("sealed event", "from " + Text.clip(s.nodeId()) + ": " + x.getMessage());
                rehello(s.agent(), "the recovery manager cannot open this agent's events (" + x.getMessage() + ")");
                return null;
            }
        }
        drops.dropped("unauthenticated " + e.getClass().getSimpleName(), "not sealed in an agent session");
        return null;
    }

    private void hello(AgentEvent.Hello h) {
        try {
            PeerCertificates.Peer peer = identity.peers().verify(h.chain(), NodeIdentity.AGENT);
            if (!peer.name().equals(h.nodeId())) {
                throw new TrustException("certificate CN=" + peer.name() + " does not match node id "
                        + Text.clip(h.nodeId()));
            }
            if (h.nonce() == null || h.nonce().length != 16 || !NodeIdentity.verify(peer.key(),
                    Handshake.hello(h.nodeId(), h.nonce(), h.sentAtMillis()), h.signature())) {
                throw new TrustException("hello of " + peer.name() + " not signed by its certificate's key");
            }
            Session existing = byNode.get(peer.name());
            if (existing != null && java.util.Arrays.equals(existing.helloNonce, h.nonce())
                    && existing.agent.equals(h.agent())) {
                h.agent().tell(existing.grant); // the same Hello again (it crossed a Rehello, or the grant was lost)
                return;
            }
            byte[] secret = SessionKey.random(32);
            Session s = new Session(peer.name(), SessionKey.randomId(), new SessionKey(secret), h.agent());
            Session old = byNode.put(s.nodeId, s);
            if (old != null) {
                byRef.remove(old.agent);
            }
            byRef.put(s.agent, s);
            byte[] wrapped = NodeIdentity.wrap(peer.key(), secret);
            long issued = clock.getAsLong();
            byte[] sig = identity.sign(Handshake.grant(s.nodeId, s.id, wrapped, h.nonce(), issued));
            s.helloNonce = h.nonce().clone();
            s.grant = new AgentCommand.Grant(s.nodeId, s.id, wrapped, h.nonce(), issued, identity.chainDer(), sig,
                    replyTo);
            h.agent().tell(s.grant);
            log.info("session {} with agent {}", s.id, s.nodeId);
        } catch (TrustException x) {
            drops.dropped("hello", x.getMessage());
        }
    }

    private AgentEvent open(AgentEvent.Sealed sealed) throws TrustException {
        Session s = byNode.get(sealed.nodeId());
        if (s == null || s.id != sealed.session()) {
            throw new TrustException("no current session " + sealed.session());
        }
        Payloads.Payload p = new Payloads.Payload(sealed.serializerId(), sealed.manifest(), sealed.payload());
        if (!s.key.check(Payloads.macInput("event", sealed.session(), sealed.seq(), p), sealed.mac())) {
            throw new TrustException("wrong MAC");
        }
        if (!s.window.accept(sealed.seq())) {
            throw new TrustException("event " + sealed.seq() + " replayed");
        }
        AgentEvent inner = payloads.decode(p, AgentEvent.class);
        String claimed;
        if (inner instanceof AgentEvent.AgentReport r) {
            if (!s.agent.equals(r.agent())) {
                throw new TrustException("report names another agent actor than the session's");
            }
            claimed = r.nodeId();
        } else if (inner instanceof AgentEvent.StartOutcome o) {
            claimed = o.nodeId();
        } else if (inner instanceof AgentEvent.StopOutcome o) {
            claimed = o.nodeId();
        } else {
            throw new TrustException("sealed " + inner.getClass().getSimpleName());
        }
        if (!s.nodeId.equals(claimed)) {
            throw new TrustException("event for node " + Text.clip(claimed) + " in the session of " + s.nodeId);
        }
        return inner;
    }

    /** Sends {@code c} to the agent {@code to}, sealed in its session when authenticated. */
    public void send(ActorRef<AgentCommand> to, AgentCommand c) {
        if (identity == null) {
            to.tell(c);
            return;
        }
        Session s = byRef.get(to);
        if (s == null) {
            drops.dropped("command without session", "no session with " + to.path() + " for a "
                    + c.getClass().getSimpleName());
            rehello(to, "no session with the recovery manager");
            return;
        }
        Payloads.Payload p = payloads.encode(c);
        long seq = ++s.sendSeq;
        byte[] mac = s.key.mac(Payloads.macInput("command", s.id, seq, p));
        to.tell(new AgentCommand.Sealed(s.id, seq, p.serializerId(), p.manifest(), p.bytes(), mac));
    }

    /** True once the agent {@code to} has a session (always true when not authenticated). */
    public boolean hasSession(ActorRef<AgentCommand> to) {
        return identity == null || byRef.containsKey(to);
    }

    /** Asks {@code to} for a Hello, at most once per backoff per agent. */
    public void rehello(ActorRef<AgentCommand> to, String reason) {
        if (identity == null || to == null) {
            return;
        }
        long now = clock.getAsLong();
        Long last = rehelloSent.get(to);
        if (last == null || now - last >= rehelloBackoffMillis) {
            rehelloSent.put(to, now);
            to.tell(new AgentCommand.Rehello(reason));
        }
    }

    /** The agent {@code to} left: its session ends. */
    public void forget(ActorRef<AgentCommand> to) {
        Session s = byRef.remove(to);
        rehelloSent.remove(to);
        if (s != null && byNode.get(s.nodeId) == s) {
            byNode.remove(s.nodeId);
        }
    }

    /** Untrusted text in a log line: at most 64 characters, control characters escaped. */
    private static final class Text {
        static String clip(String s) {
            return io.blackstart.protocol.SpecError.echo(s == null ? "null" : s);
        }
    }
}
