package io.blackstart.coordinator.api;

import org.apache.pekko.http.javadsl.model.sse.ServerSentEvent;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The last {@code capacity} log events this node passed to its event stream, so that a client whose live stream
 * attached a moment after its first progress gets the events made in between instead of a {@code resync}.
 * Written by the board replica's thread, read by the clients' stream stages: synchronized, O(capacity) at most per
 * read, and a read happens once per client, at its start.
 */
final class RecentEvents implements ResyncGate.Recent {

    private final int capacity;
    private final ArrayDeque<ResyncGate.Item> items = new ArrayDeque<>();
    /** True once an event was let go: "every event this node has had" is then no longer here. */
    private boolean dropped;

    RecentEvents(int capacity) {
        this.capacity = capacity;
    }

    synchronized void add(ResyncGate.Item item) {
        items.addLast(item);
        if (items.size() > capacity) {
            items.removeFirst();
            dropped = true;
        }
    }

    @Override
    public synchronized Optional<List<ServerSentEvent>> range(String incarnation, long fromSeq, long toSeq) {
        if (toSeq < fromSeq || toSeq - fromSeq >= capacity) {
            return Optional.empty();
        }
        List<ServerSentEvent> out = new ArrayList<>((int) (toSeq - fromSeq + 1));
        for (ResyncGate.Item i : items) {
            if (incarnation.equals(i.incarnation()) && i.seq() >= fromSeq && i.seq() <= toSeq) {
                out.add(i.sse());
            }
        }
        return out.size() == toSeq - fromSeq + 1 ? Optional.of(out) : Optional.empty();
    }

    @Override
    public synchronized Optional<List<ServerSentEvent>> upTo(String incarnation, long toSeq) {
        if (dropped) {
            return Optional.empty();
        }
        List<ServerSentEvent> out = new ArrayList<>();
        long last = -1;
        for (ResyncGate.Item i : items) {
            if (!incarnation.equals(i.incarnation()) || i.seq() > toSeq) {
                continue;
            }
            if (last >= 0 && i.seq() != last + 1) {
                return Optional.empty();
            }
            out.add(i.sse());
            last = i.seq();
        }
        // none: the node's first event is the one that follows, nothing was missed; else they must reach toSeq
        return out.isEmpty() || last == toSeq ? Optional.of(out) : Optional.empty();
    }
}
