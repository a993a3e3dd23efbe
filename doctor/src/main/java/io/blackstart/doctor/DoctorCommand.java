package io.blackstart.doctor;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import io.blackstart.common.etcd.EtcdAccess;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;

/**
 * {@code blackstart doctor} (and {@link DoctorMain} standalone): the one parser of the doctor's flags. Defaults come
 * from {@code reference.conf}, then the {@code --config} file, then the flags. Exit codes: 0 every check ok,
 * {@value #EXIT_WARNINGS} warnings but no failure, {@value #EXIT_FAILURES} at least one check failed, 2 bad
 * arguments (usage printed), 1 the doctor could not run.
 */
@Command(name = "doctor", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Low-level diagnostics, root cause first; works with etcd or the coordinator down. "
                + "Defaults: reference.conf, then the --config file, then these flags.",
        exitCodeListHeading = "Exit codes:%n",
        exitCodeList = {"0:every check ok", "3:warnings, no failure", "4:at least one check failed",
                "2:bad arguments", "1:the doctor could not run"})
public final class DoctorCommand implements Callable<Integer> {

    /** Exit code when some checks warn and none fails. */
    public static final int EXIT_WARNINGS = 3;
    /** Exit code when at least one check fails. */
    public static final int EXIT_FAILURES = 4;

    @Option(names = "--json", description = "Print the report as JSON.")
    boolean json;

    @Option(names = "--wait", paramLabel = "SECONDS", converter = Seconds.class,
            description = "Re-check until every check is ok or SECONDS have passed (default: 0, run once).")
    Duration wait;

    @Option(names = "--config", paramLabel = "FILE",
            description = "HOCON file with a blackstart.doctor { ... } section (keys of reference.conf).")
    Path config;

    @Option(names = "--etcd", paramLabel = "URL[,URL...]",
            description = "etcd client URLs, comma-separated, one per member (default: none, no etcd checks).")
    String etcd;

    @Option(names = "--etcd-peer", paramLabel = "URL[,URL...]", description = "etcd peer URLs, aligned with --etcd.")
    String etcdPeers;

    @Option(names = "--etcd-ca", paramLabel = "FILE", description = "PEM CA of the etcd server certificates "
            + "(https:// etcd URLs).")
    Path etcdCa;

    @Option(names = "--etcd-cert", paramLabel = "FILE", description = "PEM client certificate for etcd (with "
            + "--etcd-key).")
    Path etcdCert;

    @Option(names = "--etcd-key", paramLabel = "FILE", description = "PEM client key (PKCS#8 or RSA) for etcd.")
    Path etcdKey;

    @Option(names = "--etcd-user", paramLabel = "NAME", description = "etcd user; the password from $"
            + EtcdAccess.PASSWORD_ENV + " or --etcd-password-file, never on the command line.")
    String etcdUser;

    @Option(names = "--etcd-password-file", paramLabel = "FILE", description = "File whose first line is the etcd "
            + "password.")
    Path etcdPasswordFile;

    @Option(names = "--etcd-password", hidden = true, paramLabel = "PASSWORD")
    String etcdPassword;

    @Option(names = "--cluster-id", paramLabel = "HEX", description = "The etcd cluster id recorded while healthy "
            + "(default: the id most members report).")
    String clusterId;

    @Option(names = "--prefix", paramLabel = "P", description = "The coordinators' etcd key prefix; agents recorded "
            + "under P/agents/ are expected (default: /blackstart).")
    String prefix;

    @Option(names = "--dns", paramLabel = "NAME", description = "A name that must resolve (repeatable).")
    List<String> dns;

    @Option(names = "--dns-server", paramLabel = "HOST[:PORT]", description = "Resolve the --dns names at this DNS "
            + "server, not the system resolver.")
    String dnsServer;

    @Option(names = "--probe", paramLabel = "URL", description = "tcp://, http(s)://[#status=NNN], nats://, amqp://, "
            + "redis:// (repeatable).")
    List<String> probes;

    @Option(names = "--api", paramLabel = "URL", description = "The coordinator (default: http://127.0.0.1:7070).")
    String api;

    @Option(names = "--no-api", description = "Skip the coordinator checks.")
    boolean noApi;

    @Option(names = "--inventory", paramLabel = "FILE", description = "The agents expected, one node id per line "
            + "(# comments) (default: the agents recorded in etcd and those the coordinator knows).")
    Path inventory;

    @Option(names = "--seeds", paramLabel = "ADDR[,ADDR...]", description = "The coordinators' seed nodes, first "
            + "seed first (pekko://blackstart@host:port or host:port): probed when the coordinator is not in a "
            + "cluster.")
    String seeds;

    @Option(names = "--docker", paramLabel = "HOST", description = "The Docker engine (default: "
            + "unix:///var/run/docker.sock).")
    String docker;

    @Option(names = "--no-docker", description = "Skip the Docker checks.")
    boolean noDocker;

    @Option(names = "--timeout", paramLabel = "SECONDS", converter = Seconds.class,
            description = "Connect and read timeout of every probe (default: 2).")
    Duration timeout;

    @Spec
    CommandSpec spec;

    private final Optional<String> apiFromEnvironment;
    private final Runnable beforeRun;

    /** The standalone doctor: no default coordinator but reference.conf's and the config file's. */
    public DoctorCommand() {
        this(Optional.empty(), () -> { });
    }

    /**
     * @param apiFromEnvironment the coordinator to ask when neither {@code --api} nor {@code --no-api} is given
     *                           (the CLI passes {@code $BLACKSTART_API}); it overrides the config file's
     * @param beforeRun          runs after a successful parse, before the checks (the CLI sets up logging)
     */
    public DoctorCommand(Optional<String> apiFromEnvironment, Runnable beforeRun) {
        this.apiFromEnvironment = apiFromEnvironment.filter(s -> !s.isBlank());
        this.beforeRun = beforeRun;
    }

    /** The options these flags select over the config file and reference.conf; a usage error otherwise. */
    DoctorOptions options() {
        try {
            if (etcdPassword != null) {
                throw new IllegalArgumentException("--etcd-password: the etcd password is not taken from the "
                        + "command line (other users see it in ps); set " + EtcdAccess.PASSWORD_ENV
                        + " or use --etcd-password-file FILE");
            }
            Config c = ConfigFactory.empty();
            if (config != null) {
                if (!Files.isRegularFile(config)) {
                    throw new IllegalArgumentException("--config: no such file: " + config);
                }
                c = ConfigFactory.parseFile(config.toFile()).resolve();
            }
            DoctorOptions.Builder b = DoctorOptions.fromConfig(c).toBuilder();
            if (wait != null) {
                b.waitFor(wait);
            }
            if (timeout != null) {
                if (timeout.isZero()) {
                    throw new IllegalArgumentException("--timeout must be > 0");
                }
                b.connectTimeout(timeout).readTimeout(timeout);
            }
            if (etcd != null) {
                b.etcdEndpoints(csv(etcd));
            }
            if (etcdPeers != null) {
                b.etcdPeers(csv(etcdPeers));
            }
            if (clusterId != null) {
                b.expectedClusterId(Optional.of(clusterId));
            }
            if (prefix != null) {
                b.etcdPrefix(prefix);
            }
            if (dnsServer != null) {
                b.dnsServer(Optional.of(dnsServer));
            }
            if (dns != null && !dns.isEmpty()) {
                b.dnsNames(dns);
            }
            if (probes != null && !probes.isEmpty()) {
                b.probes(probes);
            }
            if (api != null) {
                b.api(Optional.of(api));
            } else if (noApi) {
                b.api(Optional.empty());
            } else if (apiFromEnvironment.isPresent()) {
                b.api(apiFromEnvironment);
            }
            if (docker != null) {
                b.dockerHost(Optional.of(docker));
            } else if (noDocker) {
                b.dockerHost(Optional.empty());
            }
            if (inventory != null) {
                if (!Files.isReadable(inventory)) {
                    throw new IllegalArgumentException("--inventory: cannot read " + inventory);
                }
                b.inventory(Optional.of(inventory));
            }
            if (seeds != null) {
                b.seeds(csv(seeds));
            }
            b.etcdAccess(b.etcdAccess().with(Optional.ofNullable(etcdCa), Optional.ofNullable(etcdCert),
                    Optional.ofNullable(etcdKey), Optional.ofNullable(etcdUser),
                    EtcdAccess.password(Optional.ofNullable(etcdPasswordFile), System.getenv())));
            return b.build();
        } catch (IllegalArgumentException | ConfigException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage(), e);
        }
    }

    @Override
    public Integer call() {
        DoctorOptions o = options();
        beforeRun.run();
        DoctorReport report = Doctor.run(o);
        PrintWriter out = spec.commandLine().getOut();
        out.print(json ? report.toJson() + "\n" : report.toText());
        out.flush();
        return exitCode(report);
    }

    /** The process exit code of a report: 0 all ok, {@value #EXIT_WARNINGS} warnings only, {@value #EXIT_FAILURES} a failure. */
    public static int exitCode(DoctorReport report) {
        return switch (report.worst()) {
            case OK -> 0;
            case WARN -> EXIT_WARNINGS;
            case FAIL -> EXIT_FAILURES;
        };
    }

    private static List<String> csv(String v) {
        return Arrays.stream(v.split(",")).map(String::strip).filter(s -> !s.isEmpty()).toList();
    }

    /** A non-negative number of seconds ({@code 1.5}) as a duration, in milliseconds. */
    static final class Seconds implements CommandLine.ITypeConverter<Duration> {
        @Override
        public Duration convert(String v) {
            try {
                double s = Double.parseDouble(v);
                if (s < 0 || Double.isNaN(s) || Double.isInfinite(s)) {
                    throw new NumberFormatException();
                }
                return Duration.ofMillis(Math.round(s * 1000));
            } catch (NumberFormatException e) {
                throw new CommandLine.TypeConversionException("expects seconds, got " + v);
            }
        }
    }
}
