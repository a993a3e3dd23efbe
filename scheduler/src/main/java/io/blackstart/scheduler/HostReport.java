package io.blackstart.scheduler;

import io.blackstart.protocol.wire.ContainerInfo;

import java.util.List;
import java.util.Set;

/**
 * What the ledger knows of a host from its latest agent report.
 *
 * @param nodeId            the agent's node id
 * @param credits           starts the agent can take now beyond those in flight (its own view)
 * @param startsInFlight    starts the agent is executing
 * @param memoryAvailableMb memory available for new containers, MiB: the host's memory minus that of its running
 *                          containers, not counting the starts in flight (the ledger subtracts the memory of the
 *                          starts it has outstanding on the host; an agent sends a fresh report with each outcome)
 * @param images            images present on the host
 * @param containers        every managed container of the host
 */
public record HostReport(String nodeId, int credits, int startsInFlight, long memoryAvailableMb, Set<String> images,
                         List<ContainerInfo> containers) {
    public HostReport {
        images = Set.copyOf(images);
        containers = List.copyOf(containers);
    }
}
