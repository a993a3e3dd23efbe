package io.blackstart.doctor;

import java.util.List;
import java.util.Map;

/**
 * The human form of a {@link DoctorReport}, in the manner of {@code linkerd check}: root causes first with
 * what each one blocks, then one section per group with {@code ✔} / {@code ‼} / {@code ✘} per check and
 * the hint under every warning or failure, then a status line.
 *
 * <pre>
 * Root causes
 * -----------
 * ✘ etcd quorum: etcd has no quorum: ...
 *     recovery cannot start: etcd has no quorum: ...
 *     blocks: etcd raft index lag, recovery
 *     hint: ...
 *
 * etcd
 * ----
 * ‼ etcd member http://127.0.0.1:23893: e3 is down: connection refused
 *     hint: ...
 * </pre>
 */
public final class ReportText {

    private ReportText() {
    }

    /** Renders the report; lines end with {@code \n}. */
    public static String render(DoctorReport report) {
        StringBuilder sb = new StringBuilder();
        if (!report.rootCauses().isEmpty()) {
            heading(sb, "Root causes");
            for (String name : report.rootCauses()) {
                Check c = report.check(name).orElseThrow();
                line(sb, c);
                List<String> consequences = report.impacts().getOrDefault(name, List.of());
                if (!consequences.isEmpty()) {
                    sb.append("    ").append(String.join("; ", consequences)).append(": ").append(c.finding())
                            .append('\n');
                }
                if (!c.blocks().isEmpty()) {
                    sb.append("    blocks: ").append(String.join(", ", c.blocks())).append('\n');
                }
                hint(sb, c);
            }
            sb.append('\n');
        }
        for (Map.Entry<String, List<Check>> group : report.byGroup().entrySet()) {
            heading(sb, group.getKey());
            for (Check c : group.getValue()) {
                line(sb, c);
                List<String> upstream = report.blockedBy().getOrDefault(c.name(), List.of());
                if (!upstream.isEmpty()) {
                    sb.append("    blocked by: ").append(String.join(", ", upstream)).append('\n');
                }
                if (c.status() != Status.OK) {
                    hint(sb, c);
                }
            }
            sb.append('\n');
        }
        sb.append("Status: ").append(summary(report)).append('\n');
        return sb.toString();
    }

    private static String summary(DoctorReport report) {
        long warn = report.checks().stream().filter(c -> c.status() == Status.WARN).count();
        long fail = report.checks().stream().filter(c -> c.status() == Status.FAIL).count();
        String counts = report.checks().size() + " checks, " + warn + " warning" + (warn == 1 ? "" : "s") + ", "
                + fail + " failure" + (fail == 1 ? "" : "s");
        return switch (report.worst()) {
            case OK -> Status.OK.symbol() + " all checks passed (" + counts + ")";
            case WARN -> Status.WARN.symbol() + " passed with warnings (" + counts + ")";
            case FAIL -> Status.FAIL.symbol() + " failed (" + counts + ", root causes: "
                    + String.join(", ", report.rootCauses()) + ")";
        };
    }

    private static void heading(StringBuilder sb, String title) {
        sb.append(title).append('\n').append("-".repeat(title.length())).append('\n');
    }

    private static void line(StringBuilder sb, Check c) {
        sb.append(c.status().symbol()).append(' ').append(c.name()).append(": ").append(c.finding()).append('\n');
    }

    private static void hint(StringBuilder sb, Check c) {
        if (!c.hint().isEmpty()) {
            sb.append("    hint: ").append(c.hint()).append('\n');
        }
    }
}
