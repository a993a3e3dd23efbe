package io.blackstart.scheduler;

/**
 * Why an instance is where it is, named by the rule that decides it ({@link Ledger#explain}).
 *
 * @param instanceId   the instance
 * @param state        its state
 * @param rule         the deciding rule: {@code running}, {@code failed}, {@code assigned}, {@code starting},
 *                     {@code backoff}, {@code platform-gate}, {@code dependency}, {@code restart-in-place},
 *                     {@code no-credit}, {@code memory}, {@code pull-budget}, {@code queued}
 * @param detail       human-readable detail (which dependency, until when, which host...)
 * @param mayPassLater false only for terminal states (running, failed); true when waiting
 */
public record Explanation(String instanceId, InstanceState state, String rule, String detail, boolean mayPassLater) {

    @Override
    public String toString() {
        return instanceId + " " + state + " [" + rule + "] " + detail;
    }
}
