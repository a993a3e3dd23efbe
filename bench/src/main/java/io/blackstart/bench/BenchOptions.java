package io.blackstart.bench;

/**
 * Options of one benchmark invocation, as {@link BenchCommand} parses them.
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
}
