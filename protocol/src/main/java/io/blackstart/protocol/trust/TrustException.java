package io.blackstart.protocol.trust;

/** A peer's certificate, signature or sealed message was refused; the message says which check failed. */
public final class TrustException extends Exception {
    public TrustException(String message) {
        super(message);
    }

    public TrustException(String message, Throwable cause) {
        super(message, cause);
    }
}
