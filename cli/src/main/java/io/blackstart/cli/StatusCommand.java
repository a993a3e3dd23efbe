package io.blackstart.cli;

import com.fasterxml.jackson.databind.JsonNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** {@code blackstart status}: recovery progress per tier, and rejected specs. */
@Command(name = "status", mixinStandardHelpOptions = true,
        description = "Recovery progress: desired, running, starting, pending and failed instances per tier.")
final class StatusCommand implements Runnable {
    @Mixin
    ApiOptions api;

    @Option(names = "--json", description = "Print the API's JSON.")
    boolean json;

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        JsonNode s = api.client().get("api/v1/status");
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            Output.json(out, s);
            return;
        }
        out.printf("mode: %s   etcd: %s%n", Output.text(s, "mode"), Output.text(s, "etcd"));
        List<String> header = List.of("TIER", "DESIRED", "RUNNING", "STARTING", "PENDING", "FAILED");
        List<List<String>> rows = new ArrayList<>();
        for (Map.Entry<String, JsonNode> t : (Iterable<Map.Entry<String, JsonNode>>) () -> s.path("tiers").fields()) {
            rows.add(row(t.getKey(), t.getValue()));
        }
        rows.add(row("total", s));
        Output.table(out, header, rows);
        JsonNode rejected = s.path("rejected");
        if (rejected.isArray() && !rejected.isEmpty()) {
            out.printf("%nrejected specs (%d):%n", rejected.size());
            for (JsonNode r : rejected) {
                out.printf("  %s: %s: %s%n", Output.text(r, "key"), Output.text(r, "field"), Output.text(r, "message"));
            }
        }
        out.flush();
    }

    private static List<String> row(String name, JsonNode n) {
        return List.of(name, Output.text(n, "desired"), Output.text(n, "running"), Output.text(n, "starting"),
                Output.text(n, "pending"), Output.text(n, "failed"));
    }
}
