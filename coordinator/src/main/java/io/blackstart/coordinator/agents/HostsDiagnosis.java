package io.blackstart.coordinator.agents;

import io.blackstart.common.ClockSkew;
import io.blackstart.protocol.wire.EngineDiagnosis;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The answers of the agents to one fan-out of {@code DiagnoseHost} ({@link HostDiagnosisQuery}), as
 * {@code GET /api/v1/hosts/diagnosis} shows them.
 *
 * @param startedMillis  coordinator wall clock (epoch ms) when the requests were sent
 * @param deadlineMillis the longest the coordinator waited for answers
 * @param durationMillis how long it waited
 * @param asked          agents asked (registered in the cluster)
 * @param hosts          one entry per agent asked and per expected node id that had no agent to ask; sorted by
 *                       node id (agents of unknown node id last, by address)
 */
public record HostsDiagnosis(long startedMillis, long deadlineMillis, long durationMillis, int asked,
                             List<Host> hosts) {

    public HostsDiagnosis {
        hosts = List.copyOf(hosts);
    }

    /** How many hosts answered. */
    public long answered() {
        return hosts.stream().filter(Host::answered).count();
    }

    /**
     * One host.
     *
     * @param nodeId   the node id ("" when an agent that did not answer could not be named)
     * @param address  the agent's actor system address ("" for an expected node id that had no agent to ask)
     * @param answered true when its agent answered within the deadline
     * @param detail   why there is no answer (empty when answered)
     * @param clock    the agent's clock against the coordinator's, when answered
     * @param docker   what the agent found of its Docker engine, when answered
     */
    public record Host(String nodeId, String address, boolean answered, String detail,
                       Optional<ClockSkew.Offset> clock, Optional<EngineDiagnosis> docker) {
        public Host {
            Objects.requireNonNull(nodeId, "nodeId");
            Objects.requireNonNull(address, "address");
            detail = detail == null ? "" : detail;
        }

        static Host silent(String nodeId, String address, String detail) {
            return new Host(nodeId, address, false, detail, Optional.empty(), Optional.empty());
        }
    }
}
