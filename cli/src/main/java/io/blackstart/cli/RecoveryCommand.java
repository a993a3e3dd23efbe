package io.blackstart.cli;

import com.fasterxml.jackson.databind.JsonNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code blackstart recovery start|stop}: switch recovery mode by hand (needs the API token). */
@Command(name = "recovery", mixinStandardHelpOptions = true,
        description = "Enter (start) or leave (stop) recovery mode. Needs the API token.")
final class RecoveryCommand implements Runnable {
    enum Action { start, stop }

    @Parameters(index = "0", paramLabel = "start|stop", description = "start or stop")
    Action action;

    @Option(names = "--allow-stale-catalog",
            description = "With start: recover from the coordinator's cached catalog while etcd is unreachable.")
    boolean allowStale;

    @Option(names = "--json", description = "Print the API's JSON.")
    boolean json;

    @Mixin
    ApiOptions api;

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        if (allowStale && action == Action.stop) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(),
                    "--allow-stale-catalog only applies to 'recovery start'");
        }
        String body = "{\"action\":\"" + action + "\"" + (allowStale ? ",\"allowStaleCatalog\":true" : "") + "}";
        JsonNode r = api.client().post("api/v1/recovery", body);
        if (json) {
            Output.json(spec.commandLine().getOut(), r);
        } else {
            spec.commandLine().getOut().printf("mode: %s (by %s since %s) %s%n", Output.text(r, "mode"),
                    Output.text(r, "by"), Output.text(r, "since"), r.path("message").asText(""));
            spec.commandLine().getOut().flush();
        }
    }
}
