package io.blackstart.doctor;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Which checks depend on which, and what breaks when one fails; turns a flat list of checks into a
 * {@link DoctorReport} with root causes.
 *
 * <p>Nodes are check names (for example {@code etcd quorum}) or <em>capabilities</em>: things the
 * doctor does not check itself but that need other checks to pass ({@code recovery}, {@code agents}).
 * A capability carries a consequence sentence, e.g. "recovery cannot start".
 *
 * <p>Rules:
 * <ul>
 *   <li>A failing check none of whose transitive prerequisites fails is a <em>root cause</em>.
 *       Prerequisites that only warn do not hide a root cause.</li>
 *   <li>A failing check with a failing prerequisite is <em>blocked by</em> the root causes upstream of it.</li>
 *   <li>Every failing check lists in {@code blocks} what it keeps from working: the nodes that depend on it,
 *       transitively through failing checks, capabilities and checks that could not run (absent from the
 *       report). A dependent that passes or warns is not blocked.</li>
 * </ul>
 * Instances are immutable; build them with {@link #builder()}.
 */
public final class CheckGraph {

    private final Map<String, Set<String>> prerequisites;
    private final Map<String, String> capabilities;

    private CheckGraph(Map<String, Set<String>> prerequisites, Map<String, String> capabilities) {
        this.prerequisites = prerequisites;
        this.capabilities = capabilities;
    }

    /** A new, empty builder. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Computes blocks, root causes and blocked-by relations for one run.
     *
     * @param checks the results, in display order; names must be unique
     */
    public DoctorReport assemble(List<Check> checks) {
        Map<String, Check> byName = new LinkedHashMap<>();
        for (Check c : checks) {
            if (byName.putIfAbsent(c.name(), c) != null) {
                throw new IllegalArgumentException("duplicate check name: " + c.name());
            }
        }
        List<Check> out = new ArrayList<>();
        List<String> roots = new ArrayList<>();
        Map<String, List<String>> blockedBy = new LinkedHashMap<>();
        Map<String, List<String>> impacts = new LinkedHashMap<>();
        for (Check c : checks) {
            if (c.status() != Status.FAIL) {
                out.add(c.withBlocks(List.of()));
                continue;
            }
            List<String> downstream = blockedNodes(c.name(), byName);
            List<String> consequences = downstream.stream()
                    .filter(capabilities::containsKey).map(capabilities::get).toList();
            out.add(c.withBlocks(downstream));
            List<String> failingUpstream = upstreamRootsOf(c.name(), byName);
            if (failingUpstream.isEmpty()) {
                roots.add(c.name());
                impacts.put(c.name(), List.copyOf(consequences));
            } else {
                blockedBy.put(c.name(), failingUpstream);
            }
        }
        return new DoctorReport(out, roots, blockedBy, impacts);
    }

    /** Transitive prerequisites of {@code node}, nearest first. */
    Set<String> prerequisitesOf(String node) {
        Set<String> seen = new LinkedHashSet<>();
        collect(node, seen, prerequisites);
        return seen;
    }

    /**
     * What a failing {@code node} blocks: its dependents, followed on through dependents that fail too,
     * that are capabilities, or that are checks absent from the report (not run because of it). A dependent
     * check that passes or only warns is not blocked, and the walk stops there. In graph declaration order.
     */
    List<String> blockedNodes(String node, Map<String, Check> byName) {
        Set<String> blocked = new LinkedHashSet<>();
        java.util.ArrayDeque<String> todo = new java.util.ArrayDeque<>(List.of(node));
        while (!todo.isEmpty()) {
            String current = todo.poll();
            for (Map.Entry<String, Set<String>> e : prerequisites.entrySet()) {
                String dependent = e.getKey();
                if (!e.getValue().contains(current) || blocked.contains(dependent)) {
                    continue;
                }
                Check dc = byName.get(dependent);
                if (dc != null && dc.status() != Status.FAIL) {
                    continue;
                }
                blocked.add(dependent);
                todo.add(dependent);
            }
        }
        List<String> ordered = new ArrayList<>();
        for (String n : prerequisites.keySet()) {
            if (blocked.contains(n)) {
                ordered.add(n);
            }
        }
        return ordered;
    }

    private List<String> upstreamRootsOf(String node, Map<String, Check> byName) {
        List<String> roots = new ArrayList<>();
        for (String p : prerequisitesOf(node)) {
            Check pc = byName.get(p);
            if (pc == null || pc.status() != Status.FAIL) {
                continue;
            }
            boolean hasFailingAbove = prerequisitesOf(p).stream()
                    .map(byName::get)
                    .anyMatch(x -> x != null && x.status() == Status.FAIL);
            if (!hasFailingAbove) {
                roots.add(p);
            }
        }
        return roots;
    }

    private static void collect(String node, Set<String> seen, Map<String, Set<String>> edges) {
        for (String p : edges.getOrDefault(node, Set.of())) {
            if (seen.add(p)) {
                collect(p, seen, edges);
            }
        }
    }

    /** Builds a {@link CheckGraph}. Cycles are rejected. */
    public static final class Builder {
        private final Map<String, Set<String>> prerequisites = new LinkedHashMap<>();
        private final Map<String, String> capabilities = new LinkedHashMap<>();

        private Builder() {
        }

        /** Declares that {@code node} needs each of {@code needs} to pass. */
        public Builder requires(String node, Collection<String> needs) {
            Objects.requireNonNull(node, "node");
            Set<String> set = prerequisites.computeIfAbsent(node, k -> new LinkedHashSet<>());
            for (String n : needs) {
                if (n.equals(node)) {
                    throw new IllegalArgumentException("a node cannot require itself: " + node);
                }
                set.add(n);
            }
            return this;
        }

        /** Declares that {@code node} needs each of {@code needs} to pass. */
        public Builder requires(String node, String... needs) {
            return requires(node, List.of(needs));
        }

        /**
         * Declares a capability: a node that is not a check, with the sentence to print when it is
         * blocked, e.g. {@code capability("recovery", "recovery cannot start")}.
         */
        public Builder capability(String node, String consequence) {
            capabilities.put(Objects.requireNonNull(node), Objects.requireNonNull(consequence));
            prerequisites.computeIfAbsent(node, k -> new LinkedHashSet<>());
            return this;
        }

        /** The immutable graph. */
        public CheckGraph build() {
            // insertion order is kept so that blocks are listed in the order the graph was declared
            Map<String, Set<String>> ordered = new LinkedHashMap<>();
            prerequisites.forEach((k, v) -> ordered.put(k, Collections.unmodifiableSet(new LinkedHashSet<>(v))));
            for (String node : ordered.keySet()) {
                Set<String> seen = new LinkedHashSet<>();
                collect(node, seen, ordered);
                if (seen.contains(node)) {
                    throw new IllegalArgumentException("dependency cycle through " + node);
                }
            }
            return new CheckGraph(Collections.unmodifiableMap(ordered),
                    Collections.unmodifiableMap(new LinkedHashMap<>(capabilities)));
        }
    }
}
