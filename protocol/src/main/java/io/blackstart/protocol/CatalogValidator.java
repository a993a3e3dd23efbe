package io.blackstart.protocol;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Validates a whole catalog: each document with {@link AppSpecParser}, then the rules that need all apps —
 * every {@code dependsOn} names a valid app, a platform app depends only on platform apps (the other tiers wait
 * for the platform tier), and there is no dependency cycle. Rejection is per app: an app is
 * rejected when its own spec is invalid, when it depends on an app that does not exist or was rejected, or
 * when it is part of a cycle. Valid apps are never affected by an invalid neighbour they do not depend on.
 */
public final class CatalogValidator {

    private CatalogValidator() {
    }

    /** One raw document of the catalog. {@code expectedId} may be null (see {@link AppSpecParser#parse}). */
    public record Document(String key, String expectedId, String json) {
    }

    /** Validates documents under the default {@link SpecLimits}; keys must be unique. */
    public static Catalog validate(List<Document> documents) {
        return validate(documents, SpecLimits.DEFAULT);
    }

    /** Validates documents under {@code limits}; keys must be unique. */
    public static Catalog validate(List<Document> documents, SpecLimits limits) {
        Map<String, AppSpec> parsed = new LinkedHashMap<>();
        Map<String, String> keyOf = new HashMap<>();
        List<SpecError> rejected = new ArrayList<>();
        for (Document d : documents) {
            AppSpecParser.Result r = AppSpecParser.parse(d.key(), d.expectedId(), d.json(), limits);
            if (!r.valid()) {
                rejected.addAll(r.errors());
                if (d.expectedId() != null) {
                    keyOf.putIfAbsent(d.expectedId(), d.key()); // so dependants learn it was rejected, not unknown
                }
                continue;
            }
            AppSpec spec = r.spec().orElseThrow();
            String earlier = keyOf.putIfAbsent(spec.id(), d.key());
            if (earlier != null) {
                rejected.add(new SpecError(d.key(), "id", "'" + spec.id() + "' is already defined by " + earlier));
                continue;
            }
            parsed.put(spec.id(), spec);
        }
        return validateSpecs(parsed, keyOf, rejected, limits.totalInstances());
    }

    /** At most this many apps of a cycle are named in each of its members' reasons. */
    static final int CYCLE_SHOWN = 8;

    /**
     * Validates already-parsed specs (cross-app rules only). Linear in apps + dependency edges, and iterative (a
     * 20,000-app chain needs no deep stack): rejections spread to dependants over reverse edges, cycles are found
     * by an iterative Tarjan, and a cycle's reason names at most {@value #CYCLE_SHOWN} of its apps.
     */
    public static Catalog validateSpecs(Map<String, AppSpec> parsed, Map<String, String> keyOf, List<SpecError> rejected) {
        return validateSpecs(parsed, keyOf, rejected, SpecLimits.DEFAULT.totalInstances());
    }

    /**
     * ... and at most {@code maxInstances} desired instances in all: apps that would go beyond it, in app id order,
     * are rejected (and so their dependants).
     */
    public static Catalog validateSpecs(Map<String, AppSpec> parsed, Map<String, String> keyOf, List<SpecError> rejected,
                                        long maxInstances) {
        TreeMap<String, AppSpec> valid = new TreeMap<>(parsed);
        List<SpecError> errors = new ArrayList<>(rejected);
        Set<String> withError = new HashSet<>();
        Map<String, List<String>> dependants = new HashMap<>();
        for (AppSpec spec : valid.values()) {
            for (String dep : spec.dependsOn()) {
                dependants.computeIfAbsent(dep, d -> new ArrayList<>()).add(spec.id());
            }
        }
        // 1. a dependency that is not a parsed app: unknown, or rejected by the parser
        ArrayDeque<String> gone = new ArrayDeque<>();
        for (AppSpec spec : List.copyOf(valid.values())) {
            for (String dep : spec.dependsOn()) {
                if (!parsed.containsKey(dep)) {
                    String why = keyOf.containsKey(dep)
                            ? "depends on '" + dep + "', which was rejected"
                            : "depends on unknown app '" + dep + "'";
                    reject(spec.id(), why, keyOf, valid, errors, withError, gone);
                    break;
                }
                Tier depTier = parsed.get(dep).tier();
                if (spec.tier() == Tier.PLATFORM && depTier != Tier.PLATFORM) {
                    // every other tier waits for the platform tier: such an app could never start
                    reject(spec.id(), "depends on '" + dep + "' of tier " + depTier.wireName() + ": a platform app "
                            + "can only depend on platform apps (every other tier waits for the platform)",
                            keyOf, valid, errors, withError, gone);
                    break;
                }
            }
        }
        spread(gone, dependants, keyOf, valid, errors, withError);
        // 2. cycles among the rest, then their dependants
        for (List<String> cycle : cycles(valid)) {
            for (int i = 0; i < cycle.size(); i++) {
                String id = cycle.get(i);
                errors.add(new SpecError(keyOf.getOrDefault(id, id), "dependsOn", "dependency cycle: "
                        + describeCycle(cycle, i)));
                withError.add(id);
            }
            for (String id : cycle) {
                valid.remove(id);
                gone.add(id);
            }
        }
        spread(gone, dependants, keyOf, valid, errors, withError);
        // 3. the total of desired instances
        long total = 0;
        for (AppSpec spec : List.copyOf(valid.values())) {
            if (!valid.containsKey(spec.id())) {
                continue; // a dependant of one rejected just now
            }
            if (total + spec.instances() > maxInstances) {
                if (valid.remove(spec.id()) != null && withError.add(spec.id())) {
                    errors.add(new SpecError(keyOf.getOrDefault(spec.id(), spec.id()), "instances", spec.instances()
                            + " more instances would take the catalog beyond the limit of " + maxInstances
                            + " desired instances (" + total + " before this app, in app id order)"));
                }
                gone.add(spec.id());
                spread(gone, dependants, keyOf, valid, errors, withError);
            } else {
                total += spec.instances();
            }
        }
        return new Catalog(valid, errors);
    }

    private static void reject(String id, String why, Map<String, String> keyOf, Map<String, AppSpec> valid,
                               List<SpecError> errors, Set<String> withError, ArrayDeque<String> gone) {
        if (valid.remove(id) != null) {
            if (withError.add(id)) {
                errors.add(new SpecError(keyOf.getOrDefault(id, id), "dependsOn", why));
            }
            gone.add(id);
        }
    }

    /** Rejects, breadth first, every app that depends on one in {@code gone}. Each app and edge once. */
    private static void spread(ArrayDeque<String> gone, Map<String, List<String>> dependants,
                               Map<String, String> keyOf, Map<String, AppSpec> valid, List<SpecError> errors,
                               Set<String> withError) {
        while (!gone.isEmpty()) {
            String r = gone.poll();
            for (String d : dependants.getOrDefault(r, List.of())) {
                reject(d, "depends on '" + r + "', which was rejected", keyOf, valid, errors, withError, gone);
            }
        }
    }

    /** {@code a -> b -> c -> a} from member {@code start}; a long cycle as its first apps and its size. */
    static String describeCycle(List<String> cycle, int start) {
        int n = cycle.size();
        StringBuilder b = new StringBuilder();
        int shown = Math.min(n, CYCLE_SHOWN);
        for (int k = 0; k < shown; k++) {
            b.append(cycle.get((start + k) % n)).append(" -> ");
        }
        if (shown < n) {
            b.append("... (").append(n).append(" apps in the cycle) -> ");
        }
        return b.append(cycle.get(start)).toString();
    }

    /**
     * Strongly connected components with more than one node (self-dependencies are parser errors), each in
     * dependency order ({@code a} depends on the next). Iterative Tarjan: an explicit stack of (app, next edge).
     */
    private static List<List<String>> cycles(Map<String, AppSpec> apps) {
        Map<String, Integer> index = new HashMap<>();
        Map<String, Integer> low = new HashMap<>();
        Set<String> onStack = new HashSet<>();
        ArrayDeque<String> stack = new ArrayDeque<>();
        List<List<String>> out = new ArrayList<>();
        int counter = 0;
        ArrayDeque<String> callV = new ArrayDeque<>();
        ArrayDeque<int[]> callEdge = new ArrayDeque<>();
        for (String root : apps.keySet()) {
            if (index.containsKey(root)) {
                continue;
            }
            index.put(root, counter);
            low.put(root, counter++);
            stack.push(root);
            onStack.add(root);
            callV.push(root);
            callEdge.push(new int[]{0});
            while (!callV.isEmpty()) {
                String v = callV.peek();
                int[] edge = callEdge.peek();
                List<String> deps = apps.get(v).dependsOn();
                if (edge[0] < deps.size()) {
                    String w = deps.get(edge[0]++);
                    if (!apps.containsKey(w)) {
                        continue;
                    }
                    if (!index.containsKey(w)) {
                        index.put(w, counter);
                        low.put(w, counter++);
                        stack.push(w);
                        onStack.add(w);
                        callV.push(w);
                        callEdge.push(new int[]{0});
                    } else if (onStack.contains(w)) {
                        low.put(v, Math.min(low.get(v), index.get(w)));
                    }
                    continue;
                }
                // v is done
                callV.pop();
                callEdge.pop();
                if (low.get(v).equals(index.get(v))) {
                    List<String> scc = new ArrayList<>();
                    String w;
                    do {
                        w = stack.pop();
                        onStack.remove(w);
                        scc.add(w);
                    } while (!w.equals(v));
                    if (scc.size() > 1) {
                        Collections.reverse(scc);
                        out.add(scc);
                    }
                }
                if (!callV.isEmpty()) {
                    String parent = callV.peek();
                    low.put(parent, Math.min(low.get(parent), low.get(v)));
                }
            }
        }
        return out;
    }
}
