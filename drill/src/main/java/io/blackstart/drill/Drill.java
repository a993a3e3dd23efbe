package io.blackstart.drill;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Entry point of the drill: a whole-platform blackout rehearsed in simulation, the same {@link World} replayed
 * under each policy. Deterministic: the same {@link DrillOptions} give the same {@link DrillResult} (wall times
 * aside). The policies' simulations are independent and run in parallel, one thread per available core (each
 * simulation is single-threaded and reads the shared, immutable world); the progress listener's calls are
 * serialized. Safe to call from any thread.
 */
public final class Drill {

    /** Policy names, in the order a full drill runs them (without an etcd outage). */
    public static final List<String> POLICIES = List.of(BlackstartPolicy.NAME, StaleSnapshotPolicy.NAME,
            KubernetesPolicy.NAME, NomadPolicy.NAME,
            RandomPolicy.NAME, PowerOfTwoPolicy.NAME, AllocationSpreadPolicy.NAME);

    /**
     * Every policy name, in the order a full drill with an etcd outage runs them: {@link #POLICIES} and
     * {@code blackstart-no-journal} (the coordinator without its assignment journal), which differs from
     * {@code blackstart} only in an outage.
     */
    public static final List<String> KNOWN_POLICIES = List.of(BlackstartPolicy.NAME, BlackstartPolicy.NO_JOURNAL,
            StaleSnapshotPolicy.NAME,
            KubernetesPolicy.NAME, NomadPolicy.NAME,
            RandomPolicy.NAME, PowerOfTwoPolicy.NAME, AllocationSpreadPolicy.NAME);

    /**
     * Policies without a start order — no platform gate, no dependency order (Kubernetes and Nomad have none): the
     * lower bound that applies to them is {@link LowerBound#ungatedSeconds()}, not the gated total.
     */
    public static final List<String> GATE_FREE = List.of(KubernetesPolicy.NAME, NomadPolicy.NAME);

    private Drill() {
    }

    /** Whether {@code policy} honours the platform gate and dependency order (every policy but {@link #GATE_FREE}). */
    public static boolean honoursGate(String policy) {
        return !GATE_FREE.contains(policy);
    }

    /**
     * Runs the drill; blocks until every policy's simulation is done.
     *
     * @throws IllegalArgumentException if the catalog file is invalid
     * @throws java.io.UncheckedIOException if it cannot be read
     */
    public static DrillResult run(DrillOptions options, ProgressListener progress) {
        return run(options, options.scenario().hostModel(), progress, null);
    }

    /** Runs with an explicit host model and an optional trace sink (tests). */
    static DrillResult run(DrillOptions options, HostModel model, ProgressListener progress,
                           java.util.function.BiConsumer<String, TraceEvent> trace) {
        World world = WorldGenerator.generate(options, model);
        return run(world, options, progress, trace);
    }

    static DrillResult run(World world, DrillOptions options, ProgressListener progress,
                           java.util.function.BiConsumer<String, TraceEvent> trace) {
        ProgressListener given = progress == null ? ProgressListener.NONE : progress;
        Object lock = new Object();
        ProgressListener listener = (p, i, n, f) -> {
            synchronized (lock) {
                given.progress(p, i, n, f);
            }
        };
        LowerBound lb = LowerBound.of(world);
        List<String> names = options.policies();
        int threads = trace != null ? 1 : Math.max(1, Math.min(names.size(), Runtime.getRuntime().availableProcessors()));
        ExecutorService pool = Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "drill");
            t.setDaemon(true);
            return t;
        });
        try {
            List<Future<PolicyOutcome>> futures = new ArrayList<>();
            for (int k = 0; k < names.size(); k++) {
                String name = names.get(k);
                int index = k;
                futures.add(pool.submit(() -> simulate(world, name, index, names.size(), options.seed(), listener, trace)));
            }
            Map<String, PolicyOutcome> outcomes = new LinkedHashMap<>();
            for (int k = 0; k < names.size(); k++) {
                outcomes.put(names.get(k), futures.get(k).get());
            }
            return new DrillResult(options.seed(), world.hosts(), world.instances(), world.apps.length, lb, outcomes,
                    world.catalog.rejected(), world.readiness(), world.etcdOutageFrom, world.etcdOutageTo,
                    options.scenario());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("drill interrupted", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException re) {
                throw re;
            }
            if (e.getCause() instanceof Error err) {
                throw err;
            }
            throw new IllegalStateException(e.getCause());
        } finally {
            pool.shutdownNow();
        }
    }

    private static PolicyOutcome simulate(World world, String name, int index, int count, long seed,
                                          ProgressListener listener,
                                          java.util.function.BiConsumer<String, TraceEvent> trace) {
        Policy policy = create(name, seed);
        long t0 = System.nanoTime();
        Simulation sim = new Simulation(world, policy, trace == null ? null : e -> trace.accept(name, e),
                f -> listener.progress(name, index, count, f));
        sim.run();
        long wall = (System.nanoTime() - t0) / 1_000_000;
        listener.progress(name, index, count, 1.0);
        return sim.outcome(name, wall);
    }

    static Policy create(String name, long seed) {
        return switch (name) {
            case BlackstartPolicy.NAME -> new BlackstartPolicy(seed);
            case BlackstartPolicy.NO_JOURNAL -> new BlackstartPolicy(seed, false);
            case StaleSnapshotPolicy.NAME -> new StaleSnapshotPolicy(seed);
            case KubernetesPolicy.NAME -> new KubernetesPolicy(seed);
            case RandomPolicy.NAME -> new RandomPolicy(seed);
            case PowerOfTwoPolicy.NAME -> new PowerOfTwoPolicy(seed);
            case AllocationSpreadPolicy.NAME -> new AllocationSpreadPolicy(seed);
            case NomadPolicy.NAME -> new NomadPolicy(seed);
            default -> throw new IllegalArgumentException("unknown policy " + name);
        };
    }
}
