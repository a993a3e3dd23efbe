package io.blackstart.coordinator;

import io.blackstart.protocol.wire.AgentCommand;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.fail;

/** A test probe standing in for a node agent: collects commands and answers by kind. */
public final class AgentProbe {

    public final String nodeId;
    public final TestProbe<AgentCommand> probe;
    public final List<AgentCommand.SetRecoveryMode> modes = new ArrayList<>();
    public final List<AgentCommand.StopInstance> stops = new ArrayList<>();
    public final java.util.ArrayDeque<AgentCommand.StartInstance> pendingStarts = new java.util.ArrayDeque<>();
    public int reportRequests;

    public AgentProbe(String nodeId, TestProbe<AgentCommand> probe) {
        this.nodeId = nodeId;
        this.probe = probe;
    }

    public ActorRef<AgentCommand> ref() {
        return probe.ref();
    }

    private AgentCommand next(long deadline) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
            return null;
        }
        try {
            return probe.receiveMessage(Duration.ofNanos(left));
        } catch (AssertionError timeout) {
            return null;
        }
    }

    private void note(AgentCommand c) {
        if (c instanceof AgentCommand.SetRecoveryMode m) {
            modes.add(m);
        } else if (c instanceof AgentCommand.StopInstance s) {
            stops.add(s);
        } else if (c instanceof AgentCommand.RequestReport) {
            reportRequests++;
        } else if (c instanceof AgentCommand.StartInstance s) {
            pendingStarts.add(s);
        }
    }

    /** The next start, noting every other command on the way. */
    public AgentCommand.StartInstance expectStart(Duration max) {
        if (!pendingStarts.isEmpty()) {
            return pendingStarts.poll();
        }
        long deadline = System.nanoTime() + max.toNanos();
        while (true) {
            AgentCommand c = next(deadline);
            if (c == null) {
                fail(nodeId + ": no StartInstance within " + max);
            }
            if (c instanceof AgentCommand.StartInstance s) {
                return s;
            }
            note(c);
        }
    }

    /** Fails if a start arrives within {@code d}; notes everything else. */
    public void expectNoStart(Duration d) {
        if (!pendingStarts.isEmpty()) {
            fail(nodeId + ": unexpected start of " + pendingStarts.peek().instanceId());
        }
        long deadline = System.nanoTime() + d.toNanos();
        AgentCommand c;
        while ((c = next(deadline)) != null) {
            if (c instanceof AgentCommand.StartInstance s) {
                fail(nodeId + ": unexpected start of " + s.instanceId() + " (attempt " + s.attempt() + ")");
            }
            note(c);
        }
    }

    /** Waits for a SetRecoveryMode with the given value (noting other commands, failing on starts only if asked). */
    public void expectMode(boolean recovery, Duration max) {
        long deadline = System.nanoTime() + max.toNanos();
        if (!modes.isEmpty() && modes.get(modes.size() - 1).recovery() == recovery) {
            return;
        }
        while (true) {
            AgentCommand c = next(deadline);
            if (c == null) {
                fail(nodeId + ": no SetRecoveryMode(" + recovery + ") within " + max + "; saw " + modes);
            }
            note(c);
            if (c instanceof AgentCommand.SetRecoveryMode m && m.recovery() == recovery) {
                return;
            }
        }
    }

    /** Waits for a report request. */
    public void expectReportRequest(Duration max) {
        long deadline = System.nanoTime() + max.toNanos();
        if (reportRequests > 0) {
            return;
        }
        while (true) {
            AgentCommand c = next(deadline);
            if (c == null) {
                fail(nodeId + ": no RequestReport within " + max);
            }
            note(c);
            if (c instanceof AgentCommand.RequestReport) {
                return;
            }
        }
    }
}
