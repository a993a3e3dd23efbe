package io.blackstart.coordinator.cluster;

import io.blackstart.coordinator.CoordinatorNode;

import io.blackstart.protocol.trust.Canonical;
import io.blackstart.protocol.trust.NodeIdentity;
import io.blackstart.protocol.trust.PeerCertificates;
import io.blackstart.protocol.trust.SessionKey;
import io.blackstart.protocol.trust.TrustException;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Which cluster members that declare the {@code coordinator} role have proved it with a coordinator certificate of
 * the cluster CA (roles are self-declared config: without this, a member with an agent's certificate could declare
 * the role and host the recovery manager singleton once it is the oldest). A member has {@code timeout} from when
 * it is seen up to answer a challenge (a fresh nonce, re-sent every tick until it answers) with a signature over
 * its own address and the nonce; one that answers wrongly, or not in time while reachable, is to be downed.
 * Unreachable members get more time (downing them is the split brain resolver's job). Pure: time comes in.
 */
public final class RoleVetting {
    static final String PURPOSE = "blackstart-member-v1";

    /** What to do now. */
    record Actions(List<String> challenge, List<String> down, List<String> vetted) {
    }

    private static final class Pending {
        final long deadline;
        final byte[] nonce = SessionKey.random(16);

        Pending(long deadline) {
            this.deadline = deadline;
        }
    }

    private final String self;
    private final PeerCertificates peers;
    private final long timeoutMillis;
    private final Map<String, Pending> pending = new HashMap<>();
    private final Set<String> vetted = new HashSet<>();
    private final Set<String> unreachable = new HashSet<>();
    private final Map<String, String> reasons = new HashMap<>();

    RoleVetting(String selfAddress, PeerCertificates peers, long timeoutMillis) {
        this.self = selfAddress;
        this.peers = peers;
        this.timeoutMillis = timeoutMillis;
    }

    /** The bytes a member signs to prove its role. */
    static byte[] signed(String address, byte[] nonce) {
        return Canonical.of(PURPOSE).text(address).bytes(nonce).toBytes();
    }

    /** A member is up with {@code roles}. */
    void up(String address, Set<String> roles, long now) {
        if (address.equals(self) || !roles.contains(CoordinatorNode.ROLE) || vetted.contains(address)) {
            return;
        }
        pending.putIfAbsent(address, new Pending(now + timeoutMillis));
    }

    void removed(String address) {
        pending.remove(address);
        vetted.remove(address);
        unreachable.remove(address);
        reasons.remove(address);
    }

    void reachable(String address, boolean isReachable) {
        if (isReachable) {
            unreachable.remove(address);
        } else {
            unreachable.add(address);
        }
    }

    /** The nonce to challenge {@code address} with, or null if it is not waiting for one. */
    byte[] nonce(String address) {
        Pending p = pending.get(address);
        return p == null ? null : p.nonce.clone();
    }

    /** An answer: true if it proves the role (the member is vetted); false if refused (the member is to go). */
    boolean proof(String address, byte[] nonce, List<byte[]> chain, byte[] signature) {
        Pending p = pending.get(address);
        if (p == null) {
            return vetted.contains(address);
        }
        try {
            if (!Arrays.equals(p.nonce, nonce)) {
                throw new TrustException("answer to another challenge");
            }
            PeerCertificates.Peer peer = peers.verify(chain, NodeIdentity.COORDINATOR);
            if (!NodeIdentity.verify(peer.key(), signed(address, nonce), signature)) {
                throw new TrustException("signature of " + peer.name() + " does not verify");
            }
            pending.remove(address);
            vetted.add(address);
            reasons.put(address, "coordinator certificate CN=" + peer.name());
            return true;
        } catch (TrustException e) {
            reasons.put(address, e.getMessage());
            return false;
        }
    }

    /** Why {@code address} was vetted or refused (null if neither yet). */
    String reason(String address) {
        return reasons.get(address);
    }

    /** Members to challenge (every one still pending) and those whose time is up while reachable. */
    Actions tick(long now) {
        List<String> challenge = new ArrayList<>();
        List<String> down = new ArrayList<>();
        for (Map.Entry<String, Pending> e : new ArrayList<>(pending.entrySet())) {
            String address = e.getKey();
            if (now >= e.getValue().deadline) {
                if (unreachable.contains(address)) {
                    pending.put(address, new Pending(now + timeoutMillis));
                    challenge.add(address);
                } else {
                    reasons.putIfAbsent(address, "no proof within " + timeoutMillis + " ms");
                    pending.remove(address);
                    down.add(address);
                }
            } else {
                challenge.add(address);
            }
        }
        return new Actions(challenge, down, List.copyOf(vetted));
    }
}
