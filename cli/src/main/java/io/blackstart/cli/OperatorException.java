package io.blackstart.cli;

/** A failure to report to the operator as one line, with the exit code to use (1 unless said otherwise). */
final class OperatorException extends RuntimeException {
    private final int exitCode;

    OperatorException(String message) {
        this(message, 1);
    }

    OperatorException(String message, int exitCode) {
        super(message);
        this.exitCode = exitCode;
    }

    int exitCode() {
        return exitCode;
    }
}
