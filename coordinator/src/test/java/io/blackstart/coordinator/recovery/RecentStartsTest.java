package io.blackstart.coordinator.recovery;

import io.blackstart.protocol.wire.ContainerHealth;
import io.blackstart.protocol.wire.ContainerInfo;
import io.blackstart.protocol.wire.ContainerState;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.List;

import static io.blackstart.coordinator.TestFixtures.running;
import static io.blackstart.coordinator.TestFixtures.stopped;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

/** How reports are read right after a confirmed start. */
@Timeout(10)
public class RecentStartsTest {

    @Test
    void withinTheGraceAMissingOrNotRunningContainerIsShownRunning() {
        RecentStarts r = new RecentStarts(1000);
        r.started("a", "web-0", "web", "c0", "img", ContainerHealth.NONE, 100);
        r.started("a", "web-1", "web", "c1", "img", ContainerHealth.NONE, 100);
        List<ContainerInfo> out = r.containers("a", List.of(stopped("web-1"), running("db-0")), 500);
        assertEquals(3, out.size());
        assertEquals(List.of(ContainerState.RUNNING, ContainerState.RUNNING, ContainerState.RUNNING),
                out.stream().map(ContainerInfo::state).toList());
        assertEquals("c0", out.stream().filter(c -> c.instanceId().equals("web-0")).findFirst().orElseThrow().containerId());
    }

    @Test
    void aCheckedStartStandsInAsNotReadyNeverAsReady() {
        // CI saw it: a report written before a checked database's container ran arrived after the outcome; the
        // stand-in had no health, so the ledger took the database for ready and started its dependant 2 s later
        RecentStarts r = new RecentStarts(1000);
        r.started("a", "db-0", "db", "c0", "img", ContainerHealth.STARTING, 100);
        ContainerInfo shown = r.containers("a", List.of(stopped("db-0")), 500).get(0);
        assertEquals(ContainerState.RUNNING, shown.state());
        assertEquals(ContainerHealth.STARTING, shown.health());
    }

    @Test
    void aReportThatShowsEveryRecentStartRunningIsTakenAsItIs() {
        RecentStarts r = new RecentStarts(1000);
        r.started("a", "web-0", "web", "c0", "img", ContainerHealth.NONE, 100);
        r.started("a", "web-1", "web", "c1", "img", ContainerHealth.NONE, 100);
        List<ContainerInfo> one = List.of(running("web-0"), running("db-0"));
        assertEquals(3, r.containers("a", one, 500).size(), "web-1 not reported yet: shown running");
        List<ContainerInfo> both = List.of(running("web-0"), running("db-0"), running("web-1"));
        assertSame(both, r.containers("a", both, 500));
    }

    @Test
    void onceAReportShowsTheStartRunningAStopReportedWithinTheGraceIsTheTruth() {
        // a container killed 300 ms after its start: the agent reports the stop once (reports go on change)
        RecentStarts r = new RecentStarts(1000);
        r.started("a", "web-0", "web", "c0", "img", ContainerHealth.NONE, 100);
        List<ContainerInfo> up = List.of(running("web-0"));
        assertSame(up, r.containers("a", up, 200));
        List<ContainerInfo> killed = List.of(stopped("web-0"));
        assertSame(killed, r.containers("a", killed, 400));
    }

    @Test
    void afterTheGraceOrOnOtherHostsReportsAreTakenAsTheyAre() {
        RecentStarts r = new RecentStarts(1000);
        r.started("a", "web-0", "web", "c0", "img", ContainerHealth.NONE, 100);
        List<ContainerInfo> other = List.of(stopped("web-0"));
        assertSame(other, r.containers("b", other, 200));
        List<ContainerInfo> late = List.of(stopped("web-0"));
        assertSame(late, r.containers("a", late, 1100));
        r.started("a", "web-0", "web", "c0", "img", ContainerHealth.NONE, 2000);
        r.forget("a");
        assertSame(late, r.containers("a", late, 2001));
    }
}
