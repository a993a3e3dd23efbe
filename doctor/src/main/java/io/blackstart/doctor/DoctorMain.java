package io.blackstart.doctor;

import io.blackstart.common.etcd.EtcdAccess;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;

import java.io.File;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * Runs the doctor standalone: {@code java -cp ... io.blackstart.doctor.DoctorMain [flags]}. Prints the
 * human report (or the JSON one with {@code --json}) and exits 0 all ok, 1 warnings only, 2 failures;
 * bad flags print the usage and exit 2.
 */
public final class DoctorMain {

    static final String USAGE = String.join("\n",
            "usage: blackstart doctor [--json] [--wait SECONDS] [--config FILE] [--etcd URL[,URL...]]",
            "                         [--etcd-peer URL[,URL...]] [--cluster-id HEX] [--prefix P] [--dns NAME]...",
            "                         [--dns-server HOST[:PORT]] [--probe URL]... [--api URL | --no-api]",
            "                         [--docker HOST | --no-docker] [--inventory FILE] [--timeout SECONDS]",
            "                         [--etcd-ca FILE [--etcd-cert FILE --etcd-key FILE]]",
            "                         [--etcd-user NAME [--etcd-password-file FILE]]",
            "                         [--seeds ADDR[,ADDR...]]",
            "  --json           print the report as JSON",
            "  --wait SECONDS   re-check until every check is ok or SECONDS have passed",
            "  --config FILE    HOCON file with a blackstart.doctor { ... } section",
            "  --etcd URLS      etcd client URLs, comma-separated (one per member)",
            "  --etcd-peer URLS etcd peer URLs, aligned with --etcd",
            "  --etcd-ca FILE   PEM CA of the etcd server certificates (https:// etcd URLs)",
            "  --etcd-cert FILE --etcd-key FILE  PEM client certificate and key (PKCS#8 or RSA) for etcd",
            "  --etcd-user NAME etcd user; the password from $BLACKSTART_ETCD_PASSWORD or",
            "  --etcd-password-file FILE (first line), never on the command line",
            "  --cluster-id HEX the etcd cluster id recorded while healthy",
            "  --prefix P       the coordinators' etcd key prefix (default /blackstart): agents recorded",
            "                   under P/agents/ are expected",
            "  --dns NAME       a name that must resolve (repeatable)",
            "  --dns-server HOST[:PORT]  resolve the --dns names at this DNS server, not the system resolver",
            "  --probe URL      tcp://, http(s)://[#status=NNN], nats://, amqp://, redis:// (repeatable)",
            "  --api URL        the coordinator (default http://127.0.0.1:7070); --no-api skips it",
            "  --inventory FILE the agents expected, one node id per line (# comments); default: the",
            "                   agents recorded in etcd and those the coordinator knows",
            "  --seeds ADDRS    the coordinators' seed nodes, first seed first (pekko://blackstart@host:port or",
            "                   host:port): probed when the coordinator is not in a cluster",
            "  --docker HOST    the Docker engine (default unix:///var/run/docker.sock); --no-docker skips it",
            "  --timeout SECONDS connect and read timeout of every probe (default 2)",
            "exit code: 0 all ok, 1 warnings only, 2 any failure or bad arguments");

    private DoctorMain() {
    }

    /** Entry point. */
    public static void main(String[] args) {
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        System.exit(run(args, out, System.err));
    }

    /** Parses {@code args}, runs the doctor, prints to {@code out}; returns the exit code. */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        DoctorOptions options;
        boolean json;
        try {
            Parsed p = parse(args);
            if (p.help) {
                out.println(USAGE);
                return 0;
            }
            options = p.options;
            json = p.json;
        } catch (IllegalArgumentException | ConfigException e) {
            err.println("blackstart doctor: " + e.getMessage());
            err.println(USAGE);
            return 2;
        }
        DoctorReport report = Doctor.run(options);
        out.print(json ? report.toJson() + "\n" : report.toText());
        out.flush();
        return report.exitCode();
    }

    private record Parsed(DoctorOptions options, boolean json, boolean help) {
    }

    private static Parsed parse(String[] args) {
        List<String> a = new ArrayList<>();
        for (String arg : args) {
            int eq = arg.indexOf('=');
            if (arg.startsWith("--") && eq > 2) {
                a.add(arg.substring(0, eq));
                a.add(arg.substring(eq + 1));
            } else {
                a.add(arg);
            }
        }
        Config config = ConfigFactory.empty();
        for (int i = 0; i < a.size(); i++) {
            if (a.get(i).equals("--config")) {
                File f = new File(value(a, i));
                if (!f.isFile()) {
                    throw new IllegalArgumentException("--config: no such file: " + f);
                }
                config = ConfigFactory.parseFile(f).resolve();
            }
        }
        DoctorOptions.Builder b = DoctorOptions.fromConfig(config).toBuilder();
        boolean json = false;
        List<String> dns = new ArrayList<>();
        List<String> probes = new ArrayList<>();
        Optional<Path> etcdCa = Optional.empty();
        Optional<Path> etcdCert = Optional.empty();
        Optional<Path> etcdKey = Optional.empty();
        Optional<String> etcdUser = Optional.empty();
        Optional<Path> etcdPasswordFile = Optional.empty();
        for (int i = 0; i < a.size(); i++) {
            String flag = a.get(i);
            switch (flag) {
                case "--json" -> json = true;
                case "-h", "--help" -> {
                    return new Parsed(null, false, true);
                }
                case "--no-api" -> b.api(Optional.empty());
                case "--no-docker" -> b.dockerHost(Optional.empty());
                case "--config" -> i++;
                case "--wait" -> b.waitFor(Duration.ofMillis(seconds(flag, value(a, i++))));
                case "--timeout" -> {
                    Duration t = Duration.ofMillis(seconds(flag, value(a, i++)));
                    if (t.isZero()) {
                        throw new IllegalArgumentException("--timeout must be > 0");
                    }
                    b.connectTimeout(t).readTimeout(t);
                }
                case "--etcd" -> b.etcdEndpoints(csv(value(a, i++)));
                case "--etcd-peer" -> b.etcdPeers(csv(value(a, i++)));
                case "--etcd-ca" -> etcdCa = Optional.of(Path.of(value(a, i++)));
                case "--etcd-cert" -> etcdCert = Optional.of(Path.of(value(a, i++)));
                case "--etcd-key" -> etcdKey = Optional.of(Path.of(value(a, i++)));
                case "--etcd-user" -> etcdUser = Optional.of(value(a, i++));
                case "--etcd-password-file" -> etcdPasswordFile = Optional.of(Path.of(value(a, i++)));
                case "--etcd-password" -> throw new IllegalArgumentException("--etcd-password: the etcd password is "
                        + "not taken from the command line (other users see it in ps); set "
                        + EtcdAccess.PASSWORD_ENV + " or use --etcd-password-file FILE");
                case "--cluster-id" -> b.expectedClusterId(Optional.of(value(a, i++)));
                case "--prefix" -> b.etcdPrefix(value(a, i++));
                case "--dns-server" -> b.dnsServer(Optional.of(value(a, i++)));
                case "--dns" -> dns.add(value(a, i++));
                case "--probe" -> probes.add(value(a, i++));
                case "--api" -> b.api(Optional.of(value(a, i++)));
                case "--inventory" -> {
                    Path f = Path.of(value(a, i++));
                    if (!Files.isReadable(f)) {
                        throw new IllegalArgumentException("--inventory: cannot read " + f);
                    }
                    b.inventory(Optional.of(f));
                }
                case "--docker" -> b.dockerHost(Optional.of(value(a, i++)));
                case "--seeds" -> b.seeds(csv(value(a, i++)));
                default -> throw new IllegalArgumentException("unknown argument: " + flag);
            }
        }
        if (!dns.isEmpty()) {
            b.dnsNames(dns);
        }
        if (!probes.isEmpty()) {
            b.probes(probes);
        }
        b.etcdAccess(b.etcdAccess().with(etcdCa, etcdCert, etcdKey, etcdUser,
                EtcdAccess.password(etcdPasswordFile, System.getenv())));
        return new Parsed(b.build(), json, false);
    }

    private static String value(List<String> a, int i) {
        if (i + 1 >= a.size() || a.get(i + 1).startsWith("--")) {
            throw new IllegalArgumentException(a.get(i) + " needs a value");
        }
        return a.get(i + 1);
    }

    private static long seconds(String flag, String v) {
        try {
            double s = Double.parseDouble(v);
            if (s < 0 || Double.isNaN(s) || Double.isInfinite(s)) {
                throw new NumberFormatException();
            }
            return Math.round(s * 1000);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(flag + " expects seconds, got " + v, e);
        }
    }

    private static List<String> csv(String v) {
        return Arrays.stream(v.split(",")).map(String::strip).filter(s -> !s.isEmpty()).toList();
    }
}
