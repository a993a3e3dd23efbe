package io.blackstart.doctor;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;

/**
 * The local Docker engine: {@link #ENGINE} (ping, version, API version, storage driver) and {@link #DISK}
 * (free space of the data root: warn below 10 %, fail below 3 %).
 */
public final class DockerCheck implements CheckTask {

    /** The check group. */
    public static final String GROUP = "docker";
    /** Name of the engine check. */
    public static final String ENGINE = "docker engine";
    /** Name of the disk check. */
    public static final String DISK = "docker disk";

    static final double DISK_WARN = 0.10;
    static final double DISK_FAIL = 0.03;

    private final String host;
    private final Supplier<DockerEnginePort> engine;

    /**
     * @param host   the engine's address, for messages
     * @param engine creates the port to the engine
     */
    public DockerCheck(String host, Supplier<DockerEnginePort> engine) {
        this.host = host;
        this.engine = engine;
    }

    @Override
    public String group() {
        return GROUP;
    }

    @Override
    public List<String> names() {
        return List.of(ENGINE, DISK);
    }

    @Override
    public List<Check> run() {
        return assess(host, engine.get().facts());
    }

    /** The checks for these facts. Pure. */
    public static List<Check> assess(String host, DockerFacts f) {
        List<Check> checks = new ArrayList<>();
        long ms = f.ping().millis();
        if (!f.ping().isOk()) {
            checks.add(Check.fail(GROUP, ENGINE, "Docker engine at " + host + " does not answer: "
                            + f.ping().detail(),
                    "start it (systemctl start docker) and check its log (journalctl -u docker)", ms));
            checks.add(Check.fail(GROUP, DISK, "not checked: the engine does not answer", "", 0));
            return checks;
        }
        checks.add(Check.ok(GROUP, ENGINE, "Docker " + f.version() + " (API " + f.apiVersion() + "), storage driver "
                + f.storageDriver() + ", data root " + f.rootDir(), ms));
        if (f.usableBytes().isEmpty() || f.totalBytes().isEmpty() || f.totalBytes().get() == 0) {
            checks.add(Check.warn(GROUP, DISK, "free space of " + f.rootDir() + " not visible from this machine",
                    "run the doctor on the Docker host to check its disk", 0));
            return checks;
        }
        double free = (double) f.usableBytes().get() / f.totalBytes().get();
        String finding = String.format(Locale.ROOT, "%s has %s free of %s (%.1f%%)", f.rootDir(),
                EtcdAssessment.bytes(f.usableBytes().get()), EtcdAssessment.bytes(f.totalBytes().get()), free * 100);
        if (free < DISK_FAIL) {
            checks.add(Check.fail(GROUP, DISK, finding, "free space: `docker system prune`, remove old images "
                    + "(not during a recovery: they avoid pulls), or grow the disk", 0));
        } else if (free < DISK_WARN) {
            checks.add(Check.warn(GROUP, DISK, finding, "less than 10% free: plan a cleanup or a bigger disk", 0));
        } else {
            checks.add(Check.ok(GROUP, DISK, finding, 0));
        }
        return checks;
    }
}
