package io.blackstart.doctor;

import picocli.CommandLine;

import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;

/**
 * Runs the doctor standalone: {@code java -cp ... io.blackstart.doctor.DoctorMain [flags]}, the flags of
 * {@code blackstart doctor} parsed by the same {@link DoctorCommand}. Prints the human report (or the JSON one with
 * {@code --json}) and exits 0 all ok, {@value DoctorCommand#EXIT_WARNINGS} warnings only,
 * {@value DoctorCommand#EXIT_FAILURES} a failure; bad flags print the usage and exit 2.
 */
public final class DoctorMain {

    private DoctorMain() {
    }

    /** Entry point. */
    public static void main(String[] args) {
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        System.exit(run(args, out, System.err));
    }

    /** Parses {@code args}, runs the doctor, prints to {@code out}; returns the exit code. */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        CommandLine cmd = new CommandLine(new DoctorCommand());
        cmd.setOut(new PrintWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8), true));
        cmd.setErr(new PrintWriter(new OutputStreamWriter(err, StandardCharsets.UTF_8), true));
        return cmd.execute(args);
    }
}
