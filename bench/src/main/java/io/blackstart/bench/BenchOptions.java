package io.blackstart.bench;

import java.util.ArrayList;
import java.util.List;

/**
 * Options of one benchmark invocation.
 *
 * @param agents       simulated agents (hosts)
 * @param instances    desired instances in the catalog
 * @param apps         apps sharing them
 * @param credits      credits each agent grants (its free start slots)
 * @param runs         measured runs per variant
 * @param warmups      unmeasured runs before them
 * @param remote       also run the agents in a second JVM over Artery on loopback
 * @param inJvm        run the in-JVM variant
 * @param json         print JSON instead of the table
 * @param seed         catalog seed
 * @param confirmDelayMillis how long an agent takes to "start" an instance (0: at once)
 * @param reportIntervalMillis an agent's report-min-interval (0: a report after every change)
 * @param fullReports  agents send only full reports (every container each time), not deltas in between
 * @param timeoutSeconds give up on a run after this long
 */
record BenchOptions(int agents, int instances, int apps, int credits, int runs, int warmups, boolean remote,
                    boolean inJvm, boolean json, long seed, int confirmDelayMillis, int reportIntervalMillis,
                    boolean fullReports, int timeoutSeconds) {

    static final String USAGE = """
            usage: blackstart bench [--agents N] [--instances N] [--apps N] [--credits N] [--runs N] [--warmups N]
                                    [--report-interval-ms MS] [--full-reports] [--remote] [--remote-only]
                                    [--seed S] [--json]
                                    [--timeout SECONDS]
              Runs the real recovery manager (one coordinator node, in-memory desired-state store) with N simulated
              agents that confirm every start at once, and measures placements per second.
              --agents N      simulated agents (default 500)
              --instances N   desired instances (default 100000)
              --apps N        apps they belong to (default instances / 10)
              --credits N     credits each agent grants (default 4)
              --runs N        measured runs per variant (default 3); the median is reported
              --warmups N     unmeasured warm-up runs per variant (default 1)
              --report-interval-ms MS
                              an agent reports at most this often, like a real agent's report-min-interval
                              (default 200); 0: a report after every start
              --full-reports  agents list every container in every report, as before delta reports (default:
                              a delta of the changed containers between full reports, like a real agent)
              --remote        also run the agents in a second JVM joined over Artery on 127.0.0.1
              --remote-only   only the second-JVM variant
              --seed S        catalog seed (default 42)
              --json          JSON on standard output instead of the table
              --timeout S     give up on a run after S seconds (default 1800)
            """;

    static BenchOptions parse(String[] args) {
        int agents = 500;
        int instances = 100_000;
        int apps = -1;
        int credits = 4;
        int runs = 3;
        int warmups = 1;
        boolean remote = false;
        boolean inJvm = true;
        boolean json = false;
        long seed = 42;
        int delay = 0;
        int reportInterval = 200;
        boolean fullReports = false;
        int timeout = 1800;
        List<String> rest = new ArrayList<>(List.of(args));
        while (!rest.isEmpty()) {
            String a = rest.remove(0);
            switch (a) {
                case "--agents" -> agents = positive(a, rest);
                case "--instances" -> instances = positive(a, rest);
                case "--apps" -> apps = positive(a, rest);
                case "--credits" -> credits = positive(a, rest);
                case "--runs" -> runs = positive(a, rest);
                case "--warmups" -> warmups = nonNegative(a, rest);
                case "--seed" -> seed = (long) nonNegative(a, rest);
                case "--timeout" -> timeout = positive(a, rest);
                case "--confirm-delay-ms" -> delay = nonNegative(a, rest);
                case "--report-interval-ms" -> reportInterval = nonNegative(a, rest);
                case "--full-reports" -> fullReports = true;
                case "--remote" -> remote = true;
                case "--remote-only" -> {
                    remote = true;
                    inJvm = false;
                }
                case "--json" -> json = true;
                default -> throw new IllegalArgumentException("unknown argument: " + a);
            }
        }
        if (apps < 0) {
            apps = Math.max(1, instances / 10);
        }
        if (apps > instances) {
            throw new IllegalArgumentException("--apps (" + apps + ") must not exceed --instances (" + instances + ")");
        }
        return new BenchOptions(agents, instances, apps, credits, runs, warmups, remote, inJvm, json, seed, delay,
                reportInterval, fullReports, timeout);
    }

    private static int positive(String flag, List<String> rest) {
        int v = nonNegative(flag, rest);
        if (v == 0) {
            throw new IllegalArgumentException(flag + " must be positive");
        }
        return v;
    }

    private static int nonNegative(String flag, List<String> rest) {
        if (rest.isEmpty()) {
            throw new IllegalArgumentException(flag + " needs a value");
        }
        String v = rest.remove(0);
        try {
            int n = Integer.parseInt(v.replace("_", ""));
            if (n < 0) {
                throw new IllegalArgumentException(flag + " must not be negative: " + v);
            }
            return n;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(flag + " needs a number: " + v);
        }
    }
}
