package io.blackstart.coordinator.agents;

import io.blackstart.protocol.wire.AgentCommand;
import io.blackstart.protocol.wire.AgentEvent;
import io.blackstart.protocol.wire.ContainerInfo;
import io.blackstart.scheduler.HostReport;
import io.blackstart.scheduler.Ledger;
import org.apache.pekko.actor.typed.ActorRef;
import org.slf4j.Logger;

import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The recovery manager's book of the agents it talks to: which agents the receptionist lists, the session of each
 * host that reported (its command ref, its latest complete report, when it came), the reassembly of delta reports
 * ({@link ReportAssembler}; after a gap the agent is asked for a full report, at most every
 * {@code resyncBackoffMillis}), the image sets ({@link HostImages}), the per-host peaks the status shows, and the
 * {@link AgentChannel} every event comes in and every command goes out through. Agents in, reports out: it decides
 * nothing about placement or mode. Single-threaded (the recovery manager's); no I/O but sending.
 */
public final class AgentSessions {

    /** A host that reported: the ref its commands go to, its latest complete report and when it came. */
    public record Session(ActorRef<AgentCommand> ref, AgentEvent.AgentReport report, long lastSeenMillis) {
    }

    /** How a receptionist listing changed the listed agents. */
    public record Listing(Set<ActorRef<AgentCommand>> added, Set<ActorRef<AgentCommand>> removed) {
    }

    private final AgentChannel channel;
    private final ActorRef<AgentEvent> replyAddress;
    private final Logger log;
    private final long resyncBackoffMillis;
    private final Map<String, Session> byNode = new LinkedHashMap<>();
    private final Set<ActorRef<AgentCommand>> listed = new HashSet<>();
    private final Set<ActorRef<AgentCommand>> reportedRefs = new HashSet<>();
    private final ReportAssembler assembler = new ReportAssembler();
    private final HostImages images = new HostImages();
    /** When a full report was last asked of each agent whose delta could not be applied. */
    private final Map<String, Long> fullRequested = new HashMap<>();
    private final Map<String, int[]> peaks = new HashMap<>(); // node -> {outstanding, starts in flight}

    /**
     * @param channel             the authenticated (or plain) channel to the agents
     * @param replyAddress        where agents send the answers to what is sent here
     * @param resyncBackoffMillis least time between two full-report requests to one agent
     */
    public AgentSessions(AgentChannel channel, ActorRef<AgentEvent> replyAddress, Logger log,
                         long resyncBackoffMillis) {
        this.channel = channel;
        this.replyAddress = replyAddress;
        this.log = log;
        this.resyncBackoffMillis = resyncBackoffMillis;
    }

    /** The event as the channel lets it through (opened, checked), or null if it is dropped. */
    public AgentEvent receive(AgentEvent raw) {
        return channel.receive(raw);
    }

    /**
     * The agent's complete report, rebuilt from a full or delta report; null if this one cannot be used (older than
     * one taken, or a delta after a gap: then the agent is asked for a full report, at most every resync backoff).
     */
    public AgentEvent.AgentReport complete(AgentEvent.AgentReport r, long now) {
        ReportAssembler.Result result = assembler.apply(r);
        switch (result.verdict()) {
            case APPLIED -> {
                if (!r.delta()) {
                    fullRequested.remove(r.nodeId());
                }
                return result.complete();
            }
            case GAP -> {
                Long asked = fullRequested.get(r.nodeId());
                if (asked == null || now - asked >= resyncBackoffMillis) {
                    log.debug("report {} of {} follows a gap: asking for a full report", r.seq(), r.nodeId());
                    fullRequested.put(r.nodeId(), now);
                    channel.send(r.agent(), new AgentCommand.RequestReport(replyAddress));
                }
                return null;
            }
            default -> {
                return null;
            }
        }
    }

    /** Holds a complete report taken while rebuilding; returns the host's previous session, or null. */
    public Session held(AgentEvent.AgentReport r, long now) {
        reportedRefs.add(r.agent());
        return byNode.put(r.nodeId(), new Session(r.agent(), r, now));
    }

    /** Takes a complete report while running (its starts in flight count towards the peak); as {@link #held}. */
    public Session reported(AgentEvent.AgentReport r, long now) {
        int[] p = peaks.computeIfAbsent(r.nodeId(), n -> new int[2]);
        p[1] = Math.max(p[1], r.startsInFlight());
        return held(r, now);
    }

    /** What the ledger is told of a report: {@code containers} as the manager reads them, the images as a set. */
    public HostReport hostReport(AgentEvent.AgentReport r, List<ContainerInfo> containers) {
        return new HostReport(r.nodeId(), r.credits(), r.startsInFlight(), r.load().memoryAvailableMb(),
                images.of(r.nodeId(), r.load().images()), containers);
    }

    /**
     * The agents the receptionist lists now: each new one is asked to open a session ({@code why} is logged by the
     * agent) or, without authentication, for a full report.
     */
    public Listing listed(Set<ActorRef<AgentCommand>> now, String why) {
        Set<ActorRef<AgentCommand>> added = new HashSet<>();
        for (ActorRef<AgentCommand> ref : now) {
            if (listed.add(ref)) {
                added.add(ref);
                if (channel.authenticated()) {
                    // a new incarnation has no sessions: the agent opens one, then sends a full report
                    channel.rehello(ref, why);
                } else {
                    ref.tell(new AgentCommand.RequestReport(replyAddress));
                }
            }
        }
        Set<ActorRef<AgentCommand>> removed = new HashSet<>(listed);
        removed.removeAll(now);
        listed.retainAll(now);
        return new Listing(Set.copyOf(added), Set.copyOf(removed));
    }

    /** Forgets the channel sessions of agents that left the receptionist. */
    public void left(Set<ActorRef<AgentCommand>> refs) {
        refs.forEach(channel::forget);
    }

    /** The hosts whose session is with one of {@code refs}, in report order. */
    public List<String> hostsOf(Set<ActorRef<AgentCommand>> refs) {
        return byNode.entrySet().stream().filter(e -> refs.contains(e.getValue().ref())).map(Map.Entry::getKey).toList();
    }

    /** Early end of the settle time: agents are known and each of them reported. */
    public boolean everyListedAgentReported() {
        return !listed.isEmpty() && reportedRefs.containsAll(listed);
    }

    /** The hosts silent for longer than {@code timeoutMillis}, with how long, in report order. */
    public Map<String, Long> silentLongerThan(long timeoutMillis, long now) {
        Map<String, Long> out = new LinkedHashMap<>();
        byNode.forEach((node, s) -> {
            if (now - s.lastSeenMillis() > timeoutMillis) {
                out.put(node, now - s.lastSeenMillis());
            }
        });
        return out;
    }

    /** Ends the host's session and forgets everything of it; its session, or null if it had none. */
    public Session lose(String nodeId) {
        Session s = byNode.remove(nodeId);
        if (s == null) {
            return null;
        }
        reportedRefs.remove(s.ref());
        channel.forget(s.ref());
        images.forget(nodeId);
        assembler.forget(nodeId);
        fullRequested.remove(nodeId);
        return s;
    }

    /** The host's session, or null. */
    public Session get(String nodeId) {
        return byNode.get(nodeId);
    }

    /** Every host's session, in the order they first reported. */
    public Collection<Session> all() {
        return byNode.values();
    }

    /** How many hosts have a session. */
    public int size() {
        return byNode.size();
    }

    /** Sends {@code command} to the host's agent; false if the host has no session. */
    public boolean send(String nodeId, AgentCommand command) {
        Session s = byNode.get(nodeId);
        if (s == null) {
            return false;
        }
        channel.send(s.ref(), command);
        return true;
    }

    /** Sends {@code command} to one agent (through the channel: sealed when authenticated). */
    public void send(ActorRef<AgentCommand> agent, AgentCommand command) {
        channel.send(agent, command);
    }

    /** True if commands can go to {@code agent} (it opened a session, or there is no authentication). */
    public boolean hasSession(ActorRef<AgentCommand> agent) {
        return channel.hasSession(agent);
    }

    /** Sends {@code command} to every agent listed or reporting that has a channel session. */
    public void broadcast(AgentCommand command) {
        Set<ActorRef<AgentCommand>> all = new HashSet<>(listed);
        byNode.values().forEach(s -> all.add(s.ref()));
        all.stream().filter(channel::hasSession).forEach(ref -> channel.send(ref, command));
    }

    /** Notes the hosts' outstanding assignments after a plan that assigned something. */
    public void notePlanned(Collection<Ledger.HostView> hosts) {
        for (Ledger.HostView h : hosts) {
            int[] p = peaks.computeIfAbsent(h.nodeId(), n -> new int[2]);
            p[0] = Math.max(p[0], h.outstanding());
        }
    }

    /** The host's peaks so far: {outstanding assignments, starts in flight}. */
    public int[] peaks(String nodeId) {
        return peaks.getOrDefault(nodeId, new int[2]).clone();
    }
}
