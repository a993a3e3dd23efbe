package io.blackstart.scheduler;

import io.blackstart.protocol.AppSpec;
import io.blackstart.protocol.Catalog;
import io.blackstart.protocol.HealthCheck;
import io.blackstart.protocol.Tier;
import io.blackstart.protocol.wire.ContainerHealth;
import io.blackstart.protocol.wire.ContainerInfo;
import io.blackstart.protocol.wire.ContainerState;
import io.blackstart.protocol.wire.StartResult;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Nothing starts before its dependencies are ready: random dependency graphs in which some apps have a health check
 * that passes after a random delay, or never, driven against a model of the agents (which containers run, and since
 * when their check passes). Every assignment's app has, at the moment of the plan, a ready instance of each
 * dependency — ready in the model, not only in the ledger — and every instance ends up up, or needs attention, or
 * waits (with that reason) behind a dependency that needs attention.
 */
@Timeout(60)
class LedgerReadinessPropertiesTest {

    /** The model: container of an instance → the time its check passes (-1: never, 0: no check). */
    static final class World {
        final Map<String, Map<String, Long>> hosts = new TreeMap<>();
        final Map<String, Integer> inFlight = new HashMap<>();

        ContainerHealth health(long readyAt, long now) {
            return readyAt == 0 ? ContainerHealth.NONE : readyAt > 0 && now >= readyAt ? ContainerHealth.HEALTHY
                    : readyAt < 0 && now > 5_000 ? ContainerHealth.UNHEALTHY : ContainerHealth.STARTING;
        }

        HostReport report(String node, long now) {
            List<ContainerInfo> cs = new ArrayList<>();
            hosts.get(node).forEach((id, readyAt) -> cs.add(new ContainerInfo(id, id.substring(0, id.lastIndexOf('-')),
                    "c-" + id, "img", ContainerState.RUNNING, 0, health(readyAt, now), "probe output")));
            return new HostReport(node, 2, inFlight.getOrDefault(node, 0), 100_000, Set.of(), cs);
        }

        boolean readySomewhere(String appId, long now) {
            for (Map<String, Long> m : hosts.values()) {
                for (Map.Entry<String, Long> c : m.entrySet()) {
                    if (c.getKey().startsWith(appId + "-") && c.getKey().lastIndexOf('-') == appId.length()
                            && health(c.getValue(), now).ready()) {
                        return true;
                    }
                }
            }
            return false;
        }
    }

    @Property(tries = 300)
    void nothingStartsBeforeItsDependenciesAreReady(@ForAll @IntRange(min = 2, max = 12) int appCount,
                                                    @ForAll @IntRange(min = 1, max = 3) int hostCount,
                                                    @ForAll long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        TreeMap<String, AppSpec> apps = new TreeMap<>();
        Map<String, Long> readyDelay = new HashMap<>();
        for (int i = 0; i < appCount; i++) {
            String id = "app" + i;
            Tier tier = Tier.values()[rnd.nextInt(3)];
            List<String> deps = new ArrayList<>();
            for (int j = 0; j < i; j++) {
                // as the catalog validator demands: a platform app depends on platform apps only
                if (rnd.nextInt(4) == 0 && (tier != Tier.PLATFORM || apps.get("app" + j).tier() == Tier.PLATFORM)) {
                    deps.add("app" + j);
                }
            }
            int kind = rnd.nextInt(4); // 0: no check, 1-2: passes after a delay, 3: never passes
            HealthCheck check = kind == 0 ? null : HealthCheck.tcp(80);
            readyDelay.put(id, kind == 0 ? 0L : kind == 3 ? -1L : 1L + rnd.nextInt(3_000));
            apps.put(id, new AppSpec(id, "registry.local/" + id + ":1", 1 + rnd.nextInt(2),
                    tier, rnd.nextInt(3), 100, 0.5, deps, List.of(), Map.of(), 60, check));
        }
        Ledger l = new Ledger(LedgerSettings.defaults(), new SplittableRandom(seed));
        l.setCatalog(new Catalog(apps, List.of()), 0);
        World w = new World();
        for (int h = 0; h < hostCount; h++) {
            w.hosts.put("h" + h, new TreeMap<>());
            l.hostReported(w.report("h" + h, 0), 0);
        }
        List<Assignment> sent = new ArrayList<>();
        for (long now = 10; now < 20_000; now += 10 + rnd.nextInt(200)) {
            for (Assignment a : l.plan(now)) {
                for (String dep : apps.get(a.appId()).dependsOn()) {
                    assertTrue(w.readySomewhere(dep, now), a.instanceId() + " planned at " + now
                            + " before its dependency " + dep + " is ready");
                }
                l.assignmentRecorded(a.instanceId(), a.nodeId(), 1, now);
                sent.add(a);
                w.inFlight.merge(a.nodeId(), 1, Integer::sum);
            }
            if (!sent.isEmpty() && rnd.nextBoolean()) {
                Assignment a = sent.remove(rnd.nextInt(sent.size()));
                w.inFlight.merge(a.nodeId(), -1, Integer::sum);
                long delay = readyDelay.get(a.appId());
                w.hosts.get(a.nodeId()).put(a.instanceId(), delay <= 0 ? delay : now + delay);
                l.startOutcome(a.nodeId(), a.instanceId(), a.attempt(), StartResult.STARTED, "started",
                        delay == 0 ? ContainerHealth.NONE : ContainerHealth.STARTING, now);
            }
            String node = "h" + rnd.nextInt(hostCount);
            l.hostReported(w.report(node, now), now);
            l.tick(now);
            for (Ledger.InstanceView v : l.instances()) {
                if (v.state() == InstanceState.RUNNING) {
                    assertTrue(w.readySomewhere(v.appId(), now) || !w.hosts.get(v.nodeId()).containsKey(v.instanceId())
                            || w.health(w.hosts.get(v.nodeId()).get(v.instanceId()), now).ready(), v.toString());
                }
            }
        }
        for (String node : w.hosts.keySet()) {
            l.hostReported(w.report(node, 20_000), 20_000);
        }
        // apps that cannot be up before an operator acts: none up and one needs attention, or waiting for such an app
        Set<String> up = new java.util.HashSet<>();
        Set<String> blocked = new java.util.HashSet<>();
        for (Ledger.InstanceView v : l.instances()) {
            if (v.state() == InstanceState.RUNNING) {
                up.add(v.appId());
            } else if (v.state() == InstanceState.NEEDS_ATTENTION) {
                blocked.add(v.appId());
            }
        }
        blocked.removeAll(up);
        for (boolean grew = true; grew; ) {
            grew = false;
            for (AppSpec a : apps.values()) {
                if (!up.contains(a.id()) && !blocked.contains(a.id())
                        && a.dependsOn().stream().anyMatch(blocked::contains)) {
                    grew = blocked.add(a.id());
                }
            }
        }
        for (Ledger.InstanceView v : l.instances()) {
            Explanation e = l.explain(v.instanceId(), 20_000);
            boolean waitsForAttention = e.rule().equals("dependency")
                    && apps.get(v.appId()).dependsOn().stream().anyMatch(blocked::contains);
            assertTrue(v.state() == InstanceState.RUNNING || v.state() == InstanceState.NEEDS_ATTENTION
                    || waitsForAttention, v + " " + e);
            if (v.state() == InstanceState.NEEDS_ATTENTION) {
                assertTrue(readyDelay.get(v.appId()) < 0, "only a check that never passes needs attention: " + v);
            } else if (readyDelay.get(v.appId()) < 0) {
                assertTrue(waitsForAttention, "a check that never passes ends in needs-attention: " + v + " " + e);
            }
        }
    }
}
