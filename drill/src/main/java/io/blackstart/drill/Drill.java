package io.blackstart.drill;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Entry point of the drill: a whole-platform blackout rehearsed in simulation, the same {@link World} replayed
 * under each policy. Deterministic: the same {@link DrillOptions} give the same {@link DrillResult} (wall times
 * aside). Single-threaded; safe to call from any thread.
 */
public final class Drill {

    /** Policy names, in the order a full drill runs them. */
    public static final List<String> POLICIES = List.of(BlackstartPolicy.NAME, StaleSnapshotPolicy.NAME,
            RandomPolicy.NAME, PowerOfTwoPolicy.NAME, AllocationSpreadPolicy.NAME);

    private Drill() {
    }

    /**
     * Runs the drill.
     *
     * @throws IllegalArgumentException if the catalog file is invalid
     * @throws java.io.UncheckedIOException if it cannot be read
     */
    public static DrillResult run(DrillOptions options, ProgressListener progress) {
        return run(options, HostModel.defaults(), progress, null);
    }

    /** Runs with an explicit host model and an optional trace sink (tests). */
    static DrillResult run(DrillOptions options, HostModel model, ProgressListener progress,
                           java.util.function.BiConsumer<String, TraceEvent> trace) {
        World world = WorldGenerator.generate(options, model);
        return run(world, options, progress, trace);
    }

    static DrillResult run(World world, DrillOptions options, ProgressListener progress,
                           java.util.function.BiConsumer<String, TraceEvent> trace) {
        ProgressListener listener = progress == null ? ProgressListener.NONE : progress;
        LowerBound lb = LowerBound.of(world);
        Map<String, PolicyOutcome> outcomes = new LinkedHashMap<>();
        List<String> names = options.policies();
        for (int k = 0; k < names.size(); k++) {
            String name = names.get(k);
            int index = k;
            Policy policy = create(name, options.seed());
            long t0 = System.nanoTime();
            Simulation sim = new Simulation(world, policy, trace == null ? null : e -> trace.accept(name, e),
                    f -> listener.progress(name, index, names.size(), f));
            sim.run();
            long wall = (System.nanoTime() - t0) / 1_000_000;
            outcomes.put(name, sim.outcome(name, wall));
            listener.progress(name, index, names.size(), 1.0);
        }
        return new DrillResult(options.seed(), world.hosts(), world.instances(), world.apps.length, lb, outcomes);
    }

    static Policy create(String name, long seed) {
        return switch (name) {
            case BlackstartPolicy.NAME -> new BlackstartPolicy(seed);
            case StaleSnapshotPolicy.NAME -> new StaleSnapshotPolicy(seed);
            case RandomPolicy.NAME -> new RandomPolicy(seed);
            case PowerOfTwoPolicy.NAME -> new PowerOfTwoPolicy(seed);
            case AllocationSpreadPolicy.NAME -> new AllocationSpreadPolicy(seed);
            default -> throw new IllegalArgumentException("unknown policy " + name);
        };
    }
}
