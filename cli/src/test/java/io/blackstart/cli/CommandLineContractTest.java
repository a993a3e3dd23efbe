package io.blackstart.cli;

import io.blackstart.doctor.DoctorCommand;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * One parser for every subcommand: real usage without picocli warnings, exit 2 for bad options only, the version the
 * build stamped, and a bash completion script that bash accepts.
 */
@Timeout(60)
class CommandLineContractTest {

    /** Every subcommand but {@code help}, as the operator types it. */
    private static List<String> subcommands() {
        List<String> names = new ArrayList<>(Blackstart.commandLine().getSubcommands().keySet());
        names.remove("help");
        return names;
    }

    /** Runs with System.err captured too: picocli's own warnings go there, not to the command's err writer. */
    private static BlackstartCliTest.Run runCapturingStderr(String... args) {
        PrintStream saved = System.err;
        ByteArrayOutputStream stderr = new ByteArrayOutputStream();
        System.setErr(new PrintStream(stderr, true, StandardCharsets.UTF_8));
        try {
            BlackstartCliTest.Run r = BlackstartCliTest.run(args);
            return new BlackstartCliTest.Run(r.exit(), r.out(), r.err() + stderr.toString(StandardCharsets.UTF_8));
        } finally {
            System.setErr(saved);
        }
    }

    @Test
    void everySubcommandHasRealUsageListingItsOptionsAndNoWarning() {
        assertTrue(subcommands().containsAll(List.of("drill", "doctor", "bench", "status", "completion")));
        for (String name : subcommands()) {
            CommandLine sub = Blackstart.commandLine().getSubcommands().get(name);
            for (List<String> args : List.of(List.of("help", name), List.of(name, "--help"))) {
                BlackstartCliTest.Run r = runCapturingStderr(args.toArray(String[]::new));
                String what = String.join(" ", args);
                assertEquals(0, r.exit(), what + ": " + r.err());
                assertTrue(r.out().startsWith("Usage: blackstart " + name), what + ":\n" + r.out());
                assertFalse(r.err().contains("WARN") || r.out().contains("WARN"), what + " warns:\n" + r.err());
                assertFalse(r.out().contains("%n") || r.out().contains("${"), what + " left a placeholder:\n" + r.out());
                for (OptionSpec o : sub.getCommandSpec().options()) {
                    if (!o.hidden()) {
                        assertTrue(r.out().contains(o.longestName()), what + " lacks " + o.longestName() + ":\n"
                                + r.out());
                    }
                }
            }
        }
    }

    @Test
    void theModuleCommandsShowTheirDefaults() {
        assertTrue(runCapturingStderr("help", "drill").out().contains("(default: 42)"), "drill --seed");
        String bench = runCapturingStderr("help", "bench").out();
        assertTrue(bench.contains("Simulated agents (default: 500)"), bench);
        String doctor = runCapturingStderr("help", "doctor").out().replaceAll("\\s+", " ");
        assertTrue(doctor.contains("(default: " + io.blackstart.doctor.DoctorOptions.defaults().etcdPrefix() + ")"),
                doctor);
        assertTrue(doctor.contains("(default: " + io.blackstart.doctor.DoctorOptions.defaults().api().orElseThrow()
                + ")"), doctor);
        assertTrue(doctor.contains("3 warnings, no failure") && doctor.contains("4 at least one check failed"),
                "the doctor's exit codes are in its help: " + doctor);
    }

    @Test
    void aBadOptionExitsTwoForEverySubcommand() {
        for (String name : subcommands()) {
            // with the positional a command requires (recovery's start|stop, completion's shell), the bad option is
            // what is wrong
            String positional = Map.of("recovery", "start", "completion", "bash").get(name);
            BlackstartCliTest.Run r = positional == null ? BlackstartCliTest.run(name, "--no-such-option")
                    : BlackstartCliTest.run(name, positional, "--no-such-option");
            assertEquals(2, r.exit(), name + ": " + r.err());
            // the usage follows, or picocli's suggestion of the option meant when one is close
            assertTrue(r.err().contains("--no-such-option") && (r.err().contains("Usage: blackstart " + name)
                            || r.err().contains("Possible solutions: ")),
                    name + ": " + r.err());
        }
        BlackstartCliTest.Run agents = BlackstartCliTest.run("bench", "--agents", "0");
        assertEquals(2, agents.exit());
        assertTrue(agents.err().contains("--agents must be positive"), agents.err());
        BlackstartCliTest.Run wait = BlackstartCliTest.run("doctor", "--wait", "soon");
        assertEquals(2, wait.exit());
        assertTrue(wait.err().contains("--wait") && wait.err().contains("expects seconds, got soon"), wait.err());
        BlackstartCliTest.Run window = BlackstartCliTest.run("drill", "--return-window", "soon");
        assertEquals(2, window.exit());
        assertTrue(window.err().contains("--return-window") && window.err().contains("not a duration"), window.err());
        assertEquals(2, BlackstartCliTest.run("completion", "fish").exit());
    }

    @Test
    void doctorFindingsHaveTheirOwnExitCode() {
        BlackstartCliTest.Run ok = BlackstartCliTest.run("doctor", "--no-api", "--no-docker", "--dns", "localhost");
        assertEquals(0, ok.exit(), ok.out() + ok.err());
        BlackstartCliTest.Run failed = BlackstartCliTest.run("doctor", "--no-api", "--no-docker", "--dns",
                "no-such-host.invalid", "--timeout", "1");
        assertEquals(DoctorCommand.EXIT_FAILURES, failed.exit(), failed.out() + failed.err());
        assertTrue(failed.out().contains("no-such-host.invalid"), failed.out());
        assertEquals(4, DoctorCommand.EXIT_FAILURES);
        assertEquals(3, DoctorCommand.EXIT_WARNINGS);
    }

    @Test
    void versionIsWhatTheBuildStamped() throws Exception {
        String pom = Files.readString(Path.of("..", "pom.xml"));
        Matcher m = Pattern.compile("<artifactId>blackstart-parent</artifactId>\\s*<version>([^<]+)</version>")
                .matcher(pom);
        assertTrue(m.find(), "the parent pom's version");
        BlackstartCliTest.Run r = BlackstartCliTest.run("--version");
        assertEquals(0, r.exit());
        assertTrue(r.out().strip().matches("blackstart " + Pattern.quote(m.group(1))
                        + " \\(commit ([0-9a-f]{7,40}|unknown), built \\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ\\)"),
                r.out());
        assertEquals(r.out(), BlackstartCliTest.run("drill", "--version").out(), "subcommands print the same");
    }

    @Test
    void theBashCompletionScriptSourcesAndRegisters(@TempDir Path dir) throws Exception {
        BlackstartCliTest.Run r = BlackstartCliTest.run("completion", "bash");
        assertEquals(0, r.exit(), r.err());
        Path script = dir.resolve("blackstart-completion.bash");
        Files.writeString(script, r.out());
        String out = bash("source '" + script + "' && complete -p blackstart"
                + " && COMP_WORDS=(blackstart dr) && COMP_CWORD=1 && { _complete_blackstart 2>/dev/null; echo \"${COMPREPLY[*]}\"; }"
                + " && COMP_WORDS=(blackstart doctor --no-d) && COMP_CWORD=2"
                + " && { _complete_blackstart 2>/dev/null; echo \"${COMPREPLY[*]}\"; }");
        List<String> lines = out.lines().toList();
        assertTrue(lines.get(0).startsWith("complete ") && lines.get(0).endsWith(" blackstart"), out);
        assertEquals("drill", lines.get(1).strip(), "a subcommand completes: " + out);
        assertEquals("--no-docker", lines.get(lines.size() - 1).strip(), "a subcommand's option completes: " + out);
    }

    private static String bash(String command) throws Exception {
        Process p = new ProcessBuilder("bash", "-c", command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), out);
        return out;
    }
}
