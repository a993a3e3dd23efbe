package io.blackstart.coordinator.agents;

import io.blackstart.protocol.wire.AgentCommand;
import io.blackstart.protocol.wire.AgentEvent;
import io.blackstart.protocol.wire.ContainerDelta;
import io.blackstart.protocol.wire.ContainerInfo;
import org.apache.pekko.actor.typed.ActorRef;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Rebuilds every agent's complete report from its full and delta reports (see {@link AgentEvent.AgentReport}).
 *
 * <p>A full report of an agent process is taken when it is newer than the last one taken ({@code seq}); a delta
 * only on top of report {@code seq - 1} of the same agent process. Anything older is dropped; a delta with a gap
 * before it (a lost report, or one that took another path) cannot be applied and the agent must be asked for a
 * full report. While nothing changes (a heartbeat, or a delta of load and credits only) the complete container
 * list is the same immutable list as before, so the ledger can tell at once that nothing changed. Pure and
 * single-threaded.
 */
public final class ReportAssembler {

    /** What became of a report. */
    public enum Verdict {
        /** Taken: {@link Result#complete()} is the agent's complete report. */
        APPLIED,
        /** Older than what was taken already: dropped. */
        STALE,
        /** A delta whose base is missing: dropped; ask the agent for a full report. */
        GAP
    }

    /** The verdict, and the complete report when applied. */
    public record Result(Verdict verdict, AgentEvent.AgentReport complete) {
    }

    private static final class Host {
        ActorRef<AgentCommand> agent;
        long seq;
        final Map<String, ContainerInfo> containers = new LinkedHashMap<>();
        List<ContainerInfo> list = List.of();
    }

    private final Map<String, Host> hosts = new HashMap<>();

    public Result apply(AgentEvent.AgentReport r) {
        Host h = hosts.get(r.nodeId());
        boolean sameProcess = h != null && h.agent.equals(r.agent());
        if (!r.delta()) {
            if (sameProcess && r.seq() <= h.seq) {
                return new Result(Verdict.STALE, null);
            }
            if (h == null) {
                h = new Host();
                hosts.put(r.nodeId(), h);
            }
            h.agent = r.agent();
            h.seq = r.seq();
            h.containers.clear();
            for (ContainerInfo c : r.containers()) {
                h.containers.put(c.instanceId(), c);
            }
            h.list = r.containers();
            return new Result(Verdict.APPLIED, r);
        }
        if (!sameProcess || r.seq() > h.seq + 1) {
            return new Result(Verdict.GAP, null);
        }
        if (r.seq() <= h.seq) {
            return new Result(Verdict.STALE, null);
        }
        h.seq = r.seq();
        if (!r.containers().isEmpty() || !r.gone().isEmpty()) {
            new ContainerDelta(r.containers(), r.gone()).applyTo(h.containers);
            h.list = List.copyOf(h.containers.values());
        }
        return new Result(Verdict.APPLIED, r.asFull(h.list));
    }

    /** The host is gone: its next report must be a full one. */
    public void forget(String nodeId) {
        hosts.remove(nodeId);
    }
}
