package io.blackstart.e2e;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The shipped systemd units ({@code deploy/systemd/}) as systemd itself reads them: {@code systemd-analyze verify}
 * accepts them without a warning (with ExecStart pointed at the built launcher, which must exist for verify), they
 * carry the hardening an operator relies on, {@code systemd-analyze security} rates them, and the sysusers file makes
 * the user with the docker group in a scratch root.
 */
@Timeout(120)
class SystemdUnitsTest {
    private static final Path UNITS = Shell.ROOT.resolve("deploy/systemd");
    private static final Path LAUNCHER = Shell.ROOT.resolve("deploy/target/blackstart/bin/blackstart");
    private static final List<String> UNIT_NAMES = List.of("blackstart-agent.service", "blackstart-coordinator.service");

    @TempDir
    static Path dir;

    @BeforeAll
    static void copyUnitsWithTheBuiltLauncher() throws IOException {
        assertTrue(Files.isExecutable(LAUNCHER), "the distribution is built: " + LAUNCHER);
        for (String name : UNIT_NAMES) {
            String text = Files.readString(UNITS.resolve(name));
            assertTrue(text.contains("ExecStart=/opt/blackstart/bin/blackstart "), name + " starts /opt/blackstart/bin/blackstart");
            Files.writeString(dir.resolve(name), text.replace("/opt/blackstart/bin/blackstart", LAUNCHER.toString()));
        }
    }

    @Test
    void systemdVerifiesBothUnitsWithoutAWarning() {
        List<String> command = new ArrayList<>(List.of("systemd-analyze", "verify"));
        UNIT_NAMES.forEach(n -> command.add(dir.resolve(n).toString()));
        Shell.Result r = Shell.run(Duration.ofSeconds(60), Map.of("SYSTEMD_LOG_LEVEL", "info"), command);
        assertEquals(0, r.exitCode(), "systemd-analyze verify: " + r.stderr() + r.stdout());
        assertEquals("", r.stderr().strip(), "no warnings from systemd-analyze verify");
    }

    @Test
    void theUnitsLogForTheJournal() throws IOException {
        for (String name : UNIT_NAMES) {
            Map<String, List<String>> service = section(Files.readString(UNITS.resolve(name)), "Service");
            assertTrue(service.get("Environment").contains("BLACKSTART_LOG_FORMAT=journald"),
                    name + ": <priority> prefixes, no timestamp of our own");
            assertFalse(service.containsKey("SyslogLevelPrefix"), name + ": systemd's default (yes) reads the prefixes");
        }
    }

    @Test
    void theUnitsRunUnprivilegedAndHardened() throws IOException {
        for (String name : UNIT_NAMES) {
            Map<String, List<String>> service = section(Files.readString(UNITS.resolve(name)), "Service");
            assertEquals(List.of("blackstart"), service.get("User"), name);
            assertEquals(List.of("143"), service.get("SuccessExitStatus"), name + ": SIGTERM's exit code is a clean stop");
            assertEquals(List.of("always"), service.get("Restart"), name);
            assertEquals(List.of("blackstart"), service.get("StateDirectory"), name);
            for (String yes : List.of("NoNewPrivileges", "ProtectHome", "PrivateTmp", "PrivateDevices", "ProtectKernelTunables",
                    "ProtectKernelModules", "ProtectControlGroups", "RestrictSUIDSGID", "LockPersonality")) {
                assertEquals(List.of("yes"), service.get(yes), name + ": " + yes);
            }
            assertEquals(List.of("strict"), service.get("ProtectSystem"), name);
            assertEquals(List.of(""), service.get("CapabilityBoundingSet"), name + ": no capabilities");
            assertTrue(service.get("EnvironmentFile").get(0).startsWith("/etc/blackstart/"), name + ": secrets from an env file");
            assertFalse(String.join("\n", service.getOrDefault("Environment", List.of())).contains("PASSWORD"),
                    name + ": no password in the unit itself");
        }
        Map<String, List<String>> agentUnit = section(Files.readString(UNITS.resolve("blackstart-agent.service")), "Unit");
        assertTrue(agentUnit.get("Wants").get(0).contains("docker.service"), "the agent wants the engine");
        assertFalse(agentUnit.containsKey("Requires"), "the agent keeps running (and reporting) when the engine is down");
        assertFalse(agentUnit.containsKey("BindsTo"), "the agent keeps running when the engine stops");
        Map<String, List<String>> agent = section(Files.readString(UNITS.resolve("blackstart-agent.service")), "Service");
        assertEquals(List.of("docker"), agent.get("SupplementaryGroups"), "the agent reaches the engine's socket as group docker");
        Map<String, List<String>> coordinator = section(Files.readString(UNITS.resolve("blackstart-coordinator.service")), "Service");
        assertFalse(coordinator.containsKey("SupplementaryGroups"), "the coordinator needs no access to a Docker engine");
    }

    @Test
    void systemdRatesTheAgentsExposureAsOkOrBetter() {
        Shell.Result r = Shell.run(Duration.ofSeconds(60), Map.of(), List.of("systemd-analyze", "security", "--offline=yes",
                "--no-pager", dir.resolve("blackstart-agent.service").toString()));
        Matcher m = Pattern.compile("Overall exposure level for \\S+: (\\d+\\.\\d+) (\\S+)").matcher(r.stdout());
        assertTrue(m.find(), "systemd-analyze security printed a rating: " + r.stdout() + r.stderr());
        double exposure = Double.parseDouble(m.group(1));
        // systemd's scale: < 2 SAFE, < 4 OK (our 3.3; what is left is the docker group and the JVM's need for W+X memory)
        assertTrue(exposure < 4.0, "exposure " + exposure + " " + m.group(2) + " (4.0 and above is MEDIUM)");
    }

    @Test
    void sysusersCreatesTheUserInTheDockerGroup(@TempDir Path root) throws IOException {
        Files.createDirectories(root.resolve("etc"));
        Shell.Result r = Shell.run(Duration.ofSeconds(30), Map.of(), List.of("systemd-sysusers", "--root=" + root,
                UNITS.resolve("blackstart.sysusers").toString())).orFail("systemd-sysusers");
        String passwd = Files.readString(root.resolve("etc/passwd"));
        String group = Files.readString(root.resolve("etc/group"));
        assertTrue(passwd.lines().anyMatch(l -> l.startsWith("blackstart:") && l.endsWith(":/usr/sbin/nologin")), passwd + r.stderr());
        assertTrue(group.lines().anyMatch(l -> l.startsWith("docker:") && List.of(l.substring(l.lastIndexOf(':') + 1).split(",")).contains("blackstart")),
                "blackstart is a member of docker: " + group);
    }

    /** The keys of one [section] of a unit file, each with its values in order (an empty value is kept as ""). */
    private static Map<String, List<String>> section(String unit, String name) {
        Map<String, List<String>> keys = new LinkedHashMap<>();
        String current = null;
        for (String line : unit.lines().toList()) {
            String l = line.strip();
            if (l.isEmpty() || l.startsWith("#") || l.startsWith(";")) {
                continue;
            }
            if (l.startsWith("[")) {
                current = l.substring(1, l.length() - 1);
            } else if (name.equals(current) && l.contains("=")) {
                int eq = l.indexOf('=');
                keys.computeIfAbsent(l.substring(0, eq).strip(), k -> new ArrayList<>()).add(l.substring(eq + 1).strip());
            }
        }
        return keys;
    }
}
