package io.blackstart.drill;

/**
 * Receives the progress of a drill. Calls come from the drill's worker threads, never two at once (the drill
 * serializes them); they are frequent (about once per percent of instances up, per policy), so keep them cheap.
 * Policies run in parallel: their progress interleaves.
 */
@FunctionalInterface
public interface ProgressListener {

    /** Does nothing. */
    ProgressListener NONE = (policy, index, count, fraction) -> { };

    /**
     * @param policy   the policy being simulated
     * @param index    its position among the policies of this drill, from 0
     * @param count    how many policies this drill runs
     * @param fraction share of instances up in this policy's simulation, 0..1 (1 when it has finished)
     */
    void progress(String policy, int index, int count, double fraction);
}
