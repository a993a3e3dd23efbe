package io.blackstart.cli;

import io.blackstart.doctor.DoctorMain;
import picocli.CommandLine.Command;
import picocli.CommandLine.Unmatched;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code blackstart doctor}: low-level diagnostics (etcd member by member, DNS, probes, Docker, clocks, the
 * coordinator), root causes first. Works with etcd or the coordinator down. Its flags are parsed by the doctor
 * itself ({@link DoctorMain}), so the standalone doctor and this command can never disagree; this command only
 * adds {@code $BLACKSTART_API} as the default coordinator. Exit 0 all ok, 1 warnings only, 2 failures or bad flags.
 */
@Command(name = "doctor", description = "Low-level diagnostics, root cause first; works with etcd or the coordinator down. "
        + "Run 'blackstart doctor --help' for its flags.")
final class DoctorCommand implements Callable<Integer> {
    @Unmatched
    List<String> args = new ArrayList<>();

    @Override
    public Integer call() {
        Logging.init();
        Logging.quietClients();
        List<String> a = new ArrayList<>(args);
        String api = System.getenv("BLACKSTART_API");
        if (api != null && !api.isBlank() && !a.contains("--api") && !a.contains("--no-api")) {
            a.add("--api");
            a.add(api);
        }
        PrintStream out = System.out;
        return DoctorMain.run(a.toArray(String[]::new), out, System.err);
    }
}
