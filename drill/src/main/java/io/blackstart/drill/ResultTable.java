package io.blackstart.drill;

import java.util.Locale;

/**
 * Renders a {@link DrillResult} as a plain-text table for a terminal: one row per policy with makespan, makespan ÷
 * lower bound, start timeouts, retries, duplicates, peak starts in flight per host ÷ its credits, mean and p95 app
 * downtime, and the time until the platform tier was up; the lower bound above it.
 */
public final class ResultTable {

    private ResultTable() {
    }

    public static String render(DrillResult r) {
        StringBuilder sb = new StringBuilder();
        LowerBound lb = r.lowerBound();
        sb.append(String.format(Locale.ROOT, "Blackout drill: %,d hosts, %,d apps, %,d instances, seed %d%n",
                r.hosts(), r.apps(), r.instances(), r.seed()));
        if (r.scenario() != Scenario.DEFAULT) {
            sb.append("Scenario ").append(r.scenario().wireName()).append(": ").append(r.scenario().summary())
                    .append(String.format(Locale.ROOT, "%n"));
        }
        if (r.readiness()) {
            sb.append("Readiness modelled: up means ready (boot != ready); crash restarts: in-place restarts of "
                    + "dependants started before their dependencies were ready\n");
        }
        if (r.etcdOutage()) {
            sb.append(String.format(Locale.ROOT, "etcd outage: no writes from %s to %s; in outage: starts sent "
                    + "inside it%n", duration(r.etcdOutageFrom()), duration(r.etcdOutageTo())));
        }
        if (r.readiness()) {
            sb.append(String.format(Locale.ROOT, "Lower bound: %s (platform tier ready %s; the rest %s after the "
                    + "platform runs); without the platform gate %s%n%n", duration(lb.totalSeconds()),
                    duration(lb.platformSeconds()), duration(lb.restSeconds()), duration(lb.ungatedSeconds())));
        } else {
            sb.append(String.format(Locale.ROOT, "Lower bound: %s (platform tier %s + the rest %s); without the "
                    + "platform gate %s%n%n", duration(lb.totalSeconds()), duration(lb.platformSeconds()),
                    duration(lb.restSeconds()), duration(lb.ungatedSeconds())));
        }
        String fmt = "%-21s %10s %7s %9s %8s %6s %9s %10s %10s %10s";
        StringBuilder head1 = new StringBuilder(String.format(Locale.ROOT, fmt, "policy", "makespan", "x LB",
                "timeouts", "retries", "dups", "inflight/", "mean down", "p95 down", "platform"));
        StringBuilder head2 = new StringBuilder(String.format(Locale.ROOT, fmt, "", "", "", "", "", "", "credit", "",
                "", "up"));
        if (r.readiness()) {
            head1.append(String.format(Locale.ROOT, " %9s", "crash"));
            head2.append(String.format(Locale.ROOT, " %9s", "restarts"));
        }
        if (r.etcdOutage()) {
            head1.append(String.format(Locale.ROOT, " %9s", "starts in"));
            head2.append(String.format(Locale.ROOT, " %9s", "outage"));
        }
        boolean extra = r.readiness() || r.etcdOutage();
        if (!extra) {
            // the table as it always was: its 18-column policy name
            fmt = "%-18s %10s %7s %9s %8s %6s %9s %10s %10s %10s";
            head1 = new StringBuilder(String.format(Locale.ROOT, fmt, "policy", "makespan", "x LB", "timeouts",
                    "retries", "dups", "inflight/", "mean down", "p95 down", "platform"));
            head2 = new StringBuilder(String.format(Locale.ROOT, fmt, "", "", "", "", "", "", "credit", "", "", "up"));
        }
        sb.append(head1).append(String.format("%n")).append(head2).append(String.format("%n"));
        for (PolicyOutcome o : r.policies().values()) {
            // an incomplete run has no makespan: it shows how many instances came up
            String makespan = o.complete() ? duration(o.makespanSeconds())
                    : String.format(Locale.ROOT, "%d/%d*", o.instancesUp(), o.instances());
            sb.append(String.format(Locale.ROOT, fmt, o.policy(), makespan,
                    o.complete() ? String.format(Locale.ROOT, "%.2f", r.ratioToLowerBound(o.policy()))
                            + (Drill.honoursGate(o.policy()) ? "" : "\u2020") : "-",
                    String.format(Locale.ROOT, "%,d", o.timeouts()), String.format(Locale.ROOT, "%,d", o.retries()),
                    String.format(Locale.ROOT, "%,d", o.duplicates()),
                    String.format(Locale.ROOT, "%.2f", o.peakInflightPerCredit()),
                    duration(o.meanDowntimeSeconds()), duration(o.p95DowntimeSeconds()),
                    duration(o.platformUpSeconds())));
            if (r.readiness()) {
                sb.append(String.format(Locale.ROOT, " %9s", String.format(Locale.ROOT, "%,d", o.crashRestarts())));
            }
            if (r.etcdOutage()) {
                sb.append(String.format(Locale.ROOT, " %9s",
                        String.format(Locale.ROOT, "%,d", o.startsDuringOutage())));
            }
            sb.append(String.format("%n"));
        }
        if (r.policies().keySet().stream().anyMatch(p -> !Drill.honoursGate(p))) {
            sb.append("\u2020 no start order (no platform gate, no dependency order): x the bound without the "
                    + "platform gate, ").append(duration(lb.ungatedSeconds())).append('\n');
        }
        boolean incomplete = r.policies().values().stream().anyMatch(o -> !o.complete());
        if (incomplete) {
            sb.append("* incomplete: instances up / desired when the simulation gave up at ")
                    .append(duration(PolicyOutcome.HORIZON)).append(" (no makespan; downtimes count to then)\n");
        }
        if (!r.rejected().isEmpty()) {
            sb.append(String.format(Locale.ROOT, "%nRejected from the catalog: %d app(s), not drilled%n",
                    r.rejected().size()));
            r.rejected().stream().limit(10).forEach(e -> sb.append("  ").append(e.key()).append(' ')
                    .append(e.field()).append(": ").append(e.message()).append('\n'));
            if (r.rejected().size() > 10) {
                sb.append("  ... and ").append(r.rejected().size() - 10).append(" more (--json lists 100)\n");
            }
        }
        return sb.toString();
    }

    /** Seconds as {@code 12.3s}, {@code 4m05s} or {@code 2h03m}. */
    static String duration(double s) {
        if (Double.isInfinite(s) || Double.isNaN(s)) {
            return "-";
        }
        if (s < 60) {
            return String.format(Locale.ROOT, "%.1fs", s);
        }
        long t = Math.round(s);
        if (t < 3600) {
            return String.format(Locale.ROOT, "%dm%02ds", t / 60, t % 60);
        }
        return String.format(Locale.ROOT, "%dh%02dm", t / 3600, (t % 3600) / 60);
    }
}
