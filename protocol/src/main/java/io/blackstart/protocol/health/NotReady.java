package io.blackstart.protocol.health;

/** Why a node is not ready (or not alive); its message is what {@code /ready} answers with 503. No stack trace. */
public final class NotReady extends RuntimeException {

    public NotReady(String reason) {
        super(reason, null, false, false);
    }
}
