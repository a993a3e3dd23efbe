package io.blackstart.drill;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The result of a drill: the platform, the lower bound, and each policy's outcome, in the order they ran.
 *
 * @param seed        the seed
 * @param hosts       hosts of the platform
 * @param instances   desired instances
 * @param apps        apps of the catalog
 * @param lowerBound  the makespan bound no policy can beat
 * @param policies    outcome per policy name
 */
public record DrillResult(long seed, int hosts, int instances, int apps, LowerBound lowerBound,
                          Map<String, PolicyOutcome> policies) {

    public DrillResult {
        policies = Collections.unmodifiableMap(new LinkedHashMap<>(policies));
    }

    /** Makespan ÷ lower bound of a policy. */
    public double ratioToLowerBound(String policy) {
        return policies.get(policy).makespanSeconds() / lowerBound.totalSeconds();
    }

    /**
     * The {@code blackstart drill --json} document, with exactly the fields of DESIGN.md ("Drill output"): seed,
     * hosts, instances, lowerBoundSeconds, and per policy makespanSeconds, timeouts, retries, duplicates,
     * peakInflightPerCredit, meanDowntimeSeconds, p95DowntimeSeconds, platformUpSeconds.
     */
    public String toJson() {
        ObjectMapper json = new ObjectMapper();
        ObjectNode root = json.createObjectNode();
        root.put("seed", seed);
        root.put("hosts", hosts);
        root.put("instances", instances);
        root.put("lowerBoundSeconds", round(lowerBound.totalSeconds()));
        ObjectNode ps = root.putObject("policies");
        for (PolicyOutcome o : policies.values()) {
            ObjectNode p = ps.putObject(o.policy());
            p.put("makespanSeconds", round(o.makespanSeconds()));
            p.put("timeouts", o.timeouts());
            p.put("retries", o.retries());
            p.put("duplicates", o.duplicates());
            p.put("peakInflightPerCredit", round(o.peakInflightPerCredit()));
            p.put("meanDowntimeSeconds", round(o.meanDowntimeSeconds()));
            p.put("p95DowntimeSeconds", round(o.p95DowntimeSeconds()));
            p.put("platformUpSeconds", round(o.platformUpSeconds()));
        }
        try {
            return json.writerWithDefaultPrettyPrinter().writeValueAsString(root);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static double round(double v) {
        return Math.round(v * 1000) / 1000.0;
    }
}
