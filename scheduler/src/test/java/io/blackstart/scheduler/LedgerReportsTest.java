package io.blackstart.scheduler;

import io.blackstart.protocol.Tier;
import io.blackstart.protocol.wire.ContainerInfo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;

import static io.blackstart.scheduler.Fixtures.app;
import static io.blackstart.scheduler.Fixtures.catalog;
import static io.blackstart.scheduler.Fixtures.host;
import static io.blackstart.scheduler.Fixtures.running;
import static io.blackstart.scheduler.Fixtures.stopped;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Agent reports are read container by container against the host's previous report. Every report is a fresh
 * copy here (new objects with equal values, as a report deserialized from the wire is), so these tests show that
 * the shortcut for unchanged containers neither misses a change nor drops a stop that must be repeated.
 */
@Timeout(10)
class LedgerReportsTest {

    private static Ledger ledger() {
        Ledger l = new Ledger(LedgerSettings.defaults(), new SplittableRandom(1));
        l.setCatalog(catalog(app("a", Tier.APP, 0, 3, 100)), 0);
        return l;
    }

    /** A fresh copy of the containers, equal in value. */
    private static HostReport report(String node, ContainerInfo... containers) {
        List<ContainerInfo> copies = new ArrayList<>();
        for (ContainerInfo c : containers) {
            copies.add(new ContainerInfo(new String(c.instanceId()), new String(c.appId()), c.containerId(),
                    c.image(), c.state(), c.stateSinceMillis()));
        }
        return host(node, 0, 10_000, Set.of(), copies);
    }

    private static InstanceState state(Ledger l, String id) {
        return l.instance(id).state();
    }

    @Test
    void anUnchangedReportChangesNothingAndAStoppedContainerIsSeenInTheNextOne() {
        Ledger l = ledger();
        assertEquals(List.of(), l.hostReported(report("h1", running("a-0"), running("a-1")), 1));
        for (long t = 2; t < 5; t++) {
            assertEquals(List.of(), l.hostReported(report("h1", running("a-0"), running("a-1")), t));
        }
        assertEquals(InstanceState.RUNNING, state(l, "a-0"));
        assertEquals("h1", l.instance("a-1").nodeId());

        l.hostReported(report("h1", running("a-0"), stopped("a-1")), 5);
        assertEquals(InstanceState.RUNNING, state(l, "a-0"));
        assertEquals(InstanceState.PENDING, state(l, "a-1"), "its container stopped: to be started again");
    }

    @Test
    void aContainerMissingFromTheReportIsGone() {
        Ledger l = ledger();
        l.hostReported(report("h1", running("a-0"), running("a-1"), running("a-2")), 1);
        l.hostReported(report("h1", running("a-0"), running("a-2")), 2);
        assertEquals(InstanceState.PENDING, state(l, "a-1"));
        assertEquals(InstanceState.RUNNING, state(l, "a-2"));
        assertEquals(List.of("desired", "running (reported by h1)", "down: container gone from h1"),
                l.instance("a-1").history().stream().map(h -> h.substring(h.indexOf(' ') + 1)).toList());
    }

    @Test
    void theStopOfADuplicateIsRepeatedWithEveryReportUntilItIsGone() {
        Ledger l = ledger();
        l.hostReported(report("h1", running("a-0")), 1);
        StopOrder dup = new StopOrder("a-0", "h2", "duplicate: already running on h1");
        for (long t = 2; t < 5; t++) {
            assertEquals(List.of(dup), l.hostReported(report("h2", running("a-0")), t), "report at " + t);
        }
        assertEquals(List.of(), l.hostReported(report("h2"), 5));
        assertEquals("h1", l.instance("a-0").nodeId());
    }

    @Test
    void aContainerNoLongerDesiredIsStoppedWithEveryReportItStillShowsIn() {
        Ledger l = ledger();
        l.hostReported(report("h1", running("a-0"), running("a-2")), 1);
        assertEquals(List.of(), l.hostReported(report("h1", running("a-0"), running("a-2")), 2));

        l.setCatalog(catalog(app("a", Tier.APP, 0, 2, 100)), 3); // a-2 is no longer desired
        StopOrder stop = new StopOrder("a-2", "h1", "no longer desired");
        for (long t = 4; t < 7; t++) {
            assertEquals(List.of(stop), l.hostReported(report("h1", running("a-0"), running("a-2")), t));
        }
        assertEquals(List.of(), l.hostReported(report("h1", running("a-0")), 7));

        l.setCatalog(catalog(app("a", Tier.APP, 0, 3, 100)), 8); // desired again: its container counts again
        l.hostReported(report("h1", running("a-0"), running("a-2")), 9);
        assertEquals(InstanceState.RUNNING, state(l, "a-2"));
    }

    @Test
    void aHostThatComesBackAfterBeingLostIsReadFromScratch() {
        Ledger l = ledger();
        l.hostReported(report("h1", running("a-0")), 1);
        l.hostLost("h1", 2);
        assertEquals(InstanceState.PENDING, state(l, "a-0"));
        l.hostReported(report("h1", running("a-0")), 3);
        assertEquals(InstanceState.RUNNING, state(l, "a-0"), "the same container, reported by a returning host");
    }
}
