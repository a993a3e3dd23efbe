package io.blackstart.doctor;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * What the doctor checks and how long it may take. Defaults and the meaning of each setting are documented
 * in {@code reference.conf} ({@code blackstart.doctor { ... }}).
 *
 * @param etcdEndpoints     etcd client URLs, one per member ({@code http://host:2379})
 * @param etcdPeers         etcd peer URLs aligned with {@code etcdEndpoints}, or empty
 * @param expectedClusterId the cluster id (lowercase hex) recorded while the cluster was healthy, if known
 * @param etcdQuotaBytes    the members' backend quota in bytes; 0 = unknown
 * @param etcdMaxRaftLag    raft index lag (entries) above which a member is reported
 * @param etcdCallTimeout   deadline of one etcd call
 * @param dnsNames          names that must resolve
 * @param probes            dependency probes ({@code tcp://}, {@code http(s)://}, {@code nats://},
 *                          {@code amqp://}, {@code redis://})
 * @param api               the coordinator's base URL, or empty to skip the coordinator checks
 * @param inventory         file of the agents expected (one node id per line, {@code #} comments), or empty
 *                          to expect the agents the coordinator knows
 * @param dockerHost        the Docker engine ({@code unix:///var/run/docker.sock}), or empty to skip
 * @param connectTimeout    connect timeout of probes, HTTP requests and Docker calls
 * @param readTimeout       read timeout of probes, HTTP requests, DNS lookups and Docker calls
 * @param checkTimeout      upper bound of one check
 * @param deadline          upper bound of one run
 * @param waitFor           re-run until all ok or this much time has passed; zero = run once
 * @param waitInterval      pause between runs while waiting
 */
public record DoctorOptions(List<String> etcdEndpoints, List<String> etcdPeers, Optional<String> expectedClusterId,
                            long etcdQuotaBytes, long etcdMaxRaftLag, Duration etcdCallTimeout,
                            List<String> dnsNames, List<String> probes, Optional<String> api,
                            Optional<Path> inventory, Optional<String> dockerHost, Duration connectTimeout, Duration readTimeout,
                            Duration checkTimeout, Duration deadline, Duration waitFor, Duration waitInterval) {

    /** Validates and copies. */
    public DoctorOptions {
        etcdEndpoints = etcdEndpoints.stream().map(DoctorOptions::url).toList();
        etcdPeers = etcdPeers.stream().map(DoctorOptions::url).toList();
        if (!etcdPeers.isEmpty() && etcdPeers.size() != etcdEndpoints.size()) {
            throw new IllegalArgumentException("etcd peer URLs (" + etcdPeers.size()
                    + ") must be aligned with the etcd client URLs (" + etcdEndpoints.size() + ")");
        }
        expectedClusterId = expectedClusterId.map(s -> s.strip().toLowerCase(Locale.ROOT)).filter(s -> !s.isEmpty());
        expectedClusterId.ifPresent(id -> Long.parseUnsignedLong(id, 16));
        if (etcdQuotaBytes < 0 || etcdMaxRaftLag < 0) {
            throw new IllegalArgumentException("etcd quota and raft lag must be >= 0");
        }
        dnsNames = List.copyOf(dnsNames);
        probes = List.copyOf(probes);
        for (String p : probes) {
            ProbeTarget.parse(p);
        }
        api = api.map(String::strip).filter(s -> !s.isEmpty()).map(DoctorOptions::url);
        inventory = Objects.requireNonNull(inventory, "inventory");
        dockerHost = dockerHost.map(String::strip).filter(s -> !s.isEmpty());
        for (Duration d : List.of(etcdCallTimeout, connectTimeout, readTimeout, checkTimeout, deadline)) {
            if (d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException("timeouts must be positive: " + d);
            }
        }
        if (waitFor.isNegative() || waitInterval.isNegative()) {
            throw new IllegalArgumentException("wait durations must be >= 0");
        }
    }

    /** The defaults of {@code reference.conf}. */
    public static DoctorOptions defaults() {
        return fromConfig(ConfigFactory.empty());
    }

    /**
     * Reads the {@code blackstart.doctor} section of {@code config}; keys it lacks come from the module's
     * {@code reference.conf}.
     */
    public static DoctorOptions fromConfig(Config config) {
        Config c = config.withFallback(ConfigFactory.defaultReference(DoctorOptions.class.getClassLoader()))
                .getConfig("blackstart.doctor");
        return new DoctorOptions(
                c.getStringList("etcd"),
                c.getStringList("etcd-peers"),
                Optional.of(c.getString("expected-cluster-id")),
                c.getBytes("etcd-quota-bytes"),
                c.getLong("etcd-max-raft-lag"),
                c.getDuration("etcd-call-timeout"),
                c.getStringList("dns"),
                c.getStringList("probes"),
                Optional.of(c.getString("api")),
                Optional.of(c.getString("inventory").strip()).filter(s -> !s.isEmpty()).map(Path::of),
                Optional.of(c.getString("docker-host")),
                c.getDuration("connect-timeout"),
                c.getDuration("read-timeout"),
                c.getDuration("check-timeout"),
                c.getDuration("deadline"),
                c.getDuration("wait"),
                c.getDuration("wait-interval"));
    }

    /** A builder starting from these options. */
    public Builder toBuilder() {
        return new Builder(this);
    }

    /** A builder starting from {@link #defaults()}. */
    public static Builder builder() {
        return defaults().toBuilder();
    }

    private static String url(String s) {
        String t = Objects.requireNonNull(s, "url").strip();
        URI u = URI.create(t);
        if (u.getScheme() == null || u.getHost() == null) {
            throw new IllegalArgumentException("not a URL with scheme and host: " + s);
        }
        return t.endsWith("/") ? t.substring(0, t.length() - 1) : t;
    }

    /** Mutable builder of {@link DoctorOptions}; each setter replaces the value. */
    public static final class Builder {
        private List<String> etcdEndpoints;
        private List<String> etcdPeers;
        private Optional<String> expectedClusterId;
        private long etcdQuotaBytes;
        private long etcdMaxRaftLag;
        private Duration etcdCallTimeout;
        private List<String> dnsNames;
        private List<String> probes;
        private Optional<String> api;
        private Optional<Path> inventory;
        private Optional<String> dockerHost;
        private Duration connectTimeout;
        private Duration readTimeout;
        private Duration checkTimeout;
        private Duration deadline;
        private Duration waitFor;
        private Duration waitInterval;

        private Builder(DoctorOptions o) {
            etcdEndpoints = new ArrayList<>(o.etcdEndpoints);
            etcdPeers = new ArrayList<>(o.etcdPeers);
            expectedClusterId = o.expectedClusterId;
            etcdQuotaBytes = o.etcdQuotaBytes;
            etcdMaxRaftLag = o.etcdMaxRaftLag;
            etcdCallTimeout = o.etcdCallTimeout;
            dnsNames = new ArrayList<>(o.dnsNames);
            probes = new ArrayList<>(o.probes);
            api = o.api;
            inventory = o.inventory;
            dockerHost = o.dockerHost;
            connectTimeout = o.connectTimeout;
            readTimeout = o.readTimeout;
            checkTimeout = o.checkTimeout;
            deadline = o.deadline;
            waitFor = o.waitFor;
            waitInterval = o.waitInterval;
        }

        /** etcd client URLs. */
        public Builder etcdEndpoints(List<String> v) { etcdEndpoints = new ArrayList<>(v); return this; }

        /** etcd peer URLs aligned with the client URLs, or empty. */
        public Builder etcdPeers(List<String> v) { etcdPeers = new ArrayList<>(v); return this; }

        /** Expected cluster id in hex, or empty for "the id most members report". */
        public Builder expectedClusterId(Optional<String> v) { expectedClusterId = v; return this; }

        /** Backend quota in bytes, 0 = unknown. */
        public Builder etcdQuotaBytes(long v) { etcdQuotaBytes = v; return this; }

        /** Raft index lag threshold in entries. */
        public Builder etcdMaxRaftLag(long v) { etcdMaxRaftLag = v; return this; }

        /** Deadline of one etcd call. */
        public Builder etcdCallTimeout(Duration v) { etcdCallTimeout = v; return this; }

        /** Names to resolve. */
        public Builder dnsNames(List<String> v) { dnsNames = new ArrayList<>(v); return this; }

        /** Probe URLs. */
        public Builder probes(List<String> v) { probes = new ArrayList<>(v); return this; }

        /** Coordinator base URL, or empty to skip. */
        public Builder api(Optional<String> v) { api = v; return this; }

        /** File of the agents expected, or empty to expect the agents the coordinator knows. */
        public Builder inventory(Optional<Path> v) { inventory = v; return this; }

        /** Docker host, or empty to skip. */
        public Builder dockerHost(Optional<String> v) { dockerHost = v; return this; }

        /** Connect timeout. */
        public Builder connectTimeout(Duration v) { connectTimeout = v; return this; }

        /** Read timeout. */
        public Builder readTimeout(Duration v) { readTimeout = v; return this; }

        /** Upper bound of one check. */
        public Builder checkTimeout(Duration v) { checkTimeout = v; return this; }

        /** Upper bound of one run. */
        public Builder deadline(Duration v) { deadline = v; return this; }

        /** How long {@code --wait} re-runs; zero = once. */
        public Builder waitFor(Duration v) { waitFor = v; return this; }

        /** Pause between runs while waiting. */
        public Builder waitInterval(Duration v) { waitInterval = v; return this; }

        /** The validated options. */
        public DoctorOptions build() {
            return new DoctorOptions(etcdEndpoints, etcdPeers, expectedClusterId, etcdQuotaBytes, etcdMaxRaftLag,
                    etcdCallTimeout, dnsNames, probes, api, inventory, dockerHost, connectTimeout, readTimeout, checkTimeout,
                    deadline, waitFor, waitInterval);
        }
    }
}
