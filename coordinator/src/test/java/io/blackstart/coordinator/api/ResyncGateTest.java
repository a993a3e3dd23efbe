package io.blackstart.coordinator.api;

import org.apache.pekko.http.javadsl.model.sse.ServerSentEvent;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** What one client sees of its stream's items: every event in order, or a resync and a fresh picture, never a gap. */
@Timeout(10)
public class ResyncGateTest {

    private final ResyncGate gate = new ResyncGate(() -> ServerSentEvent.create("fresh", "progress"));

    private static ResyncGate.Item event(String inc, long seq) {
        return new ResyncGate.Item(inc, seq, false, ServerSentEvent.create("e" + seq, "state"));
    }

    private static ResyncGate.Item progress(String inc, long seq) {
        return new ResyncGate.Item(inc, seq, true, ServerSentEvent.create("p" + seq, "progress"));
    }

    private List<String> seen(ResyncGate.Item... items) {
        List<String> out = new ArrayList<>();
        for (ResyncGate.Item i : items) {
            for (ServerSentEvent e : gate.pass(i)) {
                out.add(e.getEventType().orElse("") + ":" + e.getData());
            }
        }
        return out;
    }

    @Test
    void consecutiveEventsAndProgressPassAsTheyAre() {
        assertEquals(List.of("progress:p3", "state:e4", "state:e5", "progress:p5", "state:e6"),
                seen(progress("a", 3), event("a", 4), event("a", 5), progress("a", 5), event("a", 6)));
    }

    @Test
    void aDroppedRunOfEventsBecomesAResyncWithTheMissedRangeThenAFreshProgress() {
        assertEquals(List.of("progress:p3", "state:e4",
                        "resync:{\"incarnation\":\"a\",\"fromSeq\":5,\"toSeq\":8}", "progress:fresh", "state:e9",
                        "state:e10"),
                seen(progress("a", 3), event("a", 4), event("a", 9), event("a", 10)));
    }

    @Test
    void aProgressAheadOfTheLastEventPassedShowsEventsLostAtTheTail() {
        // the buffer dropped 5..7 and no event followed: the next progress tells
        assertEquals(List.of("state:e4", "resync:{\"incarnation\":\"a\",\"fromSeq\":5,\"toSeq\":7}", "progress:p7",
                        "state:e8"),
                seen(event("a", 4), progress("a", 7), event("a", 8)));
    }

    @Test
    void aNewIncarnationIsAResyncEvenFromItsFirstEvent() {
        assertEquals(List.of("state:e4", "resync:{\"incarnation\":\"b\",\"fromSeq\":1,\"toSeq\":0,"
                        + "\"previousIncarnation\":\"a\",\"previousSeq\":4}", "progress:fresh", "state:e1", "state:e2"),
                seen(event("a", 4), event("b", 1), event("b", 2)));
    }

    @Test
    void aClientThatJoinedBeforeAnyEventTakesTheFirstOneAsItComes() {
        assertEquals(List.of("progress:p0", "progress:p0", "state:e1", "state:e2"),
                seen(progress(null, 0), progress(null, 0), event("a", 1), event("a", 2)));
    }

    @Test
    void eventsMadeWhileANewClientAttachedAreFilledInButALaterGapIsStillAResync() {
        RecentEvents recent = new RecentEvents(16);
        for (long seq = 1; seq <= 9; seq++) {
            recent.add(event("a", seq));
        }
        ResyncGate attaching = new ResyncGate(() -> ServerSentEvent.create("fresh", "progress"), recent);
        List<String> out = new ArrayList<>();
        // connected at the progress of seq 3; the live stream attached when seq 6 went by
        for (ResyncGate.Item i : List.of(progress("a", 3), event("a", 6), event("a", 7), event("a", 9))) {
            attaching.pass(i).forEach(e -> out.add(e.getEventType().orElse("") + ":" + e.getData()));
        }
        assertEquals(List.of("progress:p3", "state:e4", "state:e5", "state:e6", "state:e7",
                "resync:{\"incarnation\":\"a\",\"fromSeq\":8,\"toSeq\":8}", "progress:fresh", "state:e9"), out);
        assertEquals(java.util.Optional.empty(), recent.range("a", 1, 40), "more than it keeps");
        // connected before anything was numbered (a null mark); attached when seq 3 went by
        ResyncGate early = new ResyncGate(() -> ServerSentEvent.create("fresh", "progress"), recent);
        List<String> fromStart = new ArrayList<>();
        for (ResyncGate.Item i : List.of(progress(null, 0), event("a", 3), event("a", 4))) {
            early.pass(i).forEach(e -> fromStart.add(e.getEventType().orElse("") + ":" + e.getData()));
        }
        assertEquals(List.of("progress:p0", "state:e1", "state:e2", "state:e3", "state:e4"), fromStart);
        // a node that joined late: its first event is 7; a client that connected before it had any misses nothing
        RecentEvents late = new RecentEvents(16);
        late.add(event("a", 7));
        late.add(event("a", 8));
        ResyncGate joined = new ResyncGate(() -> ServerSentEvent.create("fresh", "progress"), late);
        List<String> lateOut = new ArrayList<>();
        for (ResyncGate.Item i : List.of(progress(null, 0), event("a", 8))) {
            joined.pass(i).forEach(e -> lateOut.add(e.getEventType().orElse("") + ":" + e.getData()));
        }
        assertEquals(List.of("progress:p0", "state:e7", "state:e8"), lateOut);
        assertEquals(java.util.Optional.empty(), recent.range("b", 4, 5), "another incarnation's");
    }
}
