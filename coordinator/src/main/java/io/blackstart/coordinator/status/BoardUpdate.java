package io.blackstart.coordinator.status;

import io.blackstart.protocol.wire.CborSerializable;

/**
 * What the recovery manager sends to every coordinator node's {@link StatusBoard} replica: a {@link StatusSnapshot}
 * (the whole picture, about every status-interval) or an {@link EventBatch} (what happened since the last batch).
 * Both cross the network as jackson-cbor.
 */
public sealed interface BoardUpdate extends CborSerializable permits StatusSnapshot, EventBatch {
}
