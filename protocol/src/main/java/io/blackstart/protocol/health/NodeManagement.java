package io.blackstart.protocol.health;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigValueFactory;
import org.apache.pekko.actor.ClassicActorSystemProvider;
import org.apache.pekko.management.javadsl.PekkoManagement;

import java.net.URI;
import java.util.concurrent.CompletionStage;

/**
 * Starts a node's Pekko Management HTTP endpoint: {@code /alive}, {@code /ready} ({@link HealthRoutes}) and the
 * read-only cluster routes ({@code /cluster/members}).
 *
 * <p>Settings live under the node kind's own key ({@code blackstart.coordinator.management} or
 * {@code blackstart.agent.management}: {@code enabled}, {@code host}, {@code port}), since one classpath (the CLI) holds
 * both kinds' reference configs; {@link #configure} copies them to {@code pekko.management.http}.
 */
public final class NodeManagement {

    private NodeManagement() {
    }

    /** {@code config} with {@code pekko.management.http.hostname/port} taken from {@code <settingsPath>.host/port}. */
    public static Config configure(Config config, String settingsPath) {
        Config m = config.getConfig(settingsPath);
        String host = m.getString("host");
        int port = m.getInt("port");
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException(settingsPath + ".port must be 0..65535, not " + port);
        }
        if (host.isBlank()) {
            throw new IllegalArgumentException(settingsPath + ".host must not be empty");
        }
        return config.withValue("pekko.management.http.hostname", ConfigValueFactory.fromAnyRef(host))
                .withValue("pekko.management.http.port", ConfigValueFactory.fromAnyRef(port))
                .withValue("pekko.management.http.bind-hostname", ConfigValueFactory.fromAnyRef(host))
                .withValue("pekko.management.http.bind-port", ConfigValueFactory.fromAnyRef(port));
    }

    /**
     * Starts the endpoint if {@code <settingsPath>.enabled}; the bound address is then
     * {@link NodeReadiness#managementUri()}. Call after the node {@link NodeReadiness#require required} its conditions.
     */
    public static CompletionStage<URI> start(ClassicActorSystemProvider system, String settingsPath) {
        NodeReadiness readiness = NodeReadiness.get(system);
        Config config = system.classicSystem().settings().config();
        if (!config.getBoolean(settingsPath + ".enabled")) {
            readiness.notBound(new IllegalStateException("management endpoint disabled (" + settingsPath + ".enabled)"));
            return readiness.managementUri();
        }
        PekkoManagement.get(system).start().whenComplete((uri, error) -> {
            if (error != null) {
                system.classicSystem().log().error("management endpoint could not bind {}:{}: {}",
                        config.getString(settingsPath + ".host"), config.getInt(settingsPath + ".port"), error.toString());
                readiness.notBound(error);
            } else {
                readiness.bound(URI.create(uri.toString()));
            }
        });
        return readiness.managementUri();
    }
}
