package io.blackstart.doctor;

import java.util.List;

/**
 * What a member's Status RPC reported.
 *
 * @param clusterId        cluster id of the response header
 * @param memberId         the member's own id
 * @param leader           the leader it follows; 0 = no leader
 * @param raftIndex        raft index
 * @param raftAppliedIndex raft applied index
 * @param dbSize           backend size in bytes
 * @param dbSizeInUse      bytes in use in the backend
 * @param errors           e.g. {@code etcdserver: no leader}, {@code memberID:... alarm:NOSPACE}
 * @param version          server version
 */
public record EtcdMemberStatus(long clusterId, long memberId, long leader, long raftIndex, long raftAppliedIndex,
                               long dbSize, long dbSizeInUse, List<String> errors, String version) {

    /** Copies. */
    public EtcdMemberStatus {
        errors = List.copyOf(errors);
        version = version == null ? "" : version;
    }
}
