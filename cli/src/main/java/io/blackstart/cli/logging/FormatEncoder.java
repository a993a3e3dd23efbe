package io.blackstart.cli.logging;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.PatternLayout;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.encoder.EncoderBase;

import java.nio.charset.StandardCharsets;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;

/**
 * The encoder of {@code logback.xml}: writes each event in the {@link LogFormat} named by {@code format}
 * ({@code text} with {@code textPattern}, {@code json}, or {@code journald} with {@code journaldPattern}).
 *
 * <p>An unknown format is not an error: a node must never fail to start over a log setting. It logs as text and
 * says so once, on stderr.
 */
public class FormatEncoder extends EncoderBase<ILoggingEvent> {
    /** The JSON timestamp, the same as the text pattern's {@code %d{yyyy-MM-dd'T'HH:mm:ss.SSSxxx}}. */
    static final DateTimeFormatter TIMESTAMP = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSxxx");

    private String format = "text";
    private String textPattern;
    private String journaldPattern;

    private LogFormat effective;
    private PatternLayout layout;
    private JsonLines json;

    public void setFormat(String format) {
        this.format = format;
    }

    public void setTextPattern(String textPattern) {
        this.textPattern = textPattern;
    }

    public void setJournaldPattern(String journaldPattern) {
        this.journaldPattern = journaldPattern;
    }

    /** The format in use once started. */
    public LogFormat effectiveFormat() {
        return effective;
    }

    @Override
    public void start() {
        boolean unset = format == null || format.isBlank();
        effective = unset ? LogFormat.TEXT : LogFormat.parse(format).orElse(null);
        if (effective == null) {
            System.err.println("blackstart: unknown log format '" + format.strip()
                    + "' (BLACKSTART_LOG_FORMAT or -Dblackstart.log.format: text, json or journald); logging as text");
            effective = LogFormat.TEXT;
        }
        switch (effective) {
            case JSON -> json = new JsonLines(TIMESTAMP.withZone(ZoneId.systemDefault()));
            case TEXT -> layout = layout(textPattern, "textPattern");
            case JOURNALD -> layout = layout(journaldPattern, "journaldPattern");
        }
        if (layout != null && !layout.isStarted()) {
            return; // the layout reported why
        }
        super.start();
    }

    private PatternLayout layout(String pattern, String property) {
        PatternLayout p = new PatternLayout();
        p.setContext(getContext());
        if (pattern == null || pattern.isBlank()) {
            addError("no <" + property + "> for the " + effective.name().toLowerCase() + " log format");
            return p;
        }
        p.setPattern(pattern);
        p.start();
        return p;
    }

    @Override
    public void stop() {
        if (layout != null) {
            layout.stop();
        }
        super.stop();
    }

    @Override
    public byte[] encode(ILoggingEvent event) {
        return switch (effective) {
            case JSON -> json.encode(event);
            case TEXT -> layout.doLayout(event).getBytes(StandardCharsets.UTF_8);
            case JOURNALD -> journald(priority(event.getLevel()), layout.doLayout(event))
                    .getBytes(StandardCharsets.UTF_8);
        };
    }

    @Override
    public byte[] headerBytes() {
        return null;
    }

    @Override
    public byte[] footerBytes() {
        return null;
    }

    /** The syslog priority journald reads from a {@code <N>} prefix: err 3, warning 4, info 6, debug 7. */
    static int priority(Level level) {
        return switch (level.toInt()) {
            case Level.ERROR_INT -> 3;
            case Level.WARN_INT -> 4;
            case Level.INFO_INT -> 6;
            default -> 7; // DEBUG, TRACE
        };
    }

    /**
     * Every line prefixed with {@code <priority>}: journald makes one entry of each line of a stream, so the lines
     * of a stack trace keep the priority of their event.
     */
    static String journald(int priority, String text) {
        String prefix = "<" + priority + ">";
        StringBuilder b = new StringBuilder(text.length() + 16);
        int start = 0;
        while (start < text.length()) {
            int end = text.indexOf('\n', start);
            int next = end < 0 ? text.length() : end + 1;
            String line = text.substring(start, end < 0 ? text.length() : end);
            if (line.endsWith("\r")) {
                line = line.substring(0, line.length() - 1);
            }
            b.append(prefix).append(line).append('\n');
            start = next;
        }
        return b.toString();
    }
}
