package io.blackstart.agent;

/**
 * The end of a command run inside a container.
 *
 * @param exitCode its exit code; -1 if it did not end within the timeout
 * @param output   the start of its standard output and error, as text
 */
public record ExecResult(int exitCode, String output) {

    /** True when it ended in time. */
    public boolean ended() {
        return exitCode >= 0;
    }
}
