package io.blackstart.bench;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import org.slf4j.LoggerFactory;

import picocli.CommandLine;

import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The coordinator benchmark (issue 6, item 5): the real recovery manager with simulated agents that confirm every
 * start at once, in this JVM and (with {@code --remote}) in a second JVM over Artery on loopback; placements per
 * second, the median over the measured runs. See {@code bench/README.md}.
 *
 * <p>Its flags are {@link BenchCommand}'s, which {@code blackstart bench} runs.
 */
public final class BenchMain {

    private BenchMain() {
    }

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    /** Parses {@code args} with {@link BenchCommand} and runs the benchmark; returns the exit code (0, 1, 2). */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        CommandLine cmd = new CommandLine(new BenchCommand(out, err, () -> { }));
        cmd.setOut(new PrintWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8), true));
        cmd.setErr(new PrintWriter(new OutputStreamWriter(err, StandardCharsets.UTF_8), true));
        return cmd.execute(args);
    }

    /**
     * Runs the benchmark.
     *
     * @return 0 when every run placed every instance exactly once within credits, 1 when a run failed or broke an
     *         invariant
     */
    static int bench(BenchOptions o, PrintStream out, PrintStream err) {
        quietLogging();
        if (o.json()) {
            logToStandardError(); // standard output carries the JSON alone
        }
        List<CatalogGenerator.App> apps = CatalogGenerator.generate(o.instances(), o.apps(), o.seed());
        List<CoordinatorBench.RunResult> results = new ArrayList<>();
        PrintStream progress = o.json() ? err : out;
        if (!o.json()) {
            out.printf(Locale.ROOT, "Coordinator benchmark: real recovery manager, %d simulated agents x %d credits "
                            + "(%s reports at most every %d ms), %d instances of %d apps (seed %d); %d cores, max heap %d MiB%n",
                    o.agents(), o.credits(), o.fullReports() ? "full" : "delta", o.reportIntervalMillis(), o.instances(), o.apps(), o.seed(),
                    Runtime.getRuntime().availableProcessors(), Runtime.getRuntime().maxMemory() >> 20);
            out.printf("%-8s %-7s %10s %9s %13s %11s %11s %9s %8s  %s%n", "variant", "run", "placements",
                    "seconds", "placements/s", "refill p50", "refill p99", "heap MiB", "retries", "problems");
        }
        boolean ok = true;
        List<Boolean> variants = new ArrayList<>();
        if (o.inJvm()) {
            variants.add(false);
        }
        if (o.remote()) {
            variants.add(true);
        }
        for (boolean remote : variants) {
            for (int i = 0; i < o.warmups() + o.runs(); i++) {
                boolean warmup = i < o.warmups();
                String label = warmup ? "warm-up" : String.valueOf(i - o.warmups() + 1);
                try {
                    CoordinatorBench.RunResult r = CoordinatorBench.run(o, apps, remote, warmup, progress);
                    results.add(r);
                    ok &= r.problems().isEmpty();
                    if (!o.json()) {
                        out.printf(Locale.ROOT, "%-8s %-7s %10d %9.2f %13.0f %8.2f ms %8.2f ms %9.0f %8d  %s%n",
                                r.variant(), label, r.fleet().placed(), r.fleet().seconds(), r.placementsPerSecond(),
                                r.fleet().refillP50Millis(), r.fleet().refillP99Millis(), r.heapUsedMb(), r.retries(),
                                r.problems().isEmpty() ? "none" : String.join("; ", r.problems()));
                        out.flush();
                    }
                } catch (Exception e) {
                    ok = false;
                    err.println("bench: " + (remote ? "remote" : "in-jvm") + " run " + label + " failed: " + e);
                    break;
                }
            }
        }
        double inJvm = median(results, "in-jvm");
        double remote = median(results, "remote");
        if (o.json()) {
            out.println(json(o, results, inJvm, remote));
        } else {
            if (o.inJvm()) {
                out.printf(Locale.ROOT, "median in-JVM: %.0f placements/s over %d runs%n", inJvm, o.runs());
            }
            if (o.remote()) {
                out.printf(Locale.ROOT, "median remote (agents in a second JVM over Artery on 127.0.0.1): "
                        + "%.0f placements/s over %d runs%n", remote, o.runs());
            }
            if (o.inJvm() && o.remote() && inJvm > 0) {
                out.printf(Locale.ROOT, "remote / in-JVM: %.2f%n", remote / inJvm);
            }
        }
        return ok ? 0 : 1;
    }

    static double median(List<CoordinatorBench.RunResult> results, String variant) {
        double[] v = results.stream().filter(r -> !r.warmup() && r.variant().equals(variant))
                .mapToDouble(CoordinatorBench.RunResult::placementsPerSecond).sorted().toArray();
        if (v.length == 0) {
            return 0;
        }
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }

    private static String json(BenchOptions o, List<CoordinatorBench.RunResult> results, double inJvm, double remote) {
        StringBuilder b = new StringBuilder();
        b.append(String.format(Locale.ROOT, "{\"agents\":%d,\"credits\":%d,\"reportIntervalMillis\":%d,\"fullReports\":%b,\"instances\":%d,"
                        + "\"apps\":%d,\"seed\":%d,\"cores\":%d,\"maxHeapMb\":%d,\"jvm\":\"%s\",", o.agents(), o.credits(),
                o.reportIntervalMillis(), o.fullReports(), o.instances(), o.apps(),
                o.seed(), Runtime.getRuntime().availableProcessors(), Runtime.getRuntime().maxMemory() >> 20,
                ManagementFactory.getRuntimeMXBean().getVmVersion()));
        b.append(String.format(Locale.ROOT, "\"medianPlacementsPerSecond\":{\"inJvm\":%s,\"remote\":%s},"
                        + "\"remoteOverInJvm\":%s,\"runs\":[", o.inJvm() ? fmt(inJvm) : "null",
                o.remote() ? fmt(remote) : "null", o.inJvm() && o.remote() && inJvm > 0 ? fmt(remote / inJvm) : "null"));
        for (int i = 0; i < results.size(); i++) {
            CoordinatorBench.RunResult r = results.get(i);
            b.append(i == 0 ? "" : ",").append(String.format(Locale.ROOT, "{\"variant\":\"%s\",\"warmup\":%s,"
                            + "\"placementsPerSecond\":%s,\"heapUsedMb\":%s,\"running\":%d,\"retries\":%d,"
                            + "\"peakOutstanding\":%d,\"catalogMillis\":%d,\"fleet\":%s,\"problems\":[", r.variant(),
                    r.warmup(), fmt(r.placementsPerSecond()), fmt(r.heapUsedMb()), r.running(), r.retries(),
                    r.peakOutstanding(), r.catalogMillis(), r.fleet().toJson()));
            for (int j = 0; j < r.problems().size(); j++) {
                b.append(j == 0 ? "" : ",").append('"').append(r.problems().get(j).replace("\\", "\\\\")
                        .replace("\"", "\\\"")).append('"');
            }
            b.append("]}");
        }
        return b.append("]}").toString();
    }

    private static String fmt(double d) {
        return String.format(Locale.ROOT, "%.2f", d);
    }

    /** Pekko and the coordinator log at WARN: per-start debug lines would be measured, not the coordinator. */
    static void quietLogging() {
        logLevel(Level.WARN);
    }

    /** Moves logback's console appenders (standard output by default) to standard error. */
    static void logToStandardError() {
        if (LoggerFactory.getILoggerFactory() instanceof ch.qos.logback.classic.LoggerContext) {
            Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
            root.iteratorForAppenders().forEachRemaining(a -> {
                if (a instanceof ch.qos.logback.core.ConsoleAppender<?> console
                        && !"System.err".equals(console.getTarget())) {
                    console.stop();
                    console.setTarget("System.err");
                    console.start();
                }
            });
        }
    }

    /** Sets the root level when logback is the binding (the distribution's); otherwise leaves logging alone. */
    static void logLevel(Level level) {
        if (LoggerFactory.getILoggerFactory() instanceof ch.qos.logback.classic.LoggerContext) {
            ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).setLevel(level);
        }
    }
}
