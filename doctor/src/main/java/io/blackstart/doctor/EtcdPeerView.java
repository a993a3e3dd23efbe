package io.blackstart.doctor;

import java.util.List;
import java.util.Optional;

/**
 * What one member showed on its peer port ({@code GET /members}, {@code GET /version}). The peer port
 * answers even when the member serves no clients (booting without quorum, or never joined), so it tells
 * "running" from "down" and carries the cluster id in the {@code X-Etcd-Cluster-Id} header.
 *
 * @param peerUrl        the peer URL asked
 * @param call           outcome of {@code GET /members}
 * @param clusterId      the {@code X-Etcd-Cluster-Id} header
 * @param clusterVersion {@code etcdcluster} of {@code /version}; {@code not_decided} = never joined a cluster
 * @param members        the member list in the body
 */
public record EtcdPeerView(String peerUrl, CallOutcome call, Optional<Long> clusterId,
                           Optional<String> clusterVersion, List<EtcdMember> members) {

    /** Copies. */
    public EtcdPeerView {
        members = List.copyOf(members);
    }

    /** A peer port that was not probed (no peer URL known). */
    public static EtcdPeerView notProbed() {
        return new EtcdPeerView("", CallOutcome.skipped(), Optional.empty(), Optional.empty(), List.of());
    }
}
