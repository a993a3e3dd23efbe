package io.blackstart.coordinator.api;

/**
 * Runs the doctor ({@code blackstart doctor}'s checks) for this coordinator node, behind
 * {@code GET /api/v1/doctor}. The coordinator module does not depend on the doctor module: the process that starts
 * the node (the CLI's {@code blackstart coordinator}) passes an implementation in; a node started without one has
 * no doctor route.
 */
@FunctionalInterface
public interface NodeDoctor {

    /**
     * Runs every check once for {@code scope} and returns the report as JSON. Blocking (network probes with their
     * own timeouts): {@link DoctorRoutes} calls it on its dedicated dispatcher only.
     */
    String runJson(DoctorScope scope);
}
