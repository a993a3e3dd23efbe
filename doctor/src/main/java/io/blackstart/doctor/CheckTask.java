package io.blackstart.doctor;

import java.util.List;

/**
 * One unit of work of a doctor run, producing one or more checks. Tasks run concurrently; each is bounded
 * by the run's check timeout and deadline, after which {@link Doctor} reports every name of
 * {@link #names()} as failed and interrupts the task.
 */
public interface CheckTask {

    /** The group of the checks it reports. */
    String group();

    /** Names of the checks it reports, known before it runs (used when it times out or crashes). */
    List<String> names();

    /**
     * Runs the checks. Must bound its own I/O with the configured timeouts and should not throw: an
     * exception is reported as a failure of every name of {@link #names()}.
     */
    List<Check> run() throws Exception;
}
