package io.blackstart.cli.logging;

import ch.qos.logback.classic.pattern.ClassicConverter;
import ch.qos.logback.classic.spi.ILoggingEvent;

/**
 * {@code %node} in a pattern: {@code " node=<nodeId> instance=<instanceId>"}, each part only when the line has it
 * (nothing for the operator commands, which run no node).
 */
public final class NodeConverter extends ClassicConverter {
    @Override
    public String convert(ILoggingEvent event) {
        String node = LogFields.nodeId(event);
        String instance = LogFields.instanceId(event);
        if (node == null && instance == null) {
            return "";
        }
        StringBuilder b = new StringBuilder(48);
        if (node != null) {
            b.append(" node=").append(node);
        }
        if (instance != null) {
            b.append(" instance=").append(instance);
        }
        return b.toString();
    }
}
