package io.blackstart.cli;

import com.fasterxml.jackson.databind.JsonNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/** {@code blackstart apps}: desired instances with their state, host and failure reason; rejected specs. */
@Command(name = "apps", mixinStandardHelpOptions = true,
        description = "Instances and their state (pending, assigned, starting, running, failed), and rejected specs.")
final class AppsCommand implements Runnable {
    static final Set<String> STATES = Set.of("pending", "assigned", "starting", "running-unready", "running",
            "needs-attention", "failed", "rejected");

    @Mixin
    ApiOptions api;

    @Option(names = "--state", paramLabel = "STATE",
            description = "Only instances in this state: pending, assigned, starting, running, failed, or rejected specs.")
    String state;

    @Option(names = "--json", description = "Print the API's JSON.")
    boolean json;

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        String path = "api/v1/apps";
        if (state != null) {
            String s = state.toLowerCase(Locale.ROOT);
            if (!STATES.contains(s)) {
                throw new picocli.CommandLine.ParameterException(spec.commandLine(),
                        "--state '" + state + "' is not one of " + String.join(", ", STATES.stream().sorted().toList()));
            }
            path += "?state=" + URLEncoder.encode(s, StandardCharsets.UTF_8);
        }
        JsonNode n = api.client().get(path);
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            Output.json(out, n);
            return;
        }
        if (!"rejected".equals(state)) {
            List<List<String>> rows = new ArrayList<>();
            for (JsonNode i : n.path("instances")) {
                rows.add(List.of(Output.text(i, "instanceId"), Output.text(i, "tier"), Output.text(i, "state"),
                        Output.text(i, "nodeId"), Output.text(i, "attempt"), Output.text(i, "failure")));
            }
            Output.table(out, List.of("INSTANCE", "TIER", "STATE", "NODE", "ATTEMPT", "LAST-FAILURE"), rows);
        }
        JsonNode rejected = n.path("rejected");
        if (rejected.size() > 0) {
            out.printf("%nrejected specs (%d):%n", rejected.size());
            for (JsonNode r : rejected) {
                out.printf("  %s: %s: %s%n", Output.text(r, "key"), Output.text(r, "field"), Output.text(r, "message"));
            }
            out.flush();
        }
    }
}
