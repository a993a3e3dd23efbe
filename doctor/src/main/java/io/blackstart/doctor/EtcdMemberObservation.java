package io.blackstart.doctor;

import java.util.Objects;
import java.util.Optional;

/**
 * Everything observed about one configured member: its client side and, when a peer URL is known, its
 * peer side.
 *
 * @param clientUrl the configured client URL
 * @param client    what the client port showed
 * @param peer      what the peer port showed ({@link EtcdPeerView#notProbed()} when no peer URL is known)
 */
public record EtcdMemberObservation(String clientUrl, EtcdClientView client, EtcdPeerView peer) {

    /** Validates. */
    public EtcdMemberObservation {
        Objects.requireNonNull(clientUrl, "clientUrl");
        Objects.requireNonNull(client, "client");
        Objects.requireNonNull(peer, "peer");
    }

    /** The cluster id the member reports: from Status when it answered, else from the peer header. */
    public Optional<Long> clusterId() {
        return client.status().map(EtcdMemberStatus::clusterId).filter(id -> id != 0).or(peer::clusterId);
    }

    /** True when the member answered the Status RPC. */
    public boolean serving() {
        return client.status().isPresent();
    }
}
