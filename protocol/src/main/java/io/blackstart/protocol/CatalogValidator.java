package io.blackstart.protocol;

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
 * every {@code dependsOn} names a valid app, and there is no dependency cycle. Rejection is per app: an app is
 * rejected when its own spec is invalid, when it depends on an app that does not exist or was rejected, or
 * when it is part of a cycle. Valid apps are never affected by an invalid neighbour they do not depend on.
 */
public final class CatalogValidator {

    private CatalogValidator() {
    }

    /** One raw document of the catalog. {@code expectedId} may be null (see {@link AppSpecParser#parse}). */
    public record Document(String key, String expectedId, String json) {
    }

    /** Validates documents; keys must be unique. */
    public static Catalog validate(List<Document> documents) {
        Map<String, AppSpec> parsed = new LinkedHashMap<>();
        Map<String, String> keyOf = new HashMap<>();
        List<SpecError> rejected = new ArrayList<>();
        for (Document d : documents) {
            AppSpecParser.Result r = AppSpecParser.parse(d.key(), d.expectedId(), d.json());
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
        return validateSpecs(parsed, keyOf, rejected);
    }

    /** Validates already-parsed specs (cross-app rules only). */
    public static Catalog validateSpecs(Map<String, AppSpec> parsed, Map<String, String> keyOf, List<SpecError> rejected) {
        TreeMap<String, AppSpec> valid = new TreeMap<>(parsed);
        List<SpecError> errors = new ArrayList<>(rejected);
        // Unknown dependencies, repeated until stable: rejecting an app makes its dependants' dependency unknown.
        boolean changed = true;
        while (changed) {
            changed = false;
            for (AppSpec spec : List.copyOf(valid.values())) {
                for (String dep : spec.dependsOn()) {
                    if (!valid.containsKey(dep)) {
                        String why = parsed.containsKey(dep) || keyOf.containsKey(dep)
                                ? "depends on '" + dep + "', which was rejected"
                                : "depends on unknown app '" + dep + "'";
                        errors.add(new SpecError(keyOf.getOrDefault(spec.id(), spec.id()), "dependsOn", why));
                        valid.remove(spec.id());
                        changed = true;
                        break;
                    }
                }
            }
        }
        for (List<String> cycle : cycles(valid)) {
            for (String id : cycle) {
                errors.add(new SpecError(keyOf.getOrDefault(id, id), "dependsOn",
                        "dependency cycle: " + String.join(" -> ", rotate(cycle, id)) + " -> " + id));
            }
            cycle.forEach(valid::remove);
        }
        // Apps depending on a cycle member are rejected too (their dependency no longer exists).
        if (valid.size() < parsed.size()) {
            Set<String> before;
            do {
                before = new HashSet<>(valid.keySet());
                for (AppSpec spec : List.copyOf(valid.values())) {
                    for (String dep : spec.dependsOn()) {
                        if (!valid.containsKey(dep) && !errorsFor(errors, keyOf.getOrDefault(spec.id(), spec.id()))) {
                            errors.add(new SpecError(keyOf.getOrDefault(spec.id(), spec.id()), "dependsOn",
                                    "depends on '" + dep + "', which was rejected"));
                            valid.remove(spec.id());
                            break;
                        }
                    }
                }
            } while (!before.equals(valid.keySet()));
        }
        return new Catalog(valid, errors);
    }

    private static boolean errorsFor(List<SpecError> errors, String key) {
        return errors.stream().anyMatch(e -> e.key().equals(key));
    }

    private static List<String> rotate(List<String> cycle, String first) {
        int i = cycle.indexOf(first);
        List<String> out = new ArrayList<>(cycle.subList(i, cycle.size()));
        out.addAll(cycle.subList(0, i));
        return out;
    }

    /** Strongly connected components with more than one node (self-dependencies are parser errors). */
    private static List<List<String>> cycles(Map<String, AppSpec> apps) {
        // Tarjan's algorithm, iterative enough for catalogs of 100k apps would be overkill; depth is bounded by chains.
        Map<String, Integer> index = new HashMap<>();
        Map<String, Integer> low = new HashMap<>();
        Set<String> onStack = new HashSet<>();
        List<String> stack = new ArrayList<>();
        List<List<String>> out = new ArrayList<>();
        int[] counter = {0};
        for (String id : apps.keySet()) {
            if (!index.containsKey(id)) {
                strongConnect(id, apps, index, low, onStack, stack, out, counter);
            }
        }
        return out;
    }

    private static void strongConnect(String v, Map<String, AppSpec> apps, Map<String, Integer> index,
                                      Map<String, Integer> low, Set<String> onStack, List<String> stack,
                                      List<List<String>> out, int[] counter) {
        index.put(v, counter[0]);
        low.put(v, counter[0]);
        counter[0]++;
        stack.add(v);
        onStack.add(v);
        for (String w : apps.get(v).dependsOn()) {
            if (!apps.containsKey(w)) {
                continue;
            }
            if (!index.containsKey(w)) {
                strongConnect(w, apps, index, low, onStack, stack, out, counter);
                low.put(v, Math.min(low.get(v), low.get(w)));
            } else if (onStack.contains(w)) {
                low.put(v, Math.min(low.get(v), index.get(w)));
            }
        }
        if (low.get(v).equals(index.get(v))) {
            List<String> scc = new ArrayList<>();
            String w;
            do {
                w = stack.remove(stack.size() - 1);
                onStack.remove(w);
                scc.add(w);
            } while (!w.equals(v));
            if (scc.size() > 1) {
                Collections.reverse(scc);
                out.add(scc);
            }
        }
    }
}
