package io.blackstart.drill;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.blackstart.protocol.SpecError;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
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
 * @param rejected    apps of a {@code --catalog} file that were rejected, with their reasons (the drill runs the
 *                    others)
 * @param readiness   whether readiness was modelled (up means ready; see drill/README.md)
 * @param etcdOutageFrom start of the etcd outage window, s (NaN: none)
 * @param etcdOutageTo   its end, s (NaN: none)
 * @param scenario    the preset platform ({@link Scenario#DEFAULT} unless {@code --scenario} chose another)
 */
public record DrillResult(long seed, int hosts, int instances, int apps, LowerBound lowerBound,
                          Map<String, PolicyOutcome> policies, List<SpecError> rejected, boolean readiness,
                          double etcdOutageFrom, double etcdOutageTo, Scenario scenario) {

    /** At most this many rejections are listed in {@link #toJson()} ({@code rejectedApps} counts all). */
    static final int REJECTED_SHOWN = 100;

    public DrillResult {
        policies = Collections.unmodifiableMap(new LinkedHashMap<>(policies));
        rejected = List.copyOf(rejected);
    }

    /** A drill of the default scenario. */
    public DrillResult(long seed, int hosts, int instances, int apps, LowerBound lowerBound,
                       Map<String, PolicyOutcome> policies, List<SpecError> rejected, boolean readiness,
                       double etcdOutageFrom, double etcdOutageTo) {
        this(seed, hosts, instances, apps, lowerBound, policies, rejected, readiness, etcdOutageFrom, etcdOutageTo,
                Scenario.DEFAULT);
    }

    /** A drill without readiness or etcd outage. */
    public DrillResult(long seed, int hosts, int instances, int apps, LowerBound lowerBound,
                       Map<String, PolicyOutcome> policies, List<SpecError> rejected) {
        this(seed, hosts, instances, apps, lowerBound, policies, rejected, false, Double.NaN, Double.NaN);
    }

    /** True when an etcd outage window was modelled. */
    public boolean etcdOutage() {
        return !Double.isNaN(etcdOutageFrom);
    }

    /** A drill of a generated catalog (nothing rejected). */
    public DrillResult(long seed, int hosts, int instances, int apps, LowerBound lowerBound,
                       Map<String, PolicyOutcome> policies) {
        this(seed, hosts, instances, apps, lowerBound, policies, List.of());
    }

    /**
     * The lower bound that applies to {@code policy}: the gated total for a policy that honours the platform gate and
     * dependency order, the ungated bound for one that does not ({@link Drill#GATE_FREE}).
     */
    public double boundFor(String policy) {
        return Drill.honoursGate(policy) ? lowerBound.totalSeconds() : lowerBound.ungatedSeconds();
    }

    /** Makespan ÷ the bound that applies to the policy ({@link #boundFor}); NaN when it did not bring every instance up. */
    public double ratioToLowerBound(String policy) {
        PolicyOutcome o = policies.get(policy);
        return o.complete() ? o.makespanSeconds() / boundFor(policy) : Double.NaN;
    }

    /**
     * The {@code blackstart drill --json} document, with exactly the fields of DESIGN.md ("Drill output"): seed,
     * hosts, instances, lowerBoundSeconds (the gated bound: every policy here honours the platform gate), and
     * beyond it lowerBoundUngatedSeconds (the bound of any schedule, gated or not), and per policy makespanSeconds, timeouts, retries, duplicates,
     * peakInflightPerCredit, meanDowntimeSeconds, p95DowntimeSeconds, platformUpSeconds; and, beyond it, per policy
     * {@code instancesUp}, {@code instances} and {@code complete} ({@code makespanSeconds} is null when a policy did
     * not bring every instance up: the give-up time is not a makespan), and {@code rejectedApps} with the first
     * {@value #REJECTED_SHOWN} reasons in {@code rejected}. With readiness: {@code "readiness": true}, every time
     * is to ready, and per policy {@code crashRestarts}; with an etcd outage: {@code etcdOutage} {fromSeconds,
     * toSeconds} and per policy {@code startsDuringOutage}; with {@code --scenario} other than the default,
     * {@code "scenario": NAME}. Without any of them, none of these fields appears.
     */
    public String toJson() {
        ObjectMapper json = new ObjectMapper();
        ObjectNode root = json.createObjectNode();
        root.put("seed", seed);
        root.put("hosts", hosts);
        root.put("instances", instances);
        root.put("lowerBoundSeconds", round(lowerBound.totalSeconds()));
        root.put("lowerBoundUngatedSeconds", round(lowerBound.ungatedSeconds()));
        if (scenario != Scenario.DEFAULT) {
            root.put("scenario", scenario.wireName());
        }
        if (readiness) {
            root.put("readiness", true);
        }
        if (etcdOutage()) {
            root.putObject("etcdOutage").put("fromSeconds", round(etcdOutageFrom)).put("toSeconds", round(etcdOutageTo));
        }
        ObjectNode ps = root.putObject("policies");
        for (PolicyOutcome o : policies.values()) {
            ObjectNode p = ps.putObject(o.policy());
            if (o.complete()) {
                p.put("makespanSeconds", round(o.makespanSeconds()));
            } else {
                p.putNull("makespanSeconds");
            }
            p.put("complete", o.complete());
            p.put("instancesUp", o.instancesUp());
            p.put("instances", o.instances());
            p.put("timeouts", o.timeouts());
            p.put("retries", o.retries());
            p.put("duplicates", o.duplicates());
            p.put("peakInflightPerCredit", round(o.peakInflightPerCredit()));
            p.put("meanDowntimeSeconds", round(o.meanDowntimeSeconds()));
            p.put("p95DowntimeSeconds", round(o.p95DowntimeSeconds()));
            p.put("platformUpSeconds", round(o.platformUpSeconds()));
            if (readiness) {
                p.put("crashRestarts", o.crashRestarts());
            }
            if (etcdOutage()) {
                p.put("startsDuringOutage", o.startsDuringOutage());
            }
        }
        root.put("rejectedApps", rejected.size());
        ArrayNode rj = root.putArray("rejected");
        rejected.stream().limit(REJECTED_SHOWN).forEach(e -> rj.addObject().put("key", e.key()).put("field", e.field())
                .put("message", e.message()));
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
