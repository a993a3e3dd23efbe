package io.blackstart.coordinator.api;

import org.apache.pekko.http.javadsl.model.sse.ServerSentEvent;

import java.util.List;
import java.util.function.Supplier;

/**
 * One client's guard on the {@code hosts} events of {@code GET /api/v1/events}: a change applies to the version
 * the client has ({@code base}), so the gate passes a change only when the client has its base; a change the client
 * is past is dropped, and after a gap (its buffer dropped a change, or it attached between a picture and its
 * change) the client gets the node's whole current picture instead. Single-threaded (one client's stream stage).
 */
final class HostsGate {

    /** A change of the node's host picture: from {@code base} to {@code version}. */
    record Item(long base, long version, ServerSentEvent sse) implements EventStream.StreamItem {
    }

    private final Supplier<HostsPicture> current;
    private long version = -1;

    /** @param current the node's latest picture; it is made before its change is offered to the clients */
    HostsGate(Supplier<HostsPicture> current) {
        this.current = current;
    }

    /** Whether the client has had a picture. */
    boolean started() {
        return version >= 0;
    }

    /** The whole picture now, as the client's first hosts event. */
    ServerSentEvent first() {
        return full(current.get());
    }

    List<ServerSentEvent> pass(Item item) {
        if (item.base() == version) {
            version = item.version();
            return List.of(item.sse());
        }
        if (item.version() <= version) {
            return List.of(); // included in the picture the client has
        }
        return List.of(full(current.get()));
    }

    private ServerSentEvent full(HostsPicture p) {
        version = p.version();
        return event(p.full().toString());
    }

    static ServerSentEvent event(String data) {
        return ServerSentEvent.create(data, "hosts");
    }
}
