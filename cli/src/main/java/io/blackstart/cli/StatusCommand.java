package io.blackstart.cli;

import com.fasterxml.jackson.databind.JsonNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;

/**
 * {@code blackstart status}: recovery progress per tier, throughput, ETA and rejected specs; {@code --watch}
 * redraws progress bars until interrupted (Ctrl-C); {@code --summary} prints the customer sentence.
 */
@Command(name = "status", mixinStandardHelpOptions = true,
        description = "Recovery progress: desired, running, starting, pending and failed instances per tier, "
                + "throughput and ETA.")
final class StatusCommand implements Runnable {
    @Mixin
    ApiOptions api;

    @Option(names = "--json", description = "Print the API's JSON.")
    boolean json;

    @Option(names = "--watch", description = "Redraw progress bars per tier until interrupted (Ctrl-C).")
    boolean watch;

    @Option(names = "--interval", paramLabel = "SECONDS", defaultValue = "1",
            description = "Seconds between redraws with --watch (default: ${DEFAULT-VALUE}).")
    double interval;

    @Option(names = "--frames", paramLabel = "N", defaultValue = "0",
            description = "With --watch: stop after N redraws (default: until interrupted).")
    int frames;

    @Option(names = "--summary", description = "Print the customer summary, e.g. \"92%% of applications are running "
            + "again; full recovery expected around 15:40 UTC\".")
    boolean summary;

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        if (watch && (json || summary)) {
            throw new ParameterException(spec.commandLine(), "--watch cannot be combined with --json or --summary");
        }
        if (interval < 0.1 || frames < 0) {
            throw new ParameterException(spec.commandLine(), "--interval must be >= 0.1 and --frames >= 0");
        }
        PrintWriter out = spec.commandLine().getOut();
        ApiClient client = api.client();
        if (watch) {
            watch(client, out);
            return;
        }
        JsonNode s = client.get("api/v1/status");
        if (summary) {
            if (json) {
                Output.json(out, ApiClient.JSON.createObjectNode().put("summary", Output.text(s, "summary")));
            } else {
                out.println(Output.text(s, "summary"));
                out.flush();
            }
            return;
        }
        if (json) {
            Output.json(out, s);
            return;
        }
        out.printf("mode: %s   etcd: %s%n", Output.text(s, "mode"), Output.text(s, "etcd"));
        if (s.hasNonNull("degraded")) {
            out.println(Output.text(s.get("degraded"), "message"));
        }
        List<String> header = List.of("TIER", "DESIRED", "RUNNING", "STARTING", "PENDING", "FAILED");
        List<List<String>> rows = new ArrayList<>();
        for (Map.Entry<String, JsonNode> t : s.path("tiers").properties()) {
            rows.add(row(t.getKey(), t.getValue()));
        }
        rows.add(row("total", s));
        Output.table(out, header, rows);
        out.printf("throughput: %.2f starts/s   ETA: %s%n", s.path("throughputPerSecond").asDouble(),
                ProgressBars.eta(s.get("etaSeconds"), System.currentTimeMillis()));
        if (s.hasNonNull("summary")) {
            out.println(Output.text(s, "summary"));
        }
        JsonNode rejected = s.path("rejected");
        if (rejected.isArray() && !rejected.isEmpty()) {
            out.printf("%nrejected specs (%d):%n", rejected.size());
            for (JsonNode r : rejected) {
                out.printf("  %s: %s: %s%n", Output.text(r, "key"), Output.text(r, "field"), Output.text(r, "message"));
            }
        }
        out.flush();
    }

    private void watch(ApiClient client, PrintWriter out) {
        // a terminal is redrawn in place; a pipe or file gets one frame after the other
        boolean terminal = System.console() != null;
        long pause = (long) (interval * 1000);
        for (int frame = 1; frames == 0 || frame <= frames; frame++) {
            List<String> lines;
            try {
                lines = ProgressBars.render(client.get("api/v1/status"), 40, System.currentTimeMillis());
            } catch (OperatorException e) {
                lines = List.of("blackstart: " + e.getMessage() + " (retrying)");
            }
            out.print(terminal ? "\033[H\033[2J" : frame > 1 ? System.lineSeparator() : "");
            lines.forEach(out::println);
            out.flush();
            if (frames != 0 && frame == frames) {
                break;
            }
            LockSupport.parkNanos(Duration.ofMillis(pause).toNanos());
            if (Thread.interrupted()) {
                return;
            }
        }
    }

    private static List<String> row(String name, JsonNode n) {
        return List.of(name, Output.text(n, "desired"), Output.text(n, "running"), Output.text(n, "starting"),
                Output.text(n, "pending"), Output.text(n, "failed"));
    }
}
