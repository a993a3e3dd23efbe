package io.blackstart.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValueFactory;
import io.blackstart.coordinator.CoordinatorSettings;
import io.blackstart.coordinator.store.DesiredStateStore;
import io.blackstart.coordinator.store.EtcdDesiredStateStore;
import io.blackstart.protocol.AppSpec;
import io.blackstart.protocol.AppSpecParser;
import io.blackstart.protocol.Catalog;
import io.blackstart.protocol.CatalogValidator;
import io.blackstart.protocol.SpecError;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;

/**
 * {@code blackstart catalog validate|import|export}: desired state between files and etcd. Files hold one spec
 * or a JSON array of specs; a folder holds such {@code .json} files.
 */
@Command(name = "catalog", mixinStandardHelpOptions = true,
        description = "Desired state to and from etcd: validate, import, export app specs.",
        subcommands = {CatalogCommand.Validate.class, CatalogCommand.Import.class, CatalogCommand.Export.class})
final class CatalogCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new picocli.CommandLine.ParameterException(spec.commandLine(), "missing subcommand: validate, import or export");
    }

    /** Options to reach etcd, defaulting to the coordinator's configuration. */
    static final class EtcdOptions {
        @Option(names = "--etcd", paramLabel = "URL[,URL...]", split = ",",
                description = "etcd client URLs (default: blackstart.coordinator.etcd.endpoints, http://127.0.0.1:2379).")
        List<String> endpoints;

        @Option(names = "--prefix", paramLabel = "PREFIX", description = "Key prefix (default: /blackstart).")
        String prefix;

        @Option(names = "--config", paramLabel = "FILE", description = "A coordinator config file to read etcd settings from.")
        Path config;

        @Option(names = "--etcd-ca", paramLabel = "FILE",
                description = "PEM CA of the etcd server certificates (https:// URLs; default: tls.ca-file).")
        Path etcdCa;

        @Option(names = "--etcd-cert", paramLabel = "FILE", description = "PEM client certificate for etcd.")
        Path etcdCert;

        @Option(names = "--etcd-key", paramLabel = "FILE",
                description = "Its PEM key (PKCS#8 or RSA; convert others with openssl pkcs8 -topk8 -nocrypt).")
        Path etcdKey;

        @Option(names = "--etcd-user", paramLabel = "NAME",
                description = "etcd user; the password from $BLACKSTART_ETCD_PASSWORD or --etcd-password-file.")
        String etcdUser;

        @Option(names = "--etcd-password-file", paramLabel = "FILE",
                description = "File whose first line is the etcd password (never on the command line).")
        Path etcdPasswordFile;

        DesiredStateStore open() {
            Config c = NodeConfig.load(config);
            String key = "blackstart.coordinator.etcd.";
            if (etcdCa != null) {
                c = c.withValue(key + "tls.ca-file", ConfigValueFactory.fromAnyRef(etcdCa.toString()));
            }
            if (etcdCert != null) {
                c = c.withValue(key + "tls.cert-file", ConfigValueFactory.fromAnyRef(etcdCert.toString()));
            }
            if (etcdKey != null) {
                c = c.withValue(key + "tls.key-file", ConfigValueFactory.fromAnyRef(etcdKey.toString()));
            }
            if (etcdUser != null) {
                c = c.withValue(key + "user", ConfigValueFactory.fromAnyRef(etcdUser));
            }
            try {
                java.util.Optional<String> pw = io.blackstart.common.etcd.EtcdAccess.password(
                        java.util.Optional.ofNullable(etcdPasswordFile), System.getenv());
                if (pw.isPresent()) {
                    c = c.withValue(key + "password", ConfigValueFactory.fromAnyRef(pw.get()));
                }
            } catch (IllegalArgumentException ex) {
                throw new OperatorException(ex.getMessage(), 2);
            }
            if (endpoints != null) {
                c = c.withValue("blackstart.coordinator.etcd.endpoints", ConfigValueFactory.fromIterable(endpoints));
            }
            if (prefix != null) {
                c = c.withValue("blackstart.coordinator.etcd.prefix", ConfigValueFactory.fromAnyRef(prefix));
            }
            try {
                return EtcdDesiredStateStore.create(CoordinatorSettings.fromConfig(c.withFallback(ConfigFactory.load())).etcd());
            } catch (IllegalArgumentException e) {
                throw new OperatorException(e.getMessage(), 2);
            }
        }
    }

    static <T> T await(CompletionStage<T> stage, String what) {
        try {
            return stage.toCompletableFuture().get();
        } catch (ExecutionException | CompletionException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            throw new OperatorException(what + " failed: " + cause.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new OperatorException("interrupted");
        }
    }

    static Catalog validate(Path file, PrintWriter out) {
        Catalog c = CatalogValidator.validate(CatalogFiles.read(file));
        out.printf("%d valid app(s), %d instance(s); %d rejected%n", c.apps().size(), c.desiredInstances(), c.rejected().size());
        for (SpecError e : c.rejected()) {
            out.println("  rejected: " + e);
        }
        out.flush();
        return c;
    }

    @Command(name = "validate", mixinStandardHelpOptions = true,
            description = "Check app specs locally; exit 1 if any is rejected.")
    static final class Validate implements java.util.concurrent.Callable<Integer> {
        @Parameters(paramLabel = "FILE", description = "A JSON file (one spec or an array) or a folder of .json files.")
        Path file;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            return validate(file, spec.commandLine().getOut()).rejected().isEmpty() ? 0 : 1;
        }
    }

    @Command(name = "import", mixinStandardHelpOptions = true,
            description = "Validate app specs and write the valid ones to etcd; exit 1 if any is rejected.")
    static final class Import implements java.util.concurrent.Callable<Integer> {
        @Parameters(paramLabel = "FILE", description = "A JSON file (one spec or an array) or a folder of .json files.")
        Path file;

        @picocli.CommandLine.Mixin
        EtcdOptions etcd;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            Catalog c = validate(file, out);
            try (DesiredStateStore store = etcd.open()) {
                for (AppSpec app : c.apps().values()) {
                    await(store.putApp(app.id(), AppSpecParser.toJson(app)), "writing app '" + app.id() + "' to etcd");
                    out.println("  imported " + app.id());
                }
            } catch (OperatorException e) {
                throw e;
            } catch (Exception e) {
                throw new OperatorException("closing the etcd client: " + e.getMessage());
            }
            out.flush();
            return c.rejected().isEmpty() ? 0 : 1;
        }
    }

    @Command(name = "export", mixinStandardHelpOptions = true,
            description = "Write every app spec in etcd to FILE as a JSON array ('-' for standard output).")
    static final class Export implements java.util.concurrent.Callable<Integer> {
        @Parameters(paramLabel = "FILE", description = "Output file, or - for standard output.")
        String file;

        @picocli.CommandLine.Mixin
        EtcdOptions etcd;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws IOException {
            List<DesiredStateStore.AppDocument> docs;
            try (DesiredStateStore store = etcd.open()) {
                docs = await(store.loadApps(), "reading apps from etcd").apps();
            } catch (OperatorException e) {
                throw e;
            } catch (Exception e) {
                throw new OperatorException("closing the etcd client: " + e.getMessage());
            }
            ArrayNode array = ApiClient.JSON.createArrayNode();
            List<String> unreadable = new ArrayList<>();
            for (DesiredStateStore.AppDocument d : docs) {
                try {
                    array.add(ApiClient.JSON.readTree(d.json()));
                } catch (IOException e) {
                    unreadable.add(d.key()); // exported verbatim would make the file unreadable; name it instead
                }
            }
            String text = ApiClient.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(array) + "\n";
            if (file.equals("-")) {
                spec.commandLine().getOut().print(text);
            } else {
                Files.writeString(Path.of(file), text);
                spec.commandLine().getOut().printf("exported %d app(s) to %s%n", array.size(), file);
            }
            for (String key : unreadable) {
                spec.commandLine().getErr().println("not exported (not valid JSON): " + key);
            }
            spec.commandLine().getOut().flush();
            return unreadable.isEmpty() ? 0 : 1;
        }
    }
}
