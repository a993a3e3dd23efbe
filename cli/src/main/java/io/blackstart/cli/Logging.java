package io.blackstart.cli;

import org.slf4j.LoggerFactory;
import org.slf4j.bridge.SLF4JBridgeHandler;

/** Routes java.util.logging (grpc inside jetcd) to SLF4J/Logback, and initialises Logback before Pekko starts. */
final class Logging {
    private Logging() {
    }

    static void init() {
        SLF4JBridgeHandler.removeHandlersForRootLogger();
        SLF4JBridgeHandler.install();
        LoggerFactory.getILoggerFactory(); // before the ActorSystem, so no log call is replayed
    }

    /**
     * This process's node id on every log line from now on ({@code node=} in text, {@code nodeId} in JSON), whichever
     * thread logs: a property of the logging context, not a thread-local MDC entry.
     */
    static void nodeId(String id) {
        if (id != null && !id.isBlank()
                && LoggerFactory.getILoggerFactory() instanceof ch.qos.logback.classic.LoggerContext context) {
            context.putProperty(io.blackstart.cli.logging.LogFields.NODE_ID, id);
        }
    }

    /**
     * For commands that report on sick servers themselves (the doctor): the etcd client's own warnings about the
     * members it cannot reach ("maximum number of auto retries reached") only repeat, unordered, what the report
     * says. Errors still show; {@code BLACKSTART_LOG_LEVEL=DEBUG} shows everything.
     */
    static void quietClients() {
        if (System.getenv("BLACKSTART_LOG_LEVEL") == null
                && LoggerFactory.getLogger("io.etcd.jetcd") instanceof ch.qos.logback.classic.Logger etcd) {
            etcd.setLevel(ch.qos.logback.classic.Level.ERROR);
        }
    }
}
