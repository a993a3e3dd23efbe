package io.blackstart.protocol.trust;

import org.apache.pekko.serialization.Serialization;
import org.apache.pekko.serialization.Serializer;
import org.apache.pekko.serialization.Serializers;

/**
 * Messages as the bytes a MAC covers, with Pekko's own serialization (the bindings the cluster uses: CBOR for
 * {@code CborSerializable}); decoding accepts only the classes the receiver expects.
 */
public final class Payloads {
    /** A serialized message. */
    public record Payload(int serializerId, String manifest, byte[] bytes) {
    }

    private final Serialization serialization;

    public Payloads(Serialization serialization) {
        this.serialization = serialization;
    }

    public Payload encode(Object message) {
        Serializer serializer = serialization.findSerializerFor(message);
        byte[] bytes = serialization.serialize(message).get();
        return new Payload(serializer.identifier(), Serializers.manifestFor(serializer, message), bytes);
    }

    /** The message, if it decodes to an instance of {@code expected}. */
    public <T> T decode(Payload p, Class<T> expected) throws TrustException {
        Object o;
        try {
            o = serialization.deserialize(p.bytes(), p.serializerId(), p.manifest()).get();
        } catch (RuntimeException e) {
            throw new TrustException("payload does not decode: " + e.getMessage(), e);
        }
        if (!expected.isInstance(o)) {
            throw new TrustException("payload is a " + o.getClass().getSimpleName() + ", not a "
                    + expected.getSimpleName());
        }
        return expected.cast(o);
    }

    /** The bytes the MAC of a sealed message covers; {@code direction} tells commands from events. */
    public static byte[] macInput(String direction, long session, long seq, Payload p) {
        return Canonical.of("blackstart-sealed-" + direction + "-v1").number(session).number(seq)
                .number(p.serializerId()).text(p.manifest()).bytes(p.bytes()).toBytes();
    }
}
