package io.blackstart.coordinator.tracker;

import io.blackstart.coordinator.AgentProbe;
import io.blackstart.coordinator.TestFixtures;
import io.blackstart.coordinator.catalog.CatalogKeeper;
import io.blackstart.coordinator.recovery.RecoveryManager;
import io.blackstart.coordinator.status.StatusBoard;
import io.blackstart.coordinator.store.InMemoryDesiredStateStore;
import io.blackstart.protocol.wire.AgentCommand;
import io.blackstart.protocol.wire.AgentEvent;
import io.blackstart.protocol.wire.ContainerInfo;
import io.blackstart.protocol.wire.ContainerState;
import io.blackstart.protocol.wire.StartResult;
import io.blackstart.testsupport.Await;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.receptionist.Receptionist;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.Optional;

import static io.blackstart.coordinator.TestFixtures.catalog;
import static io.blackstart.coordinator.TestFixtures.report;
import static io.blackstart.coordinator.TestFixtures.spec;
import static io.blackstart.coordinator.TestFixtures.update;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A container killed and restarted in place by its agent faster than the status snapshots (every 500 ms) come is
 * downtime in the tracker: no snapshot ever shows the instance down, the event log does. Driven through a real
 * recovery manager (in-memory store, a probe as the agent).
 */
@Timeout(60)
public class InPlaceRestartDowntimeTest {

    private static final Duration WAIT = Duration.ofSeconds(10);
    private ActorTestKit kit;

    @AfterEach
    void stop() {
        if (kit != null) {
            kit.shutdownTestKit();
        }
    }

    @Test
    void aKillAndRestartInPlaceBetweenTwoSnapshotsIsADownPeriod() {
        kit = ActorTestKit.create(TestFixtures.localConfig());
        StatusBoard board = new StatusBoard();
        kit.spawn(StatusBoard.replica(board), "status-replica");
        AgentProbe agent = new AgentProbe("host-a", kit.createTestProbe(AgentCommand.class));
        kit.system().receptionist().tell(Receptionist.register(RecoveryManager.AGENT_KEY, agent.ref()));
        TestProbe<CatalogKeeper.Command> keeper = kit.createTestProbe(CatalogKeeper.Command.class);
        ActorRef<RecoveryManager.Command> manager = kit.spawn(RecoveryManager.create(new InMemoryDesiredStateStore(),
                keeper.ref(), TestFixtures.recovery()));
        keeper.expectMessageClass(CatalogKeeper.Subscribe.class, WAIT).subscriber()
                .tell(update(catalog(spec("api", 1, "app"))));
        agent.expectReportRequest(WAIT);

        // after a blackout: the container stopped at a time the agent does not know; the coordinator starts it
        manager.tell(new RecoveryManager.AgentEventReceived(report("host-a", agent.ref(), 1, 2, 0, false,
                container(ContainerState.STOPPED, 0))));
        AgentCommand.StartInstance s = agent.expectStart(WAIT);
        manager.tell(new RecoveryManager.AgentEventReceived(new AgentEvent.StartOutcome("host-a", s.instanceId(),
                s.assignment(), s.attempt(), StartResult.STARTED, "c-api-0", null, 5)));
        manager.tell(new RecoveryManager.AgentEventReceived(report("host-a", agent.ref(), 2, 2, 0, false,
                container(ContainerState.RUNNING, System.currentTimeMillis()))));
        Await.until("api up after the blackout, one down period", WAIT, () -> api(board),
                d -> d.isPresent() && !d.get().down() && d.get().periods() == 1);

        // killed, and restarted in place by the engine's restart policy: two reports in a row, the same container
        long killedAt = System.currentTimeMillis();
        manager.tell(new RecoveryManager.AgentEventReceived(report("host-a", agent.ref(), 3, 2, 0, false,
                container(ContainerState.STOPPED, killedAt))));
        manager.tell(new RecoveryManager.AgentEventReceived(report("host-a", agent.ref(), 4, 2, 0, false,
                container(ContainerState.RUNNING, killedAt + 1))));
        AppDowntime d = Await.until("a second down period for api, ended", WAIT, () -> api(board),
                x -> x.isPresent() && x.get().periods() == 2 && !x.get().down()).orElseThrow();
        assertEquals(killedAt, d.downSinceMillis(), "dated from the agent's stop time: " + d);
        assertTrue(d.upAgainMillis() >= killedAt, d.toString());
    }

    private static Optional<AppDowntime> api(StatusBoard board) {
        return board.latest().flatMap(s -> s.tracking().downtime().stream().filter(x -> x.appId().equals("api"))
                .findFirst());
    }

    private static ContainerInfo container(ContainerState state, long since) {
        return new ContainerInfo("api-0", "api", "c-api-0", "busybox:1", state, since);
    }
}
