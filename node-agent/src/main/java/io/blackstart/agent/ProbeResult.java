package io.blackstart.agent;

/**
 * The result of one readiness probe.
 *
 * @param passed whether the container passed
 * @param output what the probe saw, for operators: {@code HTTP 503}, {@code connection refused}, an exec's output
 */
public record ProbeResult(boolean passed, String output) {
}
