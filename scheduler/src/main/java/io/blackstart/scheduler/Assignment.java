package io.blackstart.scheduler;

import io.blackstart.protocol.wire.ContainerSpec;

/**
 * A decision of the ledger: start {@code instanceId} on {@code nodeId}. The caller records it (etcd
 * compare-and-set) and reports back with {@link Ledger#assignmentRecorded} or {@link Ledger#assignmentConflict}
 * before sending the start.
 *
 * @param instanceId  the instance
 * @param appId       its app
 * @param nodeId      the chosen host
 * @param attempt     1 for the first attempt
 * @param container   what to start
 * @param explanation which rules chose this host/instance, e.g. {@code "tier=platform prio=10 restart-in-place"}
 */
public record Assignment(String instanceId, String appId, String nodeId, int attempt, ContainerSpec container,
                         String explanation) {
}
