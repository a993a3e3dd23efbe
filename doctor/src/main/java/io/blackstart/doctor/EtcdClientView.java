package io.blackstart.doctor;

import java.util.List;
import java.util.Optional;

/**
 * What one member showed on its client port, asked on its own (never through a multi-endpoint client,
 * which silently skips hung members and mixes clusters).
 *
 * @param clientUrl    the client URL asked
 * @param statusCall   outcome of the Status RPC
 * @param status       its answer, when {@code statusCall} is ok
 * @param serializable outcome of a serializable (local) read; skipped when status failed
 * @param linearizable outcome of a linearizable read (needs quorum); skipped when status failed
 * @param members      the member list as this member sees it (answered locally); empty when not answered
 * @param metricsCall  outcome of {@code GET <clientUrl>/metrics}; skipped when status failed
 * @param quotaBytes   the member's backend quota, the gauge {@code etcd_server_quota_backend_bytes} of its
 *                     {@code /metrics}; empty when not read
 */
public record EtcdClientView(String clientUrl, CallOutcome statusCall, Optional<EtcdMemberStatus> status,
                             CallOutcome serializable, CallOutcome linearizable, List<EtcdMember> members,
                             CallOutcome metricsCall, Optional<Long> quotaBytes) {

    /** Copies. */
    public EtcdClientView {
        members = List.copyOf(members);
    }

    /** A view whose {@code /metrics} was not read. */
    public EtcdClientView(String clientUrl, CallOutcome statusCall, Optional<EtcdMemberStatus> status,
                          CallOutcome serializable, CallOutcome linearizable, List<EtcdMember> members) {
        this(clientUrl, statusCall, status, serializable, linearizable, members, CallOutcome.skipped(),
                Optional.empty());
    }
}
