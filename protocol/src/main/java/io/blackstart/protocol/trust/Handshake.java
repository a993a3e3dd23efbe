package io.blackstart.protocol.trust;

/**
 * What the two signatures of a session's opening cover: the agent's Hello (its node id, a fresh nonce, its send
 * time), and the coordinator's Grant (node id, session id, the wrapped key and the Hello's nonce, so a grant
 * answers one Hello of one agent process only).
 */
public final class Handshake {
    private Handshake() {
    }

    public static byte[] hello(String nodeId, byte[] nonce, long sentAtMillis) {
        return Canonical.of("blackstart-hello-v1").text(nodeId).bytes(nonce).number(sentAtMillis).toBytes();
    }

    public static byte[] grant(String nodeId, long session, byte[] wrappedKey, byte[] nonce, long issuedAtMillis) {
        return Canonical.of("blackstart-grant-v1").text(nodeId).number(session).bytes(wrappedKey).bytes(nonce)
                .number(issuedAtMillis).toBytes();
    }
}
