package io.blackstart.agent;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import io.blackstart.protocol.InstanceId;
import io.blackstart.protocol.wire.AgentCommand;
import io.blackstart.protocol.wire.AgentEvent;
import io.blackstart.protocol.wire.AgentEvent.StartOutcome;
import io.blackstart.protocol.wire.StartResult;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/** The start executor's log lines carry the instance they are about in the MDC, and only that line's instance. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class StartExecutorMdcTest {

    /** A log line and the MDC it was logged with (read on the logging thread, as the appender is called). */
    private record Line(String message, Map<String, String> mdc) {
    }

    private final List<Line> lines = new CopyOnWriteArrayList<>();
    private final AppenderBase<ILoggingEvent> capture = new AppenderBase<>() {
        @Override
        protected void append(ILoggingEvent e) {
            lines.add(new Line(e.getFormattedMessage(), Map.copyOf(e.getMDCPropertyMap())));
        }
    };
    private final Logger logger = (Logger) LoggerFactory.getLogger(StartExecutor.class);
    private Level levelBefore;
    private ActorTestKit testKit;
    private FakeContainerRuntime runtime;

    @BeforeEach
    void setUp() {
        levelBefore = logger.getLevel();
        logger.setLevel(Level.DEBUG);
        capture.setContext(logger.getLoggerContext());
        capture.start();
        logger.addAppender(capture);
        testKit = ActorTestKit.create(TestConfigs.local());
        runtime = new FakeContainerRuntime();
    }

    @AfterEach
    void tearDown() {
        testKit.shutdownTestKit();
        runtime.close();
        logger.detachAppender(capture);
        logger.setLevel(levelBefore);
    }

    private static AgentCommand.StartInstance start(String instanceId, int timeoutSeconds,
                                                    TestProbe<AgentEvent> replyTo) {
        return new AgentCommand.StartInstance(instanceId, "web", TestConfigs.spec(timeoutSeconds), 7, 1,
                replyTo.ref());
    }

    private Line line(String startsWith) {
        return lines.stream().filter(l -> l.message().startsWith(startsWith)).findFirst()
                .orElseThrow(() -> new AssertionError("no line '" + startsWith + "...' in " + lines));
    }

    @Test
    void everyLineOfAStartCarriesItsInstanceIdAndNothingLeaksToTheNext() {
        var executor = testKit.spawn(StartExecutor.create(TestConfigs.settings("node-a", ""), runtime,
                testKit.<NodeAgent.Command>createTestProbe().ref()));
        TestProbe<AgentEvent> outcomes = testKit.createTestProbe(AgentEvent.class);
        runtime.hang("web-0");
        executor.tell(new StartExecutor.Execute(start("web-0", 1, outcomes)));
        // the timeout is a timer message, handled on whatever dispatcher thread runs the actor then
        assertEquals(StartResult.TIMED_OUT, outcomes.expectMessageClass(StartOutcome.class, Duration.ofSeconds(10))
                .result());
        executor.tell(new StartExecutor.Execute(start("web-1", 30, outcomes)));
        assertEquals(StartResult.STARTED, outcomes.expectMessageClass(StartOutcome.class, Duration.ofSeconds(10))
                .result());

        assertEquals("web-0", line("starting web-0").mdc().get(InstanceId.MDC_KEY));
        assertEquals("web-0", line("start of web-0 timed out").mdc().get(InstanceId.MDC_KEY));
        assertEquals("web-1", line("starting web-1").mdc().get(InstanceId.MDC_KEY));
        // the completion comes back through pipeToSelf: the MDC is set for that message too
        assertEquals("web-1", line("started web-1").mdc().get(InstanceId.MDC_KEY));
        // Pekko's own MDC is still there
        assertFalse(line("started web-1").mdc().getOrDefault("pekkoSource", "").isEmpty());
        for (Line l : lines) {
            String id = l.mdc().get(InstanceId.MDC_KEY);
            assertEquals(true, id != null && l.message().contains(id), "line about another instance: " + l);
        }
    }
}
