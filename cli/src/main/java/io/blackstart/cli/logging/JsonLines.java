package io.blackstart.cli.logging;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.format.DateTimeFormatter;
import java.util.Map;

/**
 * One log event as one line of JSON:
 * {@code {"timestamp":"2026-12-07T02:55:01.123+00:00","level":"WARN","logger":"...","thread":"...",
 * "nodeId":"docker-042","instanceId":"web-1","message":"...","mdc":{...},"exception":"..."}}. {@code nodeId},
 * {@code instanceId}, {@code mdc} (the other MDC entries, e.g. Pekko's {@code pekkoSource}) and {@code exception}
 * (the stack trace as text) appear only when the event has them.
 *
 * <p>Not logback's {@code JsonEncoder}: its timestamp is epoch milliseconds, its {@code message} the unformatted
 * template, and its exception an array of frames.
 */
final class JsonLines {
    private static final JsonFactory JSON = new JsonFactory();

    private final DateTimeFormatter timestamps;

    JsonLines(DateTimeFormatter timestamps) {
        this.timestamps = timestamps;
    }

    byte[] encode(ILoggingEvent event) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        try (JsonGenerator g = JSON.createGenerator(out, JsonEncoding.UTF8)) {
            g.writeStartObject();
            g.writeStringField("timestamp", timestamps.format(event.getInstant()));
            g.writeStringField("level", event.getLevel().toString());
            g.writeStringField("logger", event.getLoggerName());
            g.writeStringField("thread", event.getThreadName());
            String node = LogFields.nodeId(event);
            if (node != null) {
                g.writeStringField(LogFields.NODE_ID, node);
            }
            String instance = LogFields.instanceId(event);
            if (instance != null) {
                g.writeStringField(LogFields.INSTANCE_ID, instance);
            }
            g.writeStringField("message", event.getFormattedMessage());
            Map<String, String> mdc = event.getMDCPropertyMap();
            boolean others = mdc.keySet().stream()
                    .anyMatch(k -> !k.equals(LogFields.NODE_ID) && !k.equals(LogFields.INSTANCE_ID));
            if (others) {
                g.writeObjectFieldStart("mdc");
                for (Map.Entry<String, String> e : new java.util.TreeMap<>(mdc).entrySet()) {
                    if (!e.getKey().equals(LogFields.NODE_ID) && !e.getKey().equals(LogFields.INSTANCE_ID)) {
                        g.writeStringField(e.getKey(), e.getValue());
                    }
                }
                g.writeEndObject();
            }
            IThrowableProxy thrown = event.getThrowableProxy();
            if (thrown != null) {
                g.writeStringField("exception", ThrowableProxyUtil.asString(thrown));
            }
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a ByteArrayOutputStream does not fail
        }
        out.write('\n');
        return out.toByteArray();
    }
}
