package io.blackstart.coordinator.api;

import io.blackstart.coordinator.agents.AgentRoster;
import io.blackstart.coordinator.agents.HostsDiagnosis;
import io.blackstart.coordinator.status.StatusBoard;

import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;

import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.concurrent.CompletionStage;

/**
 * {@code GET /api/v1/hosts/diagnosis}: asks this node's {@link AgentRoster} to have every agent in the cluster
 * diagnose its host (Docker engine, disk of its data root, clock against this coordinator) and answers
 * {@link HostDiagnosisJson} with 200, silent agents included; 503 JSON error only if the roster itself does not
 * answer within the diagnosis deadline plus a grace of 2 s. The hosts the latest status snapshot lists are expected,
 * so one whose agent has left the cluster is listed as such.
 */
public final class HostDiagnosisRoutes extends AllDirectives {

    private static final Duration GRACE = Duration.ofSeconds(2);

    private final ActorRef<AgentRoster.Command> roster;
    private final StatusBoard board;
    private final ActorSystem<?> system;
    private final Duration deadline;

    /**
     * @param roster   this node's roster
     * @param board    this node's status board (the hosts the recovery manager sees)
     * @param system   the actor system (scheduler, cluster address)
     * @param deadline {@code blackstart.coordinator.agents.diagnosis-deadline}
     */
    public HostDiagnosisRoutes(ActorRef<AgentRoster.Command> roster, StatusBoard board, ActorSystem<?> system,
                               Duration deadline) {
        this.roster = roster;
        this.board = board;
        this.system = system;
        this.deadline = deadline;
    }

    /** The route answering {@code GET} at the current path. */
    Route route() {
        long receivedMillis = System.currentTimeMillis();
        Set<String> expected = new LinkedHashSet<>();
        board.latest().ifPresent(s -> s.hosts().forEach(h -> expected.add(h.nodeId())));
        Duration askTimeout = deadline.plus(GRACE);
        CompletionStage<HostsDiagnosis> answer = AskPattern.ask(roster,
                replyTo -> new AgentRoster.DiagnoseHosts(expected, replyTo), askTimeout, system.scheduler());
        String self = selfAddress();
        return completeWithFuture(answer.handle((d, err) -> err == null
                ? HttpApi.response(StatusCodes.OK, HostDiagnosisJson.build(self, d, receivedMillis).toString())
                : HttpApi.response(StatusCodes.SERVICE_UNAVAILABLE, HttpApi.error("no host diagnosis within "
                + askTimeout.toMillis() + " ms: " + err))));
    }

    private String selfAddress() {
        String provider = system.settings().config().getString("pekko.actor.provider");
        boolean clustered = provider.equals("cluster") || provider.endsWith("ClusterActorRefProvider");
        return clustered ? Cluster.get(system).selfMember().address().toString() : system.address().toString();
    }
}
