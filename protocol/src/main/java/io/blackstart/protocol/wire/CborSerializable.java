package io.blackstart.protocol.wire;

/**
 * Marker for messages that cross the network between coordinators and agents. Bound to Pekko's
 * {@code jackson-cbor} serializer in each module's {@code reference.conf}; Java serialization is never used.
 */
public interface CborSerializable {
}
