package io.blackstart.cli;

import com.fasterxml.jackson.databind.JsonNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** {@code blackstart nodes}: every host's live load, credits and starts in flight. */
@Command(name = "nodes", mixinStandardHelpOptions = true,
        description = "Hosts: live load, credits, starts in flight, containers.")
final class NodesCommand implements Runnable {
    @Mixin
    ApiOptions api;

    @Option(names = "--json", description = "Print the API's JSON.")
    boolean json;

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        JsonNode n = api.client().get("api/v1/nodes");
        if (json) {
            Output.json(spec.commandLine().getOut(), n);
            return;
        }
        List<List<String>> rows = new ArrayList<>();
        long now = System.currentTimeMillis();
        for (JsonNode h : n.path("nodes")) {
            long last = h.path("lastReportMillis").asLong();
            rows.add(List.of(Output.text(h, "nodeId"),
                    h.path("credits").asInt() + "/" + h.path("maxCredits").asInt(),
                    Output.text(h, "startsInFlight"), Output.text(h, "outstanding"),
                    String.format("%.2f", h.path("cpuPressure").asDouble()),
                    Output.text(h, "memoryAvailableMb"),
                    h.path("runningContainers").asInt() + "/" + h.path("containers").asInt(),
                    h.path("gcHeld").asBoolean() ? "held" : "on",
                    last == 0 ? "-" : ((now - last) / 1000) + "s ago"));
        }
        Output.table(spec.commandLine().getOut(), List.of("NODE", "CREDITS", "IN-FLIGHT", "OUTSTANDING", "CPU-PRESSURE",
                "MEM-FREE-MB", "RUNNING/CONTAINERS", "IMAGE-GC", "LAST-REPORT"), rows);
        if (rows.isEmpty()) {
            spec.commandLine().getOut().println("(no agent has reported yet, " + Instant.now() + ")");
        }
        List<List<String>> missing = new ArrayList<>();
        for (JsonNode h : n.path("missing")) {
            missing.add(List.of(Output.text(h, "nodeId"), Output.text(h, "state"),
                    Instant.ofEpochMilli(h.path("since").asLong()).toString()));
        }
        if (!missing.isEmpty()) {
            spec.commandLine().getOut().println();
            spec.commandLine().getOut().println("Hosts not reporting (" + missing.size() + "):");
            Output.table(spec.commandLine().getOut(), List.of("NODE", "STATE", "SINCE"), missing);
        }
    }
}
