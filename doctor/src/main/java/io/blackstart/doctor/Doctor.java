package io.blackstart.doctor;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs the doctor: builds the checks and their dependency graph from {@link DoctorOptions}, runs them
 * concurrently within the check timeout and the run's deadline, and assembles the {@link DoctorReport}.
 * With {@link DoctorOptions#waitFor()} it re-runs until every check is ok or the time is up.
 *
 * <p>It depends on nothing it checks: no check needs another to have succeeded to run, so a dead etcd or
 * coordinator only shows up in the report.
 */
public final class Doctor {

    /** Capability: what recovery needs. */
    public static final String RECOVERY = "recovery";
    /** Capability: what the node agents need. */
    public static final String AGENTS = "agents";
    /** Capability: what apps need from the outside (names and dependencies). */
    public static final String APPS = "apps";

    private Doctor() {
    }

    /** One run (or, with {@code waitFor}, runs until all ok or the time is up); returns the last report. */
    public static DoctorReport run(DoctorOptions options) {
        long waitUntil = System.nanoTime() + options.waitFor().toNanos();
        while (true) {
            DoctorReport report = runOnce(options);
            long pause = options.waitInterval().toNanos();
            if (report.allOk() || System.nanoTime() + pause >= waitUntil) {
                return report;
            }
            try {
                TimeUnit.NANOSECONDS.sleep(pause);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return report;
            }
        }
    }

    /** Exactly one run. */
    public static DoctorReport runOnce(DoctorOptions options) {
        ExecutorService pool = Executors.newCachedThreadPool(daemonThreads());
        try {
            List<CheckTask> tasks = tasks(options, pool);
            List<Check> checks = runTasks(tasks, options.checkTimeout(), options.deadline(), pool);
            return graph(options, tasks, checks).assemble(checks);
        } finally {
            pool.shutdownNow();
        }
    }

    /** The tasks of a run, in display order. */
    static List<CheckTask> tasks(DoctorOptions o, ExecutorService pool) {
        List<CheckTask> tasks = new ArrayList<>();
        if (!o.etcdEndpoints().isEmpty()) {
            EtcdAssessment assessment = new EtcdAssessment(
                    o.expectedClusterId().map(id -> Long.parseUnsignedLong(id, 16)), o.etcdQuotaBytes(),
                    o.etcdMaxRaftLag());
            tasks.add(new EtcdCheck(o.etcdEndpoints(), o.etcdPeers(), () -> new JetcdMemberPort(o.etcdCallTimeout(), pool, o.etcdAccess()),
                    assessment, pool));
        }
        Optional<DnsServer> dnsServer = o.dnsServerSpec();
        for (String name : o.dnsNames()) {
            tasks.add(new DnsCheck(name, o.readTimeout(), dnsServer, pool));
        }
        for (String probe : o.probes()) {
            tasks.add(new ProbeCheck(ProbeTarget.parse(probe), o.connectTimeout(), o.readTimeout()));
        }
        o.dockerHost().ifPresent(host -> tasks.add(new DockerCheck(host,
                () -> new DockerJavaEngine(host, o.connectTimeout(), o.readTimeout()))));
        if (!o.etcdEndpoints().isEmpty()) {
            tasks.add(new ClockCheck(o.etcdEndpoints(), o.etcdPeers(), o.connectTimeout(), o.readTimeout(), pool,
                    o.etcdAccess().jdkContext()));
        }
        ExpectedAgents expected = new ExpectedAgents(o.inventory(), o.etcdEndpoints().isEmpty() ? Optional.empty()
                : Optional.of(new JetcdAgentRecords(o.etcdEndpoints(), o.etcdPrefix(), o.etcdCallTimeout(), pool,
                        o.etcdAccess())),
                o.etcdPrefix() + "/agents/");
        if (!o.etcdEndpoints().isEmpty()) {
            tasks.add(new AgentRecordsCheck(expected, System::currentTimeMillis));
        }
        for (String url : o.management()) {
            tasks.add(new NodeReadyCheck(url, o.connectTimeout(), o.readTimeout()));
        }
        o.api().ifPresent(api -> {
            tasks.add(new CoordinatorCheck(api, o.connectTimeout(), o.readTimeout()));
            tasks.add(new CoordinatorClusterCheck(api, o.connectTimeout(), o.readTimeout(), expected, o.seeds()));
            tasks.add(new HostsCheck(api, o.connectTimeout(), o.hostsTimeout(), expected));
        });
        return tasks;
    }

    /**
     * The dependency graph between the checks of a run, and the capabilities they serve. Per-host checks are named
     * after the hosts the coordinator listed, so the graph is built from the run's {@code checks}.
     */
    static CheckGraph graph(DoctorOptions o, List<CheckTask> tasks, List<Check> checks) {
        CheckGraph.Builder g = CheckGraph.builder();
        // etcd: the cluster verdict is made of its members; lag is only comparable while there is quorum
        tasks.stream().filter(t -> t instanceof EtcdCheck).map(t -> (EtcdCheck) t).findFirst().ifPresent(etcd -> {
            g.requires(EtcdAssessment.QUORUM, etcd.memberNames());
            g.requires(EtcdAssessment.RAFT_LAG, EtcdAssessment.QUORUM);
        });
        // docker: the disk is read through the engine
        g.requires(DockerCheck.DISK, DockerCheck.ENGINE);
        // coordinator: cluster-wide checks are asked through its API
        // the status comes from the recovery manager singleton: no singleton, no status
        g.requires(CoordinatorCheck.STATUS, CoordinatorCheck.REACHABLE, CoordinatorClusterCheck.SINGLETON);
        // its cluster view: whether the cluster could form (a first seed that is down) explains missing members
        g.requires(CoordinatorClusterCheck.FORMATION, CoordinatorCheck.REACHABLE);
        // then the members; the singleton and the agents are read from the same answer
        g.requires(CoordinatorClusterCheck.MEMBERS, CoordinatorCheck.REACHABLE, CoordinatorClusterCheck.FORMATION);
        g.requires(CoordinatorClusterCheck.UNREACHABLE, CoordinatorClusterCheck.MEMBERS);
        g.requires(CoordinatorClusterCheck.SINGLETON, CoordinatorClusterCheck.MEMBERS);
        g.requires(CoordinatorClusterCheck.AGENTS, CoordinatorClusterCheck.MEMBERS);
        // a node's readiness: not joined follows from a cluster that cannot form, no catalog from etcd without quorum
        for (String url : o.management()) {
            g.requires(NodeReadyCheck.checkName(url), EtcdAssessment.QUORUM, CoordinatorClusterCheck.FORMATION);
        }
        // every host through its agent, asked by the coordinator: only agents that are present can answer
        g.requires(HostsCheck.ANSWERING, CoordinatorCheck.REACHABLE, CoordinatorClusterCheck.AGENTS);
        g.requires(HostsCheck.COORDINATOR_CLOCK, CoordinatorCheck.REACHABLE);
        for (Check c : checks) {
            if (HostsCheck.isHostCheck(c.name())) {
                g.requires(c.name(), HostsCheck.ANSWERING);
                if (c.group().equals(DockerCheck.GROUP)) {
                    // one host's engine keeps instances off that host, not the recovery: the others take them
                    String host = hostCapability(c.name());
                    g.capability(host, "nothing can start on " + c.name().substring("docker on ".length()))
                            .requires(host, c.name());
                }
            }
        }
        // apps need their names to resolve and their dependencies to answer
        List<String> external = new ArrayList<>();
        o.dnsNames().forEach(n -> external.add(DnsCheck.checkName(n)));
        o.probes().forEach(p -> external.add(ProbeCheck.checkName(p)));
        g.capability(APPS, "apps that need it cannot start").requires(APPS, external);
        // agents run containers through their host's engine, and are driven by the coordinator
        g.capability(AGENTS, "agents cannot start containers")
                .requires(AGENTS, DockerCheck.ENGINE, DockerCheck.DISK, CoordinatorCheck.REACHABLE,
                        CoordinatorClusterCheck.AGENTS, HostsCheck.ANSWERING);
        // recovery needs the desired state (etcd), the coordinator cluster and the agents
        g.capability(RECOVERY, "recovery cannot start")
                .requires(RECOVERY, EtcdAssessment.QUORUM, CoordinatorCheck.STATUS,
                        CoordinatorClusterCheck.SINGLETON, AGENTS);
        return g.build();
    }

    /** The capability that one host's engine serves: starting containers there. */
    static String hostCapability(String dockerCheckName) {
        return "starts " + dockerCheckName.substring("docker ".length());
    }

    /**
     * Runs {@code tasks} concurrently on {@code pool}. A task still running when {@code checkTimeout} or
     * {@code deadline} (both from the start) has passed is interrupted and each of its names reported as
     * failed; so is a task that throws.
     */
    static List<Check> runTasks(List<CheckTask> tasks, Duration checkTimeout, Duration deadline,
                                ExecutorService pool) {
        long start = System.nanoTime();
        long limit = start + Math.min(checkTimeout.toNanos(), deadline.toNanos());
        List<Future<List<Check>>> futures = new ArrayList<>();
        for (CheckTask t : tasks) {
            futures.add(pool.submit(t::run));
        }
        List<Check> checks = new ArrayList<>();
        for (int i = 0; i < tasks.size(); i++) {
            CheckTask task = tasks.get(i);
            Future<List<Check>> f = futures.get(i);
            Optional<String> problem;
            try {
                checks.addAll(f.get(Math.max(0, limit - System.nanoTime()), TimeUnit.NANOSECONDS));
                continue;
            } catch (TimeoutException | CancellationException e) {
                f.cancel(true);
                problem = Optional.of("no result within " + Duration.ofNanos(limit - start).toMillis() + " ms");
            } catch (ExecutionException e) {
                problem = Optional.of("the check crashed: " + HttpFetch.describe(e.getCause()));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                f.cancel(true);
                problem = Optional.of("interrupted");
            }
            long ms = HttpFetch.millisSince(start);
            for (String name : task.names()) {
                checks.add(Check.fail(task.group(), name, problem.get(),
                        "raise check-timeout/deadline, or look at what hangs (a firewall dropping packets?)", ms));
            }
        }
        return checks;
    }

    private static ThreadFactory daemonThreads() {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, "doctor-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }
}
