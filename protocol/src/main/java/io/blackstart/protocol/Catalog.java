package io.blackstart.protocol;

import java.util.Collections;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * A validated desired state: the valid apps by id, and the rejected documents with their reasons.
 * Immutable.
 */
public record Catalog(SortedMap<String, AppSpec> apps, List<SpecError> rejected) {

    public static final Catalog EMPTY = new Catalog(new TreeMap<>(), List.of());

    public Catalog {
        apps = Collections.unmodifiableSortedMap(new TreeMap<>(apps));
        rejected = List.copyOf(rejected);
    }

    /** Total desired instances over all valid apps. */
    public long desiredInstances() {
        return apps.values().stream().mapToLong(AppSpec::instances).sum();
    }
}
