package io.blackstart.coordinator;

import io.blackstart.coordinator.agents.AgentRoster;
import io.blackstart.coordinator.store.AssignmentJournal;

import com.typesafe.config.Config;
import io.blackstart.common.etcd.EtcdAccess;
import io.blackstart.scheduler.LedgerSettings;

import io.blackstart.protocol.SpecLimits;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * Every setting of the coordinator, read once from {@code blackstart.coordinator} (see {@code reference.conf},
 * which documents each key) and passed into the actors' {@code create(...)} factories.
 */
public record CoordinatorSettings(Etcd etcd, CatalogSettings catalog, Api api, Recovery recovery, Agents agents) {

    /**
     * The etcd client: endpoints, key prefix, the bounds of every call, and TLS / user / password
     * ({@link EtcdAccess}, whose {@code toString()} hides the password).
     */
    public record Etcd(List<String> endpoints, String prefix, Duration callTimeout, Duration connectTimeout,
                       Duration keepaliveTime, Duration keepaliveTimeout, int maxInboundMessageBytes,
                       EtcdAccess access) {
        public Etcd {
            endpoints = List.copyOf(endpoints);
            if (endpoints.isEmpty()) {
                throw new IllegalArgumentException("blackstart.coordinator.etcd.endpoints is empty");
            }
            prefix = normalizePrefix(prefix);
            access = access == null ? EtcdAccess.NONE : access;
            access.checkEndpoints(endpoints, "blackstart.coordinator.etcd.endpoints");
        }

        /** Plain http, no etcd user. */
        public Etcd(List<String> endpoints, String prefix, Duration callTimeout, Duration connectTimeout,
                    Duration keepaliveTime, Duration keepaliveTimeout, int maxInboundMessageBytes) {
            this(endpoints, prefix, callTimeout, connectTimeout, keepaliveTime, keepaliveTimeout,
                    maxInboundMessageBytes, EtcdAccess.NONE);
        }
    }

    /**
     * The catalog keeper: on-disk cache ({@code catalog-cache-file}), reload backoff and probe interval while etcd
     * is unreachable ({@code etcd.retry-backoff-min/max}, {@code etcd.probe-interval}), revalidation debounce.
     */
    public record CatalogSettings(Path cacheFile, Duration retryBackoffMin, Duration retryBackoffMax,
                                  Duration validateDebounce, Duration probeInterval, SpecLimits specLimits,
                                  int statusRejected) {
        /** With the default spec limits and status cap. */
        public CatalogSettings(Path cacheFile, Duration retryBackoffMin, Duration retryBackoffMax,
                               Duration validateDebounce, Duration probeInterval) {
            this(cacheFile, retryBackoffMin, retryBackoffMax, validateDebounce, probeInterval, SpecLimits.DEFAULT,
                    100);
        }
    }

    /** {@code blackstart.coordinator.spec-limits}: every cap at least 1, the error names the key. */
    static SpecLimits specLimits(Config c) {
        String path = "blackstart.coordinator.spec-limits.";
        java.util.function.ToIntFunction<String> positive = key -> {
            long v = key.endsWith("bytes") ? c.getBytes(key) : c.getLong(key);
            if (v < 1 || v > Integer.MAX_VALUE) {
                throw new IllegalArgumentException(path + key + " must be 1.." + Integer.MAX_VALUE + ", got " + v);
            }
            return (int) v;
        };
        try {
            return new SpecLimits(positive.applyAsInt("document-bytes"), positive.applyAsInt("nesting-depth"),
                    positive.applyAsInt("number-chars"), positive.applyAsInt("env-entries"),
                    positive.applyAsInt("env-bytes"), positive.applyAsInt("command-args"),
                    positive.applyAsInt("command-bytes"), positive.applyAsInt("depends-on"),
                    positive.applyAsInt("total-instances"));
        } catch (IllegalArgumentException e) {
            throw e.getMessage().startsWith(path) ? e : new IllegalArgumentException(path + "*: " + e.getMessage(), e);
        }
    }

    /** The HTTP API. An empty token disables the mutating endpoints. */
    public record Api(boolean enabled, String host, int port, String token, Duration askTimeout, long maxBodyBytes,
                      List<String> allowedHosts) {
        /** The default body limit of {@code api.max-body}. */
        public static final long DEFAULT_MAX_BODY_BYTES = 16 * 1024;

        /** Validates and copies. */
        public Api {
            if (maxBodyBytes < 1) {
                throw new IllegalArgumentException("blackstart.coordinator.api.max-body must be at least 1 byte, got "
                        + maxBodyBytes);
            }
            allowedHosts = allowedHosts.stream().map(String::strip).filter(h -> !h.isEmpty()).toList();
        }

        /** With the default body limit and no extra allowed hosts. */
        public Api(boolean enabled, String host, int port, String token, Duration askTimeout) {
            this(enabled, host, port, token, askTimeout, DEFAULT_MAX_BODY_BYTES, List.of());
        }

        @Override
        public String toString() {
            // never print the token
            return "Api[enabled=" + enabled + ", host=" + host + ", port=" + port + ", token="
                    + (token.isEmpty() ? "<none>" : "<set>") + ", askTimeout=" + askTimeout + ", maxBodyBytes="
                    + maxBodyBytes + ", allowedHosts=" + allowedHosts + "]";
        }
    }

    /**
     * The recovery manager. {@code assignmentJournal} is the file assignments go to while etcd has no quorum and an
     * operator allowed the stale catalog ({@link AssignmentJournal}); null: no degraded recovery.
     */
    public record Recovery(double autoThreshold, Duration settleTime, Duration hostTimeout, Duration tickInterval,
                           Duration statusInterval, Duration storeRetryBackoffMin, Duration storeRetryBackoffMax,
                           Duration assignmentClockSkew, Duration reportGrace, Duration reportResyncBackoff,
                           LedgerSettings ledger, Duration modeCommandMaxAge, Path assignmentJournal) {
        /** Without an assignment journal. */
        public Recovery(double autoThreshold, Duration settleTime, Duration hostTimeout, Duration tickInterval,
                        Duration statusInterval, Duration storeRetryBackoffMin, Duration storeRetryBackoffMax,
                        Duration assignmentClockSkew, Duration reportGrace, Duration reportResyncBackoff,
                        LedgerSettings ledger, Duration modeCommandMaxAge) {
            this(autoThreshold, settleTime, hostTimeout, tickInterval, statusInterval, storeRetryBackoffMin,
                    storeRetryBackoffMax, assignmentClockSkew, reportGrace, reportResyncBackoff, ledger,
                    modeCommandMaxAge, null);
        }

        /** These settings with {@code file} as the assignment journal. */
        public Recovery withAssignmentJournal(Path file) {
            return new Recovery(autoThreshold, settleTime, hostTimeout, tickInterval, statusInterval,
                    storeRetryBackoffMin, storeRetryBackoffMax, assignmentClockSkew, reportGrace, reportResyncBackoff,
                    ledger, modeCommandMaxAge, file);
        }
    }

    /**
     * The agent roster ({@link AgentRoster}): how often {@code lastSeen} of an agent's etcd record is refreshed, the
     * backoff of its etcd reads and writes while etcd is unreachable, and how long a host diagnosis waits for the
     * agents' answers.
     */
    public record Agents(Duration recordRefresh, Duration storeRetryBackoffMin, Duration storeRetryBackoffMax,
                         Duration diagnosisDeadline) {
        public Agents {
            for (Duration d : new Duration[]{recordRefresh, storeRetryBackoffMin, storeRetryBackoffMax,
                    diagnosisDeadline}) {
                if (d.isNegative() || d.isZero()) {
                    throw new IllegalArgumentException("blackstart.coordinator.agents.* durations must be positive: "
                            + d);
                }
            }
            if (storeRetryBackoffMax.compareTo(storeRetryBackoffMin) < 0) {
                throw new IllegalArgumentException("blackstart.coordinator.agents.store-retry-backoff-max must not be "
                        + "below store-retry-backoff-min");
            }
        }
    }

    /** Reads {@code blackstart.coordinator} from a resolved config that includes this module's reference.conf. */
    public static CoordinatorSettings fromConfig(Config root) {
        Config c = root.getConfig("blackstart.coordinator");
        Config e = c.getConfig("etcd");
        Etcd etcd = new Etcd(e.getStringList("endpoints"), e.getString("prefix"), e.getDuration("call-timeout"),
                e.getDuration("connect-timeout"), e.getDuration("keepalive-time"), e.getDuration("keepalive-timeout"),
                (int) Math.min(Integer.MAX_VALUE, e.getBytes("max-inbound-message-size")), EtcdAccess.fromConfig(e));
        String cache = c.getString("catalog-cache-file");
        CatalogSettings catalog = new CatalogSettings(cache.isBlank() ? null : Path.of(cache),
                e.getDuration("retry-backoff-min"), e.getDuration("retry-backoff-max"),
                c.getDuration("catalog.validate-debounce"), e.getDuration("probe-interval"),
                specLimits(c.getConfig("spec-limits")), statusRejected(c));
        Config a = c.getConfig("api");
        Api api = new Api(a.getBoolean("enabled"), a.getString("host"), a.getInt("port"), a.getString("token"),
                a.getDuration("ask-timeout"), a.getBytes("max-body"), a.getStringList("allowed-hosts"));
        Config r = c.getConfig("recovery");
        LedgerSettings ledger = new LedgerSettings(r.getInt("max-attempts"),
                r.getDuration("retry-backoff-base").toMillis(), r.getDuration("retry-backoff-max").toMillis(),
                r.getDuration("outcome-grace").toMillis(), r.getInt("host-penalty-failures"),
                r.getDuration("host-penalty-window").toMillis(), r.getDuration("host-penalty").toMillis(),
                r.getInt("max-pulls-in-flight"), r.getDuration("pull-timeout").toMillis(),
                r.getInt("max-start-timeout-factor"));
        double threshold = r.getDouble("auto-threshold");
        if (threshold < 0 || threshold > 1) {
            throw new IllegalArgumentException("blackstart.coordinator.recovery.auto-threshold must be in [0, 1]");
        }
        Recovery recovery = new Recovery(threshold, r.getDuration("settle-time"), r.getDuration("host-timeout"),
                r.getDuration("tick-interval"), r.getDuration("status-interval"),
                r.getDuration("store-retry-backoff-min"), r.getDuration("store-retry-backoff-max"),
                r.getDuration("assignment-clock-skew"), r.getDuration("report-grace"),
                r.getDuration("report-resync-backoff"), ledger, r.getDuration("mode-command-max-age"),
                r.getString("assignment-journal-file").isBlank() ? null : Path.of(r.getString("assignment-journal-file")));
        Config g = c.getConfig("agents");
        Agents agents = new Agents(g.getDuration("record-refresh"), g.getDuration("store-retry-backoff-min"),
                g.getDuration("store-retry-backoff-max"), g.getDuration("diagnosis-deadline"));
        return new CoordinatorSettings(etcd, catalog, api, recovery, agents);
    }

    private static int statusRejected(Config c) {
        int n = c.getInt("catalog.status-rejected");
        if (n < 1) {
            throw new IllegalArgumentException("blackstart.coordinator.catalog.status-rejected must be at least 1, got "
                    + n);
        }
        return n;
    }

    static String normalizePrefix(String prefix) {
        String p = prefix == null ? "" : prefix.trim();
        while (p.endsWith("/")) {
            p = p.substring(0, p.length() - 1);
        }
        if (p.isEmpty() || !p.startsWith("/")) {
            throw new IllegalArgumentException("etcd prefix must start with '/' and not be '/': '" + prefix + "'");
        }
        return p;
    }
}
