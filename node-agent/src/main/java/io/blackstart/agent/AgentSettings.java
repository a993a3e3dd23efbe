package io.blackstart.agent;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Pattern;

/**
 * The node agent's settings, read once from {@code blackstart.agent} (see the module's {@code reference.conf}, where
 * every key is documented) and validated: a missing or bad value fails with an {@link IllegalArgumentException} that
 * names the key.
 *
 * @param nodeId                node id of this host (label {@code io.blackstart.node})
 * @param dockerHost            Docker Engine endpoint
 * @param dockerConnectTimeout  connect timeout for the engine
 * @param dockerResponseTimeout response timeout of one API call (not the event stream)
 * @param dockerMaxConnections  connections to the engine at most
 * @param maxConcurrentStarts   hard bound on starts executing at once
 * @param maxCredits            upper bound of granted credits
 * @param defaultStartTimeout   start timeout when the spec has none
 * @param stopTimeout           grace period of a stop before the kill
 * @param pullTimeout           bound on one image pull
 * @param reportMinInterval     minimum time between two change reports
 * @param heartbeatInterval     longest time without a report
 * @param fullReportInterval    longest time between two full reports (delta reports in between)
 * @param sampleInterval        period of host-load sampling
 * @param resyncInterval        period of a full container re-list
 * @param eventsRetryInterval   delay before reconnecting the event stream
 * @param procRoot              root of the proc filesystem
 * @param pressureStep          pressure change (0..1) worth a report
 * @param memoryStepMb          available-memory change (MiB) worth a report
 * @param creditPolicy          the credit formula's parameters
 * @param imageGcThresholdPercent disk usage (percent) above which unused images are removed
 * @param imageGcInterval       period of the disk check
 * @param dockerDataRoot        Docker's data root (its filesystem is measured)
 * @param hostDiagnosisTimeout  bound of the Docker calls of one host diagnosis ({@code DiagnoseHost})
 * @param helloMinInterval      TLS on: least time between two session requests ({@code Hello}) a {@code Rehello}
 *                              can cause
 * @param maxConcurrentProbes   readiness probes running at once at most
 */
public record AgentSettings(String nodeId, URI dockerHost, Duration dockerConnectTimeout,
                            Duration dockerResponseTimeout, int dockerMaxConnections, int maxConcurrentStarts,
                            int maxCredits, Duration defaultStartTimeout, Duration stopTimeout, Duration pullTimeout,
                            Duration reportMinInterval, Duration heartbeatInterval, Duration fullReportInterval,
                            Duration sampleInterval,
                            Duration resyncInterval, Duration eventsRetryInterval, Path procRoot,
                            double pressureStep, long memoryStepMb, CreditPolicy creditPolicy,
                            int imageGcThresholdPercent, Duration imageGcInterval, Path dockerDataRoot,
                            Duration hostDiagnosisTimeout, Duration helloMinInterval, int maxConcurrentProbes) {

    /** Config path of the agent's section. */
    public static final String PATH = "blackstart.agent";
    /** Config path of the dispatcher that runs blocking Docker calls. */
    public static final String DOCKER_DISPATCHER = PATH + ".docker-dispatcher";
    /** Config path of the dispatcher that runs blocking /proc and disk reads. */
    public static final String PROBE_DISPATCHER = PATH + ".probe-dispatcher";
    /** Config path of the dispatcher that runs the blocking tcp and http readiness probes. */
    public static final String HEALTH_DISPATCHER = PATH + ".health-dispatcher";

    private static final Pattern NODE_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,126}");

    /** Reads and validates {@code blackstart.agent} from a resolved config (reference.conf included). */
    public static AgentSettings fromConfig(Config root) {
        Reader r = new Reader(root);
        String nodeId = r.string("node-id");
        if (nodeId.isBlank()) {
            throw new IllegalArgumentException(PATH + ".node-id is required (this host's node id)");
        }
        if (!NODE_ID.matcher(nodeId).matches()) {
            throw new IllegalArgumentException(PATH + ".node-id = '" + nodeId
                    + "' is invalid: use letters, digits, '.', '_' and '-' (at most 127, starting with a letter or digit)");
        }
        URI dockerHost;
        try {
            dockerHost = URI.create(r.string("docker-host"));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(PATH + ".docker-host is not a URI: " + e.getMessage(), e);
        }
        if (dockerHost.getScheme() == null) {
            throw new IllegalArgumentException(PATH + ".docker-host needs a scheme (unix:// or tcp://)");
        }
        CreditPolicy policy = new CreditPolicy(
                r.positiveInt("max-credits"),
                r.fraction("credits.cpu-pressure-low"), r.fraction("credits.cpu-pressure-high"),
                r.fraction("credits.io-pressure-low"), r.fraction("credits.io-pressure-high"),
                r.nonNegativeLong("credits.memory-reserve-mb"), r.positiveLong("credits.memory-per-start-mb"),
                r.positiveInt("credits.starts-per-core"));
        if (policy.cpuPressureLow() >= policy.cpuPressureHigh()) {
            throw new IllegalArgumentException(PATH + ".credits.cpu-pressure-low must be below cpu-pressure-high");
        }
        if (policy.ioPressureLow() >= policy.ioPressureHigh()) {
            throw new IllegalArgumentException(PATH + ".credits.io-pressure-low must be below io-pressure-high");
        }
        int maxConcurrentStarts = r.positiveInt("max-concurrent-starts");
        if (policy.maxCredits() > maxConcurrentStarts) {
            // a credit is a promise to take a start: never promise more than the executor accepts
            throw new IllegalArgumentException(PATH + ".max-credits (" + policy.maxCredits()
                    + ") must not exceed " + PATH + ".max-concurrent-starts (" + maxConcurrentStarts + ")");
        }
        int threshold = r.positiveInt("image-gc.threshold-percent");
        if (threshold > 100) {
            throw new IllegalArgumentException(PATH + ".image-gc.threshold-percent must be 1..100, got " + threshold);
        }
        return new AgentSettings(nodeId, dockerHost,
                r.duration("docker-connect-timeout"), r.duration("docker-response-timeout"),
                r.positiveInt("docker-max-connections"),
                maxConcurrentStarts, policy.maxCredits(),
                r.duration("default-start-timeout"), r.duration("stop-timeout"), r.duration("pull-timeout"),
                r.duration("report-min-interval"), r.duration("heartbeat-interval"),
                r.duration("full-report-interval"), r.duration("sample-interval"),
                r.duration("resync-interval"), r.duration("events-retry-interval"),
                Path.of(r.string("proc-root")),
                r.fraction("report-thresholds.pressure-step"), r.positiveLong("report-thresholds.memory-step-mb"),
                policy, threshold, r.duration("image-gc.interval"), Path.of(r.string("image-gc.docker-data-root")),
                r.duration("host-diagnosis-timeout"), r.duration("trust.hello-min-interval"),
                r.positiveInt("health.max-concurrent-probes"));
    }

    /** Reads keys under {@code blackstart.agent}, naming the full key in every error. */
    private record Reader(Config root) {

        private <T> T read(String key, java.util.function.Function<String, T> getter) {
            String full = PATH + "." + key;
            try {
                return getter.apply(full);
            } catch (ConfigException.Missing e) {
                throw new IllegalArgumentException(full + " is required", e);
            } catch (ConfigException e) {
                throw new IllegalArgumentException(full + " is invalid: " + e.getMessage(), e);
            }
        }

        String string(String key) {
            return read(key, root::getString);
        }

        Duration duration(String key) {
            Duration d = read(key, root::getDuration);
            if (d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException(PATH + "." + key + " must be positive, got " + d);
            }
            return d;
        }

        int positiveInt(String key) {
            int v = read(key, root::getInt);
            if (v <= 0) {
                throw new IllegalArgumentException(PATH + "." + key + " must be positive, got " + v);
            }
            return v;
        }

        long positiveLong(String key) {
            long v = read(key, root::getLong);
            if (v <= 0) {
                throw new IllegalArgumentException(PATH + "." + key + " must be positive, got " + v);
            }
            return v;
        }

        long nonNegativeLong(String key) {
            long v = read(key, root::getLong);
            if (v < 0) {
                throw new IllegalArgumentException(PATH + "." + key + " must not be negative, got " + v);
            }
            return v;
        }

        double fraction(String key) {
            double v = read(key, root::getDouble);
            if (v < 0 || v > 1) {
                throw new IllegalArgumentException(PATH + "." + key + " must be within 0..1, got " + v);
            }
            return v;
        }
    }
}
