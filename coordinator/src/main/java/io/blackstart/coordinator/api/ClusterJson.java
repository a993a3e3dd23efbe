package io.blackstart.coordinator.api;

import io.blackstart.coordinator.CoordinatorNode;
import io.blackstart.coordinator.status.StatusSnapshot;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.blackstart.coordinator.tracker.TimelineEvent;
import org.apache.pekko.actor.Address;
import org.apache.pekko.cluster.ClusterEvent.CurrentClusterState;
import org.apache.pekko.cluster.Member;
import org.apache.pekko.cluster.MemberStatus;

import java.time.Instant;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The body of {@code GET /api/v1/cluster}: this node's view of the coordinator cluster (a local read of the
 * cluster state) and the agents of the latest {@link StatusSnapshot}. Pure: it builds JSON from what it is given.
 *
 * <p>{@code singleton} is the oldest {@code Up} member with the {@code coordinator} role, where the recovery
 * manager singleton runs ({@code null} when there is none). {@code agentsPresent} are the hosts reporting in
 * the snapshot; {@code agentsKnown} adds every host the recovery tracker's timeline ever saw join or get lost.
 */
public final class ClusterJson {

    private static final ObjectMapper JSON = new ObjectMapper();

    private ClusterJson() {
    }

    static ObjectNode build(Address self, CurrentClusterState state, Optional<StatusSnapshot> snapshot, long now) {
        ObjectNode n = JSON.createObjectNode();
        n.put("self", self.toString());
        ArrayNode members = n.putArray("members");
        Member oldest = null;
        for (Member m : state.getMembers()) {
            ObjectNode o = members.addObject();
            o.put("address", m.address().toString());
            o.put("status", m.status().toString());
            ArrayNode roles = o.putArray("roles");
            new TreeSet<>(m.getRoles()).forEach(roles::add);
            if (m.status().equals(MemberStatus.up()) && m.hasRole(CoordinatorNode.ROLE)
                    && (oldest == null || m.isOlderThan(oldest))) {
                oldest = m;
            }
        }
        ArrayNode unreachable = n.putArray("unreachable");
        Set<String> gone = new TreeSet<>();
        state.getUnreachable().forEach(m -> gone.add(m.address().toString()));
        gone.forEach(unreachable::add);
        Address leader = state.getLeader();
        if (leader == null) {
            n.putNull("leader");
        } else {
            n.put("leader", leader.toString());
        }
        if (oldest == null) {
            n.putNull("singleton");
        } else {
            n.put("singleton", oldest.address().toString());
        }
        TreeMap<String, Long> present = new TreeMap<>();
        Set<String> known = new TreeSet<>();
        snapshot.ifPresent(s -> {
            s.hosts().forEach(h -> present.put(h.nodeId(), h.lastReportMillis()));
            for (TimelineEvent e : s.tracking().timeline()) {
                if (e.kind().startsWith("host-")) {
                    known.add(e.subject());
                }
            }
        });
        known.addAll(present.keySet());
        ArrayNode agents = n.putArray("agentsPresent");
        present.forEach((id, last) -> agents.addObject().put("nodeId", id).put("lastReportMillis", last));
        ArrayNode knownArray = n.putArray("agentsKnown");
        known.forEach(knownArray::add);
        n.put("statusAvailable", snapshot.isPresent());
        n.put("generatedAt", Instant.ofEpochMilli(now).toString());
        return n;
    }
}
