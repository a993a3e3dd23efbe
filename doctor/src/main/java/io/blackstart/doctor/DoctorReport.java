package io.blackstart.doctor;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The outcome of one doctor run: every check, and the failing checks that are root causes.
 *
 * <p>Exit code rule ({@link #exitCode()}, a severity, not the process exit code: that is
 * {@link DoctorCommand#exitCode}): 0 when every check is ok, 1 when there are warnings but no
 * failure, 2 when any check fails. The JSON form ({@link ReportJson}) is
 * {@code {"checks":[{"group","name","status","finding","hint","blocks":[...]}],"rootCauses":[...]}}.
 *
 * @param checks     all checks, in display order
 * @param rootCauses names of failing checks with no failing prerequisite, in display order
 * @param blockedBy  for each failing check that is not a root cause, the root causes upstream of it
 * @param impacts    for each root cause, the consequence sentences of the capabilities it blocks
 *                   (e.g. "recovery cannot start")
 */
public record DoctorReport(List<Check> checks, List<String> rootCauses, Map<String, List<String>> blockedBy,
                           Map<String, List<String>> impacts) {

    /** Copies. */
    public DoctorReport {
        checks = List.copyOf(checks);
        rootCauses = List.copyOf(rootCauses);
        blockedBy = Map.copyOf(blockedBy);
        impacts = Map.copyOf(impacts);
    }

    /** 0 all ok, 1 warnings only, 2 any failure. */
    public int exitCode() {
        return switch (worst()) {
            case OK -> 0;
            case WARN -> 1;
            case FAIL -> 2;
        };
    }

    /** The most severe status; {@link Status#OK} for an empty report. */
    public Status worst() {
        return checks.stream().map(Check::status).reduce(Status.OK, Status::worst);
    }

    /** True when every check is ok. */
    public boolean allOk() {
        return worst() == Status.OK;
    }

    /** The check with this name, if present. */
    public Optional<Check> check(String name) {
        return checks.stream().filter(c -> c.name().equals(name)).findFirst();
    }

    /** The checks grouped by {@link Check#group()}, groups in order of first appearance. */
    public Map<String, List<Check>> byGroup() {
        Map<String, List<Check>> groups = new LinkedHashMap<>();
        for (Check c : checks) {
            groups.computeIfAbsent(c.group(), g -> new java.util.ArrayList<>()).add(c);
        }
        return groups;
    }

    /** The JSON report (see {@link ReportJson}). */
    public String toJson() {
        return ReportJson.write(this);
    }

    /** The human report (see {@link ReportText}). */
    public String toText() {
        return ReportText.render(this);
    }
}
