package io.blackstart.protocol.trust;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;

/** The 32-byte HMAC-SHA256 key of one agent session. Never logged ({@link #toString} does not show it). */
public final class SessionKey {
    private static final SecureRandom RANDOM = new SecureRandom();
    private final SecretKeySpec key;

    public SessionKey(byte[] secret) throws TrustException {
        if (secret == null || secret.length != 32) {
            throw new TrustException("a session key has 32 bytes");
        }
        this.key = new SecretKeySpec(secret.clone(), "HmacSHA256");
    }

    /** {@code n} random bytes (session keys, nonces). */
    public static byte[] random(int n) {
        byte[] b = new byte[n];
        RANDOM.nextBytes(b);
        return b;
    }

    /** A fresh random session id. */
    public static long randomId() {
        return RANDOM.nextLong() & Long.MAX_VALUE;
    }

    public byte[] encoded() {
        return key.getEncoded();
    }

    public byte[] mac(byte[] data) {
        try {
            Mac m = Mac.getInstance("HmacSHA256");
            m.init(key);
            return m.doFinal(data);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256: " + e.getMessage(), e);
        }
    }

    /** Constant-time comparison of the MAC of {@code data} with {@code mac}. */
    public boolean check(byte[] data, byte[] mac) {
        return mac != null && MessageDigest.isEqual(mac(data), mac);
    }

    @Override
    public String toString() {
        return "SessionKey[hidden]";
    }
}
