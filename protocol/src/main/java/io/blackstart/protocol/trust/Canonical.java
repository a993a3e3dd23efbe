package io.blackstart.protocol.trust;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * The exact bytes a signature or MAC covers: a purpose label first (so a signature made for one message type is
 * never valid for another), then each field length-prefixed, so no two field lists encode alike.
 */
public final class Canonical {
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream(128);
    private final DataOutputStream out = new DataOutputStream(bytes);

    private Canonical(String purpose) {
        text(purpose);
    }

    /** Starts the bytes of a message of the given purpose (e.g. {@code blackstart-grant-v1}). */
    public static Canonical of(String purpose) {
        return new Canonical(purpose);
    }

    public Canonical text(String s) {
        return bytes(s == null ? new byte[0] : s.getBytes(StandardCharsets.UTF_8));
    }

    public Canonical bytes(byte[] b) {
        try {
            out.writeInt(b.length);
            out.write(b);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return this;
    }

    public Canonical number(long n) {
        try {
            out.writeLong(n);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return this;
    }

    public Canonical flag(boolean b) {
        return number(b ? 1 : 0);
    }

    public byte[] toBytes() {
        return bytes.toByteArray();
    }
}
