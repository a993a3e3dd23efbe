package io.blackstart.coordinator.recovery;

import io.blackstart.coordinator.AgentProbe;
import io.blackstart.coordinator.RegisteredAgents;
import io.blackstart.coordinator.TestFixtures;
import io.blackstart.coordinator.catalog.CatalogKeeper;
import io.blackstart.coordinator.status.StatusSnapshot;
import io.blackstart.coordinator.store.InMemoryDesiredStateStore;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import io.blackstart.protocol.InstanceId;
import io.blackstart.protocol.wire.AgentCommand;
import io.blackstart.protocol.wire.AgentEvent;
import io.blackstart.protocol.wire.StartResult;
import io.blackstart.testsupport.TestKitExtension;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import static io.blackstart.coordinator.TestFixtures.catalog;
import static io.blackstart.coordinator.TestFixtures.report;
import static io.blackstart.coordinator.TestFixtures.spec;
import static io.blackstart.coordinator.TestFixtures.update;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * The recovery manager's lines about one instance (start sent, its outcome) carry that instance's id in the MDC;
 * its other lines carry none (the id never outlives its line). Logged at DEBUG: the module's logback-test.xml has
 * {@code io.blackstart} at DEBUG.
 */
@Timeout(60)
public class RecoveryManagerMdcTest {

    private static final Duration WAIT = Duration.ofSeconds(5);
    @RegisterExtension
    static final TestKitExtension kit = new TestKitExtension(TestFixtures.localConfig());
    private final RegisteredAgents agents = new RegisteredAgents(kit.get());

    private record Line(String message, Map<String, String> mdc) {
    }

    private final List<Line> lines = new CopyOnWriteArrayList<>();
    private final AppenderBase<ILoggingEvent> capture = new AppenderBase<>() {
        @Override
        protected void append(ILoggingEvent e) {
            // the MDC is read here, on the logging (actor) thread
            lines.add(new Line(e.getFormattedMessage(), Map.copyOf(e.getMDCPropertyMap())));
        }
    };
    private final Logger logger = (Logger) LoggerFactory.getLogger(RecoveryManager.class);

    @BeforeEach
    void attach() {
        capture.setContext(logger.getLoggerContext());
        capture.start();
        logger.addAppender(capture);
    }

    @AfterEach
    void detach() {
        logger.detachAppender(capture);
        agents.clear();
    }

    private Line line(String startsWith) {
        return lines.stream().filter(l -> l.message().startsWith(startsWith)).findFirst()
                .orElseThrow(() -> new AssertionError("no line '" + startsWith + "...' in " + lines));
    }

    @Test
    void linesAboutAnInstanceCarryItsIdAndOnlyThoseLines() {
        InMemoryDesiredStateStore store = new InMemoryDesiredStateStore();
        AgentProbe a = agents.add("host-a");
        TestProbe<CatalogKeeper.Command> keeper = kit.get().createTestProbe(CatalogKeeper.Command.class);
        // a settle time the report cannot miss on a loaded machine: the rebuild ends as soon as host-a reported
        ActorRef<RecoveryManager.Command> m = kit.get().spawn(RecoveryManager.create(store, keeper.ref(),
                TestFixtures.recovery(3, Duration.ofSeconds(20))));
        keeper.expectMessageClass(CatalogKeeper.Subscribe.class, WAIT).subscriber()
                .tell(update(catalog(spec("web", 1, "app"))));
        a.expectReportRequest(WAIT);
        m.tell(new RecoveryManager.AgentEventReceived(report("host-a", a.ref(), 1, 2, 0, false)));
        AgentCommand.StartInstance s = a.expectStart(WAIT);
        m.tell(new RecoveryManager.AgentEventReceived(new AgentEvent.StartOutcome("host-a", s.instanceId(),
                s.assignment(), s.attempt(), StartResult.STARTED, "c-1", null, 5)));
        // answered after the outcome (one sender, one mailbox): its line is logged by then
        TestProbe<StatusSnapshot> status = kit.get().createTestProbe(StatusSnapshot.class);
        m.tell(new RecoveryManager.GetStatus(status.ref()));
        status.receiveMessage(WAIT);
        kit.get().stop(m);

        assertEquals("web-0", line("assigned web-0 to host-a").mdc().get(InstanceId.MDC_KEY));
        assertEquals("web-0", line("start of web-0 on host-a").mdc().get(InstanceId.MDC_KEY));
        // the lines before and after, in the same actor, carry none
        assertNull(line("rebuild: report from host-a").mdc().get(InstanceId.MDC_KEY));
        assertNull(line("recovery mode ON").mdc().get(InstanceId.MDC_KEY));
        // Pekko's own MDC entries stay on the line
        assertEquals(true, line("start of web-0 on host-a").mdc().containsKey("pekkoSource"));
    }
}
