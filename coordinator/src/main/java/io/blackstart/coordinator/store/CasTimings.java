package io.blackstart.coordinator.store;

/**
 * Receives how long each etcd compare-and-set of {@link EtcdDesiredStateStore} took: {@code op} is
 * {@value #ASSIGNMENT} or {@value #AGENT}, {@code outcome} {@value #SUCCEEDED}, {@value #CONFLICT} (the compare
 * failed) or {@value #FAILED} (error or timeout). Called on the thread completing the call; it must not block.
 */
@FunctionalInterface
public interface CasTimings {

    String ASSIGNMENT = "assignment";
    String AGENT = "agent";
    String SUCCEEDED = "succeeded";
    String CONFLICT = "conflict";
    String FAILED = "failed";

    /** Records nothing. */
    CasTimings NONE = (op, outcome, nanos) -> { };

    void observe(String op, String outcome, long nanos);

    /**
     * Forwards to a target set later (records nothing until then): the store exists before what measures it
     * (a coordinator's {@code Metrics} is built inside its actor system).
     */
    final class Relay implements CasTimings {
        private volatile CasTimings target = NONE;

        public void delegateTo(CasTimings target) {
            this.target = target;
        }

        @Override
        public void observe(String op, String outcome, long nanos) {
            target.observe(op, outcome, nanos);
        }
    }
}
