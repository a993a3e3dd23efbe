package io.blackstart.scheduler;

import io.blackstart.protocol.AppSpec;
import io.blackstart.protocol.HealthCheck;
import io.blackstart.protocol.Tier;
import io.blackstart.protocol.wire.ContainerHealth;
import io.blackstart.protocol.wire.ContainerInfo;
import io.blackstart.protocol.wire.StartResult;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;

import static io.blackstart.scheduler.Fixtures.app;
import static io.blackstart.scheduler.Fixtures.catalog;
import static io.blackstart.scheduler.Fixtures.host;
import static io.blackstart.scheduler.Fixtures.ids;
import static io.blackstart.scheduler.Fixtures.planAndRecord;
import static io.blackstart.scheduler.Fixtures.running;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** An instance counts as up when it serves: dependants and the platform gate wait for ready, not for running. */
@Timeout(10)
class LedgerReadinessTest {

    private static AppSpec checked(AppSpec a) {
        return new AppSpec(a.id(), a.image(), a.instances(), a.tier(), a.priority(), a.memoryMb(), a.cpus(),
                a.dependsOn(), a.command(), a.env(), a.startTimeoutSeconds(), HealthCheck.tcp(5432));
    }

    private static ContainerInfo withHealth(String instanceId, ContainerHealth h, String detail) {
        return running(instanceId).withHealth(h, detail);
    }

    private static Ledger dbAndWeb() {
        Ledger l = new Ledger(LedgerSettings.defaults(), new SplittableRandom(1));
        l.setCatalog(catalog(checked(app("db", Tier.DATABASE, 0, 1, 100)), app("web", Tier.APP, 0, 1, 100, "db")), 0);
        return l;
    }

    @Test
    void aDependantStartsOnlyOnceItsDependencyIsReadyAndTheCreditIsFreeAtRunning() {
        Ledger l = dbAndWeb();
        l.hostReported(host("h1", 2, 10_000), 0);
        List<Assignment> first = planAndRecord(l, 1);
        assertEquals(List.of("db-0"), ids(first));
        assertEquals(HealthCheck.tcp(5432), first.get(0).container().health(), "the agent gets the probe to run");

        l.startOutcome("h1", "db-0", first.get(0).attempt(), StartResult.STARTED, "started",
                ContainerHealth.STARTING, 2);
        assertEquals(InstanceState.RUNNING_UNREADY, l.instance("db-0").state());
        assertEquals(0, l.host("h1").outstanding(), "credit released at running: a slow-to-ready app blocks no host");
        assertEquals(List.of(), l.plan(3), "web waits for db to be ready");
        Explanation why = l.explain("web-0", 3);
        assertEquals("dependency", why.rule());
        assertEquals("waiting for db (not ready yet) to be ready", why.detail());
        assertEquals("running-unready", l.explain("db-0", 3).rule());
        assertFalse(l.converged());
        assertEquals(1.0, l.downShare(), "running but unready is not up");

        l.hostReported(host("h1", 2, 10_000, Set.of(), List.of(withHealth("db-0", ContainerHealth.HEALTHY, "ok"))), 4);
        assertEquals(InstanceState.RUNNING, l.instance("db-0").state());
        assertEquals(List.of("web-0"), ids(l.plan(5)));
        assertTrue(l.instance("db-0").history().stream().anyMatch(h -> h.endsWith("ready (health check passed)")),
                l.instance("db-0").history().toString());
    }

    @Test
    void aReportOfAStartingCheckBeforeTheOutcomeIsNotReadyAndTheOutcomeDoesNotMakeItSo() {
        Ledger l = dbAndWeb();
        l.hostReported(host("h1", 2, 10_000), 0);
        Assignment a = planAndRecord(l, 1).get(0);
        l.hostReported(host("h1", 2, 10_000, Set.of(), List.of(withHealth("db-0", ContainerHealth.STARTING, null))), 2);
        assertEquals(InstanceState.RUNNING_UNREADY, l.instance("db-0").state());
        l.startOutcome("h1", "db-0", a.attempt(), StartResult.STARTED, "started", ContainerHealth.NONE, 3);
        assertEquals(InstanceState.RUNNING_UNREADY, l.instance("db-0").state(), "the report is newer than the start");
        assertEquals(List.of(), l.plan(4));
    }

    @Test
    void aCheckThatNeverPassesNeedsAttentionIsNotRestartedAndHoldsOnlyItsDependants() {
        Ledger l = new Ledger(LedgerSettings.defaults(), new SplittableRandom(1));
        l.setCatalog(catalog(checked(app("db", Tier.DATABASE, 0, 1, 100)), app("web", Tier.APP, 0, 1, 100, "db"),
                app("other", Tier.APP, 0, 1, 100)), 0);
        l.hostReported(host("h1", 4, 10_000, Set.of(), List.of(withHealth("db-0", ContainerHealth.UNHEALTHY,
                "connection refused"), running("other-0"))), 1);
        assertEquals(InstanceState.NEEDS_ATTENTION, l.instance("db-0").state());
        Explanation why = l.explain("db-0", 2);
        assertEquals("needs-attention", why.rule());
        assertEquals("on h1: health check failing: connection refused", why.detail());
        for (long t = 2; t < 100; t += 10) {
            l.tick(t);
            assertEquals(List.of(), l.plan(t), "neither restarted nor its dependant started");
            l.hostReported(host("h1", 4, 10_000, Set.of(), List.of(withHealth("db-0", ContainerHealth.UNHEALTHY,
                    "connection refused"), running("other-0"))), t + 1);
        }
        assertEquals("waiting for db (needs attention) to be ready", l.explain("web-0", 100).detail());
        assertEquals(InstanceState.RUNNING, l.instance("other-0").state());

        // the operator repaired the database: its check passes, the dependant goes on
        l.hostReported(host("h1", 4, 10_000, Set.of(), List.of(withHealth("db-0", ContainerHealth.HEALTHY, null),
                running("other-0"))), 101);
        assertEquals(InstanceState.RUNNING, l.instance("db-0").state());
        assertEquals(List.of("web-0"), ids(l.plan(102)));
    }

    @Test
    void aPlatformInstanceThatNeedsAttentionDoesNotHoldTheOtherTiers() {
        Ledger l = new Ledger(LedgerSettings.defaults(), new SplittableRandom(1));
        l.setCatalog(catalog(checked(app("dns", Tier.PLATFORM, 0, 1, 100)), app("web", Tier.APP, 0, 1, 100)), 0);
        l.hostReported(host("h1", 2, 10_000, Set.of(), List.of(withHealth("dns-0", ContainerHealth.STARTING, null))), 1);
        assertEquals(List.of(), l.plan(2), "the platform is not up while its instance is unready");
        assertEquals("platform-gate", l.explain("web-0", 2).rule());
        assertFalse(l.platformUp());
        l.hostReported(host("h1", 2, 10_000, Set.of(), List.of(withHealth("dns-0", ContainerHealth.UNHEALTHY,
                "exit 1"))), 3);
        assertTrue(l.platformUp());
        assertEquals(List.of("web-0"), ids(l.plan(4)));
        l.startOutcome("h1", "web-0", 1, StartResult.STARTED, "started", 5);
        assertTrue(l.converged(), "running, or waiting for an operator: nothing left to do");
        assertEquals(0.5, l.downShare());
    }

    @Test
    void aReadyInstanceWhoseCheckFailsIsNoLongerUpAndItsContainerIsNotDuplicated() {
        Ledger l = dbAndWeb();
        l.hostReported(host("h1", 2, 10_000, Set.of(), List.of(withHealth("db-0", ContainerHealth.HEALTHY, null))), 1);
        assertEquals(InstanceState.RUNNING, l.instance("db-0").state());
        l.hostReported(host("h1", 2, 10_000, Set.of(), List.of(withHealth("db-0", ContainerHealth.UNHEALTHY,
                "timed out after 3 s"))), 2);
        assertEquals(InstanceState.NEEDS_ATTENTION, l.instance("db-0").state());
        assertEquals("h1", l.instance("db-0").nodeId());
        l.hostReported(host("h2", 2, 10_000), 3);
        assertEquals(List.of(), ids(l.plan(4)).stream().filter(id -> id.startsWith("db")).toList(),
                "its container still runs on h1: never a second one");
        assertEquals(List.of(new StopOrder("db-0", "h2", "duplicate: already running on h1")),
                l.hostReported(host("h2", 2, 10_000, Set.of(), List.of(running("db-0"))), 5));
        assertEquals(InstanceState.NEEDS_ATTENTION, l.instance("db-0").state());
    }
}
