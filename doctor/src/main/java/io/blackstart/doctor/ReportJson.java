package io.blackstart.doctor;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.List;

/**
 * The machine-readable form of a {@link DoctorReport}, a contract scripts rely on:
 * <pre>
 * {"checks":[{"group":"etcd","name":"etcd quorum","status":"fail","finding":"...","hint":"...",
 *             "blocks":["recovery"],"durationMillis":12,"blockedBy":[]}],
 *  "rootCauses":["etcd quorum"]}
 * </pre>
 * {@code status} is {@code ok}, {@code warn} or {@code fail}; {@code hint} is {@code ""} when there is
 * nothing to do. The extra fields {@code durationMillis} and {@code blockedBy} (root causes upstream of a
 * failing check) appear only inside check objects.
 */
public final class ReportJson {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private ReportJson() {
    }

    /** The report as compact JSON. */
    public static String write(DoctorReport report) {
        return toString(toTree(report));
    }

    /** The report as a Jackson tree. */
    public static ObjectNode toTree(DoctorReport report) {
        ObjectNode root = MAPPER.createObjectNode();
        ArrayNode checks = root.putArray("checks");
        for (Check c : report.checks()) {
            ObjectNode o = checks.addObject();
            o.put("group", c.group());
            o.put("name", c.name());
            o.put("status", c.status().json());
            o.put("finding", c.finding());
            o.put("hint", c.hint());
            ArrayNode blocks = o.putArray("blocks");
            c.blocks().forEach(blocks::add);
            o.put("durationMillis", c.durationMillis());
            ArrayNode blockedBy = o.putArray("blockedBy");
            report.blockedBy().getOrDefault(c.name(), List.of()).forEach(blockedBy::add);
        }
        ArrayNode roots = root.putArray("rootCauses");
        report.rootCauses().forEach(roots::add);
        return root;
    }

    private static String toString(ObjectNode node) {
        try {
            return MAPPER.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise a tree of strings and numbers", e);
        }
    }
}
