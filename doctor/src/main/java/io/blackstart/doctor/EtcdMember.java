package io.blackstart.doctor;

import java.util.List;

/**
 * One entry of an etcd member list, as a member reported it.
 *
 * @param id         member id
 * @param name       member name ({@code --name}); empty for a member that was added but never started
 * @param peerUrls   its peer URLs
 * @param clientUrls its client URLs; empty while it has not joined
 */
public record EtcdMember(long id, String name, List<String> peerUrls, List<String> clientUrls) {

    /** Copies. */
    public EtcdMember {
        name = name == null ? "" : name;
        peerUrls = List.copyOf(peerUrls);
        clientUrls = List.copyOf(clientUrls);
    }
}
