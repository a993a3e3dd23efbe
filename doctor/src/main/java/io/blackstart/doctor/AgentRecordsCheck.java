package io.blackstart.doctor;

import java.util.ArrayList;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * {@link #NAME}: the agents the coordinators recorded in etcd, read straight from etcd, so the doctor can say which
 * agents to expect while no coordinator answers. Ok with the list (and how long ago each was last recorded), also
 * when none is recorded yet; warn when no etcd member answers the read.
 */
public final class AgentRecordsCheck implements CheckTask {

    /** The check group. */
    public static final String GROUP = "agents";
    /** Name of the check. */
    public static final String NAME = "agents recorded";

    private static final int NAMED = 10;

    private final ExpectedAgents expected;
    private final LongSupplier clock;

    /**
     * @param expected the run's expectation, which reads the records once
     * @param clock    this machine's wall clock (epoch ms), for the ages
     */
    public AgentRecordsCheck(ExpectedAgents expected, LongSupplier clock) {
        this.expected = expected;
        this.clock = clock;
    }

    @Override
    public String group() {
        return GROUP;
    }

    @Override
    public List<String> names() {
        return List.of(NAME);
    }

    @Override
    public List<Check> run() {
        RecordedAgents r = expected.recorded().orElseThrow(() -> new IllegalStateException("etcd is not configured"));
        String where = expected.recordsWhere();
        if (!r.read()) {
            return List.of(Check.warn(GROUP, NAME, "cannot read the agents recorded under " + where + ": "
                            + r.problem().get(),
                    "see the etcd checks; meanwhile the agents expected come from --inventory or the coordinator",
                    r.millis()));
        }
        if (r.agents().isEmpty()) {
            return List.of(Check.ok(GROUP, NAME, "no agent recorded under " + where + " (read from " + r.from()
                    + "): no coordinator has seen an agent yet, or the coordinators use another --prefix", r.millis()));
        }
        long now = clock.getAsLong();
        List<String> named = new ArrayList<>();
        for (RecordedAgents.Agent a : r.agents()) {
            if (named.size() == NAMED) {
                named.add("and " + (r.agents().size() - NAMED) + " more");
                break;
            }
            named.add(a.nodeId() + " (last recorded " + age(now - a.lastSeenMillis()) + " ago)");
        }
        return List.of(Check.ok(GROUP, NAME, r.agents().size() + " agent" + (r.agents().size() == 1 ? "" : "s")
                + " recorded under " + where + " (read from " + r.from() + "): " + String.join(", ", named),
                r.millis()));
    }

    /** A short human age: {@code 12 s}, {@code 4 min}, {@code 3 h}, {@code 2 d}. */
    static String age(long millis) {
        long s = Math.max(0, millis) / 1000;
        if (s < 120) {
            return s + " s";
        }
        if (s < 2 * 3600) {
            return (s / 60) + " min";
        }
        if (s < 2 * 86400) {
            return (s / 3600) + " h";
        }
        return (s / 86400) + " d";
    }
}
