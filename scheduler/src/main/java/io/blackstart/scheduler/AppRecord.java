package io.blackstart.scheduler;

import io.blackstart.protocol.AppSpec;

import java.util.ArrayList;
import java.util.List;

/**
 * One desired app as the ledger keeps it: its spec and the counters of its instances that dependencies and the
 * platform gate read (running, failed, unready, needing attention), its dependants, and its instances parked until
 * a dependency is up.
 */
final class AppRecord {
    AppSpec spec;
    int total;
    /** Instances RUNNING (up). */
    int running;
    int failed;
    /** Instances RUNNING_UNREADY, and NEEDS_ATTENTION (explanations of the dependants). */
    int unready;
    int attention;
    /** Dependencies with instances of which none is up. */
    int unmet;
    /** A dependency whose every instance failed, or null. */
    String deadDep;
    List<AppRecord> dependents = new ArrayList<>();
    List<Instance> parked = new ArrayList<>();
}
