package io.blackstart.coordinator.api;

import com.typesafe.config.Config;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What one doctor run of a coordinator node looks at: the node's config (its {@code blackstart.doctor} section
 * holds the doctor's own settings), the etcd endpoints and key prefix the node uses, the node's own API once it is
 * bound, and the node's seed nodes.
 */
public record DoctorScope(Config config, List<String> etcdEndpoints, String etcdPrefix, Optional<String> api,
                          List<String> seeds) {

    public DoctorScope {
        Objects.requireNonNull(config, "config");
        etcdEndpoints = List.copyOf(etcdEndpoints);
        Objects.requireNonNull(etcdPrefix, "etcdPrefix");
        Objects.requireNonNull(api, "api");
        seeds = List.copyOf(seeds);
    }
}
