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
}
