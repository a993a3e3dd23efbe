package io.blackstart.doctor;

import java.util.List;
import java.util.Optional;

/**
 * The agents the coordinators recorded in etcd under {@code <prefix>/agents/<nodeId>} (JSON
 * {@code {"nodeId","address","firstSeen","lastSeen"}}, written by the coordinators' agent rosters), as one read saw
 * them.
 *
 * @param agents  the records, by node id; empty when not read
 * @param from    the client URL of the member whose answer is used (the highest revision among those that answered)
 * @param problem why no member's answer could be used; empty when read
 * @param millis  how long the read took
 */
public record RecordedAgents(List<Agent> agents, String from, Optional<String> problem, long millis) {

    public RecordedAgents {
        agents = List.copyOf(agents);
    }

    /** True when a member answered. */
    public boolean read() {
        return problem.isEmpty();
    }

    /** A read that failed. */
    public static RecordedAgents failed(String problem, long millis) {
        return new RecordedAgents(List.of(), "", Optional.of(problem), millis);
    }

    /**
     * One record.
     *
     * @param nodeId          the agent's node id (the key's last segment)
     * @param address         its actor system address when last recorded
     * @param firstSeenMillis epoch millis a coordinator first recorded it
     * @param lastSeenMillis  epoch millis of the latest write (refreshed every few minutes while it reports)
     */
    public record Agent(String nodeId, String address, long firstSeenMillis, long lastSeenMillis) {
    }
}
