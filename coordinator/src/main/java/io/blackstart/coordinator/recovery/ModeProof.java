package io.blackstart.coordinator.recovery;

import io.blackstart.protocol.trust.Canonical;
import io.blackstart.protocol.trust.NodeIdentity;
import io.blackstart.protocol.trust.PeerCertificates;
import io.blackstart.protocol.trust.SessionKey;
import io.blackstart.protocol.trust.TrustException;
import io.blackstart.protocol.wire.CborSerializable;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Proof that an operator's mode command ({@link RecoveryManager.SetMode}) comes from a coordinator node's API or
 * JMX (where the API token is checked), not from any cluster member: signed by that coordinator's certificate key
 * over the command, a time and a nonce. The recovery manager takes a command only with a proof whose chain the
 * cluster CA issued for role {@code coordinator}, whose time is within {@code max-age} of its own clock, and whose
 * nonce it has not seen within that time.
 */
public record ModeProof(List<byte[]> chain, long issuedAtMillis, byte[] nonce, byte[] signature)
        implements CborSerializable {

    static byte[] signed(boolean recovery, boolean allowStale, long issuedAt, byte[] nonce) {
        return Canonical.of("blackstart-set-mode-v1").flag(recovery).flag(allowStale).number(issuedAt).bytes(nonce)
                .toBytes();
    }

    /** A proof for the command, by {@code identity}. */
    public static ModeProof sign(NodeIdentity identity, boolean recovery, boolean allowStale, long now) {
        byte[] nonce = SessionKey.random(16);
        return new ModeProof(identity.chainDer(), now, nonce, identity.sign(signed(recovery, allowStale, now, nonce)));
    }

    /** The recovery manager's check; remembers the nonces of the last {@code maxAge}. Single-threaded. */
    static final class Checker {
        private static final int MAX_REMEMBERED = 10_000;
        private final PeerCertificates peers;
        private final long maxAgeMillis;
        private final Map<String, Long> seen = new LinkedHashMap<>();

        Checker(PeerCertificates peers, long maxAgeMillis) {
            this.peers = peers;
            this.maxAgeMillis = maxAgeMillis;
        }

        /**
         * The coordinator that signed the command.
         *
         * @throws TrustException saying why the command is refused
         */
        String check(boolean recovery, boolean allowStale, ModeProof p, long now) throws TrustException {
            if (p == null) {
                throw new TrustException("the command carries no coordinator signature (it did not come through a"
                        + " coordinator's API or JMX)");
            }
            PeerCertificates.Peer signer = peers.verify(p.chain(), NodeIdentity.COORDINATOR);
            if (p.nonce() == null || p.nonce().length != 16 || !NodeIdentity.verify(signer.key(),
                    signed(recovery, allowStale, p.issuedAtMillis(), p.nonce()), p.signature())) {
                throw new TrustException("signature of " + signer.name() + " does not verify");
            }
            if (Math.abs(now - p.issuedAtMillis()) > maxAgeMillis) {
                throw new TrustException("signed at " + p.issuedAtMillis() + ", more than " + maxAgeMillis
                        + " ms from this coordinator's clock (" + now + ")");
            }
            for (Iterator<Long> it = seen.values().iterator(); it.hasNext(); ) {
                long at = it.next();
                if (now - at > 2 * maxAgeMillis || seen.size() > MAX_REMEMBERED) {
                    it.remove();
                } else {
                    break;
                }
            }
            if (seen.putIfAbsent(java.util.HexFormat.of().formatHex(p.nonce()), now) != null) {
                throw new TrustException("replayed (nonce seen before)");
            }
            return signer.name();
        }
    }
}
