package io.blackstart.coordinator.tracker;

import io.blackstart.scheduler.event.HostJoined;
import io.blackstart.scheduler.event.HostLost;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The hosts an operator must see as not reporting: lost ones and those that never came back, through the tracker. */
@Timeout(30)
class HostRollTest {

    private final Tracker tracker = new Tracker(Tracker.Settings.DEFAULT);

    private List<MissingHost> missing(long now) {
        return tracker.view(now, "recovery", "auto", 0, Map.of()).missingHosts();
    }

    @Test
    void aHostNamedByTheAssignmentsThatNeverReportsIsListedUntilItJoins() {
        tracker.hostsExpected(List.of("h2", "h1", "h3", "h1"), 1_000);
        tracker.apply(new HostJoined("h1", 2_000));
        assertEquals(List.of(new MissingHost("h2", MissingHost.NEVER_RETURNED, 1_000),
                new MissingHost("h3", MissingHost.NEVER_RETURNED, 1_000)), missing(3_000));
        tracker.apply(new HostJoined("h3", 4_000));
        assertEquals(List.of(new MissingHost("h2", MissingHost.NEVER_RETURNED, 1_000)), missing(5_000));
    }

    @Test
    void aLostHostIsListedFromItsLossAndLeavesTheListWhenItComesBack() {
        tracker.apply(new HostJoined("h1", 1_000));
        tracker.apply(new HostLost("h1", 2_000));
        assertEquals(List.of(new MissingHost("h1", MissingHost.LOST, 2_000)), missing(3_000));
        tracker.hostsExpected(List.of("h1"), 3_500); // the assignments name it too: still lost, since its loss
        assertEquals(List.of(new MissingHost("h1", MissingHost.LOST, 2_000)), missing(4_000));
        tracker.apply(new HostJoined("h1", 5_000));
        assertEquals(List.of(), missing(6_000));
    }

    @Test
    void aHostThatJoinedBeforeTheAssignmentsLoadedIsNotExpected() {
        tracker.apply(new HostJoined("h1", 1_000));
        tracker.hostsExpected(List.of("h1", ""), 2_000);
        assertEquals(List.of(), missing(3_000));
    }
}
