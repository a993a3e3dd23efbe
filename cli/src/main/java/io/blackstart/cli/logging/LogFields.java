package io.blackstart.cli.logging;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.LoggerContextVO;

import java.util.Map;

/**
 * The node and instance ids a log line carries.
 *
 * <p>The node id is one value per process (a {@code blackstart coordinator} or {@code agent} runs one node), so it is
 * a property of the logging context, set once at startup ({@link #NODE_ID}): every line has it, whichever thread
 * logs (actors, the etcd and Docker clients, Pekko itself). The instance id is per line: the actors put it in the
 * MDC ({@link #INSTANCE_ID}) while they handle one instance. An MDC {@code nodeId} wins over the context's.
 */
public final class LogFields {
    /** Logging context property and MDC key of this process's node id; also the JSON field. */
    public static final String NODE_ID = "nodeId";
    /** MDC key of the instance a line is about ({@code io.blackstart.protocol.InstanceId#MDC_KEY}); also the JSON field. */
    public static final String INSTANCE_ID = "instanceId";

    private LogFields() {
    }

    /** The node id of the event's process, or null. */
    static String nodeId(ILoggingEvent event) {
        String fromMdc = event.getMDCPropertyMap().get(NODE_ID);
        if (fromMdc != null) {
            return fromMdc;
        }
        LoggerContextVO context = event.getLoggerContextVO();
        Map<String, String> properties = context == null ? null : context.getPropertyMap();
        return properties == null ? null : properties.get(NODE_ID);
    }

    /** The instance the event is about, or null. */
    static String instanceId(ILoggingEvent event) {
        return event.getMDCPropertyMap().get(INSTANCE_ID);
    }
}
