package io.blackstart.doctor;

import io.blackstart.common.etcd.EtcdAccess;
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
 * @param etcdPrefix        the coordinators' key prefix ({@code /blackstart}); agents are recorded under
 *                          {@code <prefix>/agents/}
 * @param dnsNames          names that must resolve
 * @param dnsServer         a DNS server ({@code HOST[:PORT]}) to ask instead of the system resolver, or empty
 * @param dnsServerTimeout  timeout of the first attempt of a query to {@code dnsServer}
 * @param dnsServerAttempts attempts of a query to {@code dnsServer} (each waits twice as long as the one before)
 * @param probes            dependency probes ({@code tcp://}, {@code http(s)://}, {@code nats://},
 *                          {@code amqp://}, {@code redis://})
 * @param api               the coordinator's base URL, or empty to skip the coordinator checks
 * @param hostsTimeout      how long the request for the hosts' diagnosis through the coordinator may take
 * @param inventory         file of the agents expected (one node id per line, {@code #} comments), or empty
 *                          to expect the agents recorded in etcd and those the coordinator knows
 * @param dockerHost        the Docker engine ({@code unix:///var/run/docker.sock}), or empty to skip
 * @param connectTimeout    connect timeout of probes, HTTP requests and Docker calls
 * @param readTimeout       read timeout of probes, HTTP requests, DNS lookups and Docker calls
 * @param checkTimeout      upper bound of one check
 * @param deadline          upper bound of one run
 * @param waitFor           re-run until all ok or this much time has passed; zero = run once
 * @param waitInterval      pause between runs while waiting
 * @param seeds             the coordinators' seed nodes ({@code pekko://blackstart@host:port} or {@code host:port}),
 *                          first seed first; empty to skip the seed probe of the cluster-formation check
 * @param management        base URLs of nodes' management endpoints whose {@code /ready} is checked, or empty
 */
public record DoctorOptions(List<String> etcdEndpoints, List<String> etcdPeers, Optional<String> expectedClusterId,
                            long etcdQuotaBytes, long etcdMaxRaftLag, Duration etcdCallTimeout, String etcdPrefix,
                            List<String> dnsNames, Optional<String> dnsServer, Duration dnsServerTimeout,
                            int dnsServerAttempts, List<String> probes, Optional<String> api, Duration hostsTimeout,
                            Optional<Path> inventory, Optional<String> dockerHost, Duration connectTimeout, Duration readTimeout,
                            Duration checkTimeout, Duration deadline, Duration waitFor, Duration waitInterval,
                            EtcdAccess etcdAccess, List<String> seeds, List<String> management) {

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
        etcdPrefix = prefix(etcdPrefix);
        etcdAccess = etcdAccess == null ? EtcdAccess.NONE : etcdAccess;
        etcdAccess.checkEndpoints(etcdEndpoints, "etcd client URLs (--etcd / blackstart.doctor.etcd)");
        dnsNames = List.copyOf(dnsNames);
        for (String n : dnsNames) {
            if (n.isBlank() || n.chars().anyMatch(Character::isWhitespace)) {
                throw new IllegalArgumentException("not a DNS name: '" + n + "'");
            }
        }
        dnsServer = dnsServer.map(String::strip).filter(v -> !v.isEmpty());
        if (dnsServerTimeout.isNegative() || dnsServerTimeout.isZero()) {
            throw new IllegalArgumentException("dns-server-timeout must be positive, got " + dnsServerTimeout);
        }
        if (dnsServerAttempts < 1 || dnsServerAttempts > 10) {
            throw new IllegalArgumentException("dns-server-attempts must be 1-10, got " + dnsServerAttempts);
        }
        dnsServer.ifPresent(v -> DnsServer.parse(v, dnsServerTimeout, dnsServerAttempts));
        probes = List.copyOf(probes);
        for (String p : probes) {
            ProbeTarget.parse(p);
        }
        api = api.map(String::strip).filter(s -> !s.isEmpty()).map(DoctorOptions::url);
        inventory = Objects.requireNonNull(inventory, "inventory");
        dockerHost = dockerHost.map(String::strip).filter(s -> !s.isEmpty());
        for (Duration d : List.of(etcdCallTimeout, connectTimeout, readTimeout, checkTimeout, deadline, hostsTimeout)) {
            if (d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException("timeouts must be positive: " + d);
            }
        }
        if (waitFor.isNegative() || waitInterval.isNegative()) {
            throw new IllegalArgumentException("wait durations must be >= 0");
        }
        seeds = seeds.stream().map(String::strip).filter(v -> !v.isEmpty()).toList();
        seeds.forEach(SeedAddress::parse);
        management = management.stream().map(String::strip).filter(v -> !v.isEmpty()).map(DoctorOptions::url).toList();
    }

    /** The DNS server to ask, if one is configured. */
    public Optional<DnsServer> dnsServerSpec() {
        return dnsServer.map(v -> DnsServer.parse(v, dnsServerTimeout, dnsServerAttempts));
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
                c.getString("etcd-prefix"),
                c.getStringList("dns"),
                Optional.of(c.getString("dns-server")),
                c.getDuration("dns-server-timeout"),
                c.getInt("dns-server-attempts"),
                c.getStringList("probes"),
                Optional.of(c.getString("api")),
                c.getDuration("hosts-timeout"),
                Optional.of(c.getString("inventory").strip()).filter(s -> !s.isEmpty()).map(Path::of),
                Optional.of(c.getString("docker-host")),
                c.getDuration("connect-timeout"),
                c.getDuration("read-timeout"),
                c.getDuration("check-timeout"),
                c.getDuration("deadline"),
                c.getDuration("wait"),
                c.getDuration("wait-interval"),
                EtcdAccess.fromConfig(c, "etcd-tls.", "etcd-user", "etcd-password"),
                c.getStringList("seeds"),
                c.getStringList("management"));
    }

    /** A builder starting from these options. */
    public Builder toBuilder() {
        return new Builder(this);
    }

    /** A builder starting from {@link #defaults()}. */
    public static Builder builder() {
        return defaults().toBuilder();
    }

    private static String prefix(String prefix) {
        String p = prefix == null ? "" : prefix.strip();
        while (p.endsWith("/")) {
            p = p.substring(0, p.length() - 1);
        }
        if (p.isEmpty() || !p.startsWith("/")) {
            throw new IllegalArgumentException("etcd prefix must start with '/' and not be '/': '" + prefix + "'");
        }
        return p;
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
        private String etcdPrefix;
        private EtcdAccess etcdAccess = EtcdAccess.NONE;
        private List<String> dnsNames;
        private Optional<String> dnsServer;
        private Duration dnsServerTimeout;
        private int dnsServerAttempts;
        private List<String> probes;
        private Optional<String> api;
        private Duration hostsTimeout;
        private Optional<Path> inventory;
        private Optional<String> dockerHost;
        private Duration connectTimeout;
        private Duration readTimeout;
        private Duration checkTimeout;
        private Duration deadline;
        private Duration waitFor;
        private Duration waitInterval;
        private List<String> seeds;
        private List<String> management;

        private Builder(DoctorOptions o) {
            etcdEndpoints = new ArrayList<>(o.etcdEndpoints);
            etcdPeers = new ArrayList<>(o.etcdPeers);
            expectedClusterId = o.expectedClusterId;
            etcdQuotaBytes = o.etcdQuotaBytes;
            etcdMaxRaftLag = o.etcdMaxRaftLag;
            etcdCallTimeout = o.etcdCallTimeout;
            etcdPrefix = o.etcdPrefix;
            etcdAccess = o.etcdAccess;
            dnsNames = new ArrayList<>(o.dnsNames);
            dnsServer = o.dnsServer;
            dnsServerTimeout = o.dnsServerTimeout;
            dnsServerAttempts = o.dnsServerAttempts;
            probes = new ArrayList<>(o.probes);
            api = o.api;
            hostsTimeout = o.hostsTimeout;
            inventory = o.inventory;
            dockerHost = o.dockerHost;
            connectTimeout = o.connectTimeout;
            readTimeout = o.readTimeout;
            checkTimeout = o.checkTimeout;
            deadline = o.deadline;
            waitFor = o.waitFor;
            waitInterval = o.waitInterval;
            seeds = new ArrayList<>(o.seeds);
            management = new ArrayList<>(o.management);
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

        /** The coordinators' etcd key prefix. */
        public Builder etcdPrefix(String v) { etcdPrefix = v; return this; }

        /** Names to resolve. */
        public Builder dnsNames(List<String> v) { dnsNames = new ArrayList<>(v); return this; }

        /** DNS server ({@code HOST[:PORT]}) to ask instead of the system resolver, or empty. */
        public Builder dnsServer(Optional<String> v) { dnsServer = v; return this; }

        /** Timeout of the first attempt of a query to the DNS server. */
        public Builder dnsServerTimeout(Duration v) { dnsServerTimeout = v; return this; }

        /** Attempts of a query to the DNS server. */
        public Builder dnsServerAttempts(int v) { dnsServerAttempts = v; return this; }

        /** Probe URLs. */
        public Builder probes(List<String> v) { probes = new ArrayList<>(v); return this; }

        /** Coordinator base URL, or empty to skip. */
        public Builder api(Optional<String> v) { api = v; return this; }

        /** How long the hosts' diagnosis through the coordinator may take. */
        public Builder hostsTimeout(Duration v) { hostsTimeout = v; return this; }

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

        /** etcd TLS files, user and password. */
        public Builder etcdAccess(EtcdAccess v) { etcdAccess = v; return this; }

        /** The etcd TLS files, user and password set so far. */
        public EtcdAccess etcdAccess() { return etcdAccess; }

        /** Pause between runs while waiting. */
        public Builder waitInterval(Duration v) { waitInterval = v; return this; }

        /** The coordinators' seed nodes, first seed first, or empty. */
        public Builder seeds(List<String> v) { seeds = new ArrayList<>(v); return this; }

        /** Base URLs of management endpoints whose {@code /ready} is checked, or empty. */
        public Builder management(List<String> v) { management = new ArrayList<>(v); return this; }

        /** The validated options. */
        public DoctorOptions build() {
            return new DoctorOptions(etcdEndpoints, etcdPeers, expectedClusterId, etcdQuotaBytes, etcdMaxRaftLag,
                    etcdCallTimeout, etcdPrefix, dnsNames, dnsServer, dnsServerTimeout, dnsServerAttempts, probes, api,
                    hostsTimeout, inventory, dockerHost, connectTimeout, readTimeout, checkTimeout,
                    deadline, waitFor, waitInterval, etcdAccess, seeds, management);
        }
    }
}
