package io.blackstart.cli;

import io.blackstart.coordinator.api.DoctorScope;
import io.blackstart.coordinator.api.NodeDoctor;
import io.blackstart.doctor.Doctor;
import io.blackstart.doctor.DoctorOptions;

import java.time.Duration;

/**
 * The doctor behind a coordinator's {@code GET /api/v1/doctor}: {@code blackstart.doctor} of the node's config,
 * with the node's etcd endpoints and prefix, its own API and its seed nodes, run once (no waiting for a verdict).
 * Lives in the CLI, which depends on both the coordinator and the doctor, so the coordinator does not.
 */
final class CoordinatorDoctor implements NodeDoctor {

    @Override
    public String runJson(DoctorScope scope) {
        return Doctor.run(options(scope)).toJson();
    }

    static DoctorOptions options(DoctorScope scope) {
        return DoctorOptions.fromConfig(scope.config()).toBuilder()
                .etcdEndpoints(scope.etcdEndpoints()).etcdPrefix(scope.etcdPrefix()).api(scope.api())
                .seeds(scope.seeds()).waitFor(Duration.ZERO).build();
    }
}
