package io.blackstart.doctor;

/**
 * Observes one etcd member. Implementations must bound every call by the deadline they were built with
 * and never throw: failures are reported as {@link CallOutcome}s.
 */
public interface EtcdMemberPort extends AutoCloseable {

    /** Asks the member on its client URL only: Status, member list, a serializable and a linearizable read. */
    EtcdClientView clientSide(String clientUrl);

    /** Asks the member on its peer URL: {@code /members} with its cluster id header, and {@code /version}. */
    EtcdPeerView peerSide(String peerUrl);

    /** Releases clients and threads; must not throw. */
    @Override
    void close();
}
