package io.blackstart.cli;

import io.blackstart.testsupport.SecureEtcd;
import io.blackstart.doctor.DoctorCommand;
import io.blackstart.doctor.DoctorMain;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code blackstart catalog import/export} and {@code blackstart doctor} against a real etcd serving TLS only, with
 * {@code --client-cert-auth} and etcd authentication ({@link SecureEtcd}); the password comes from a file and never
 * appears in any output.
 */
@Tag("etcd")
@Timeout(120)
class EtcdTlsCliTest {

    private static SecureEtcd etcd;
    private static Path passwordFile;
    private static Path wrongPasswordFile;
    private final String prefix = SecureEtcd.PREFIX + "/cli-" + UUID.randomUUID();

    record Run(int exit, String out, String err) {
        String all() {
            return out + "\n" + err;
        }
    }

    @BeforeAll
    static void start() throws Exception {
        etcd = SecureEtcd.start();
        passwordFile = etcd.dir.resolve("etcd-password");
        Files.writeString(passwordFile, etcd.password + "\n");
        wrongPasswordFile = etcd.dir.resolve("wrong-password");
        Files.writeString(wrongPasswordFile, "wrong-" + etcd.password + "\n");
    }

    @AfterAll
    static void stop() {
        if (etcd != null) {
            etcd.close();
        }
    }

    private static Run cli(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Blackstart.execute(new PrintWriter(out, true), new PrintWriter(err, true), args);
        return new Run(code, out.toString(), err.toString());
    }

    private List<String> etcdFlags(Path password) {
        return List.of("--etcd", etcd.url(), "--prefix", prefix, "--etcd-ca", etcd.ca().toString(),
                "--etcd-cert", etcd.clientCert().toString(), "--etcd-key", etcd.clientKey().toString(),
                "--etcd-user", SecureEtcd.USER, "--etcd-password-file", password.toString());
    }

    private static String[] args(List<String> head, List<String> tail) {
        List<String> a = new ArrayList<>(head);
        a.addAll(tail);
        return a.toArray(String[]::new);
    }

    @Test
    void catalogImportAndExportWorkThroughTlsAndAuth() throws Exception {
        Path in = etcd.dir.resolve("catalog-" + UUID.randomUUID() + ".json");
        Files.writeString(in, "[{\"id\":\"web\",\"image\":\"nginx:1.25\",\"instances\":2}]");
        Run imp = cli(args(List.of("catalog", "import", in.toString()), etcdFlags(passwordFile)));
        assertEquals(0, imp.exit(), imp.all());
        Path outFile = etcd.dir.resolve("export-" + UUID.randomUUID() + ".json");
        Run exp = cli(args(List.of("catalog", "export", outFile.toString()), etcdFlags(passwordFile)));
        assertEquals(0, exp.exit(), exp.all());
        assertTrue(Files.readString(outFile).contains("nginx:1.25"), Files.readString(outFile));
        assertFalse(imp.all().contains(etcd.password) || exp.all().contains(etcd.password));

        Run wrong = cli(args(List.of("catalog", "export", outFile.toString()), etcdFlags(wrongPasswordFile)));
        assertTrue(wrong.exit() != 0, wrong.all());
        assertTrue(wrong.all().contains("etcd at " + etcd.url() + ": authentication failed for user 'blackstart'"),
                wrong.all());
        assertFalse(wrong.all().contains(etcd.password), wrong.all());

        Run noCa = cli("catalog", "export", outFile.toString(), "--etcd", etcd.url(), "--prefix", prefix);
        assertEquals(2, noCa.exit(), noCa.all());
        assertTrue(noCa.all().contains("https but no etcd CA file"), noCa.all());
    }

    private static Run doctor(List<String> args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        List<String> a = new ArrayList<>(List.of("--no-api", "--no-docker"));
        a.addAll(args);
        int code = DoctorMain.run(a.toArray(String[]::new), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void doctorChecksATlsMemberAndNamesAuthenticationFailure() {
        Run ok = doctor(etcdFlags(passwordFile));
        assertTrue(ok.out().contains("is healthy"), ok.all());
        assertTrue(ok.out().contains("quota"), ok.all());
        assertFalse(ok.out().contains("quota unknown"), "/metrics over TLS: " + ok.all());
        assertFalse(ok.all().contains(etcd.password));

        Run wrong = doctor(etcdFlags(wrongPasswordFile));
        assertEquals(DoctorCommand.EXIT_FAILURES, wrong.exit(), wrong.all());
        assertTrue(wrong.out().contains("root cause: etcd authentication"), wrong.all());
        assertTrue(wrong.out().contains("authentication failed for user 'blackstart'"), wrong.all());
        assertFalse(wrong.out().contains("is down"), wrong.all());
        assertFalse(wrong.all().contains(etcd.password), wrong.all());

        Run noCert = doctor(List.of("--etcd", etcd.url(), "--etcd-ca", etcd.ca().toString(), "--etcd-user",
                SecureEtcd.USER, "--etcd-password-file", passwordFile.toString()));
        assertEquals(DoctorCommand.EXIT_FAILURES, noCert.exit(), noCert.all());
        assertTrue(noCert.out().contains("root cause: etcd TLS"), noCert.all());

        Run onCommandLine = doctor(List.of("--etcd", etcd.url(), "--etcd-password", "x"));
        assertEquals(2, onCommandLine.exit(), onCommandLine.all());
        assertTrue(onCommandLine.all().contains("not taken from the command line"), onCommandLine.all());
    }
}
