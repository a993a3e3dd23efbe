package io.blackstart.cli;

import io.blackstart.bench.BenchMain;
import picocli.CommandLine.Command;
import picocli.CommandLine.Unmatched;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code blackstart bench}: the coordinator benchmark — the real recovery manager with simulated agents as actors
 * (in this JVM, or with {@code --remote} in a second JVM over Artery), placements per second. Its flags are parsed
 * by {@link BenchMain} itself (see bench/README.md); bad flags exit 2.
 */
@Command(name = "bench", description = "Coordinator benchmark: the real recovery manager with simulated agents, "
        + "placements per second. Run 'blackstart bench --help' for its flags.")
final class BenchCommand implements Callable<Integer> {
    @Unmatched
    List<String> args = new ArrayList<>();

    @Override
    public Integer call() {
        Logging.init();
        return BenchMain.run(args.toArray(String[]::new), System.out, System.err);
    }
}
