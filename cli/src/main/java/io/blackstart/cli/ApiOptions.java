package io.blackstart.cli;

import picocli.CommandLine.Option;

/** Where the coordinator's HTTP API is, and the token for mutating calls. */
final class ApiOptions {
    static final String DEFAULT_API = "http://127.0.0.1:7070";

    @Option(names = "--api", paramLabel = "URL",
            description = "Coordinator API (default: $BLACKSTART_API or " + DEFAULT_API + ").")
    String api;

    @Option(names = "--token", paramLabel = "TOKEN",
            description = "API token for mutating calls (default: $BLACKSTART_TOKEN).")
    String token;

    @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "10",
            description = "How long to wait for the coordinator (default: ${DEFAULT-VALUE} s).")
    int timeoutSeconds;

    ApiClient client() {
        String url = api != null ? api : System.getenv().getOrDefault("BLACKSTART_API", DEFAULT_API);
        String tok = token != null ? token : System.getenv("BLACKSTART_TOKEN");
        return new ApiClient(url, tok, java.time.Duration.ofSeconds(Math.max(1, timeoutSeconds)));
    }
}
