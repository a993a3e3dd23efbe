package io.blackstart.coordinator.api;

import io.blackstart.coordinator.agents.HostsDiagnosis;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.blackstart.common.ClockSkew;
import io.blackstart.protocol.wire.EngineDiagnosis;

import java.time.Instant;

/**
 * The body of {@code GET /api/v1/hosts/diagnosis}. Pure.
 *
 * <pre>
 * {"coordinator":"pekko://blackstart@127.0.0.1:25520","receivedMillis":..,"answeredMillis":..,"startedAt":"...",
 *  "startedMillis":..,"deadlineMillis":5000,"durationMillis":14,"asked":2,"answered":1,
 *  "hosts":[{"nodeId":"local-1","address":"pekko://blackstart@127.0.0.1:40113","answered":true,"detail":"",
 *            "clock":{"skewMillis":1,"uncertaintyMillis":1,"provableSkewMillis":0,"roundTripMillis":4},
 *            "docker":{"reachable":true,"version":"20.10.24","apiVersion":"1.41","storageDriver":"overlay2",
 *                      "dataRoot":"/var/lib/docker","freeBytes":..,"totalBytes":..,"error":"","millis":6}},
 *           {"nodeId":"local-2","address":"...","answered":false,"detail":"its agent did not answer within 5000 ms",
 *            "clock":null,"docker":null}]}
 * </pre>
 * {@code receivedMillis} and {@code answeredMillis} are the coordinator's wall clock when the HTTP request came and
 * when this body was built: with the caller's own send and receive times they give the coordinator's clock offset
 * the NTP way (the doctor does). {@code skewMillis} is the agent's clock minus the coordinator's (positive: the agent is ahead), exact within
 * ± {@code uncertaintyMillis}; {@code provableSkewMillis} is the part of it beyond the uncertainty. {@code freeBytes}
 * and {@code totalBytes} are -1 when the agent cannot see its engine's data root. {@code nodeId} is "" for an agent
 * that did not answer and could not be named.
 */
public final class HostDiagnosisJson {

    private static final ObjectMapper JSON = new ObjectMapper();

    private HostDiagnosisJson() {
    }

    /**
     * @param receivedMillis this coordinator's wall clock when the request came ({@code answeredMillis} is read now)
     */
    static ObjectNode build(String coordinator, HostsDiagnosis d, long receivedMillis) {
        ObjectNode n = JSON.createObjectNode();
        n.put("coordinator", coordinator);
        n.put("receivedMillis", receivedMillis);
        n.put("answeredMillis", Math.max(receivedMillis, System.currentTimeMillis()));
        n.put("startedAt", Instant.ofEpochMilli(d.startedMillis()).toString());
        n.put("startedMillis", d.startedMillis());
        n.put("deadlineMillis", d.deadlineMillis());
        n.put("durationMillis", d.durationMillis());
        n.put("asked", d.asked());
        n.put("answered", d.answered());
        ArrayNode hosts = n.putArray("hosts");
        for (HostsDiagnosis.Host h : d.hosts()) {
            ObjectNode o = hosts.addObject();
            o.put("nodeId", h.nodeId());
            o.put("address", h.address());
            o.put("answered", h.answered());
            o.put("detail", h.detail());
            if (h.clock().isPresent()) {
                ClockSkew.Offset c = h.clock().get();
                o.putObject("clock").put("skewMillis", c.offsetMillis()).put("uncertaintyMillis", c.uncertaintyMillis())
                        .put("provableSkewMillis", c.provableMillis()).put("roundTripMillis", c.roundTripMillis());
            } else {
                o.putNull("clock");
            }
            if (h.docker().isPresent()) {
                EngineDiagnosis e = h.docker().get();
                o.putObject("docker").put("reachable", e.reachable()).put("version", e.version())
                        .put("apiVersion", e.apiVersion()).put("storageDriver", e.storageDriver())
                        .put("dataRoot", e.dataRoot()).put("freeBytes", e.freeBytes()).put("totalBytes", e.totalBytes())
                        .put("error", e.error()).put("millis", e.millis());
            } else {
                o.putNull("docker");
            }
        }
        return n;
    }
}
