package io.blackstart.cli.logging;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.joran.spi.JoranException;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * The CLI's real {@code logback.xml} (from {@code src/main/resources}, as the distribution ships it), loaded into a
 * logger context with its {@code STDERR} appender writing to a buffer instead.
 */
public final class ShippedLogback {
    final LoggerContext context;
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final String stderr;

    private ShippedLogback(LoggerContext context, String stderr) {
        this.context = context;
        this.stderr = stderr;
    }

    public static URL config() {
        URL url = ShippedLogback.class.getClassLoader().getResource("logback.xml");
        if (url == null || !url.getPath().endsWith("/target/classes/logback.xml")) {
            throw new AssertionError("not the CLI's logback.xml: " + url);
        }
        return url;
    }

    /** A fresh context configured with {@code properties} set first (as -D or the environment would). */
    public static ShippedLogback load(Map<String, String> properties) {
        return load(new LoggerContext(), properties);
    }

    /**
     * {@code context} (reset) configured with {@code properties}; what the configuration itself writes to stderr (the
     * unknown-format warning) is kept for {@link #stderr()}.
     */
    public static ShippedLogback load(LoggerContext context, Map<String, String> properties) {
        context.reset();
        if (context.getMDCAdapter() == null) {
            context.setMDCAdapter(org.slf4j.MDC.getMDCAdapter()); // the one org.slf4j.MDC writes to
        }
        properties.forEach(context::putProperty);
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream realErr = System.err;
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        try {
            JoranConfigurator joran = new JoranConfigurator();
            joran.setContext(context);
            joran.doConfigure(config());
        } catch (JoranException e) {
            throw new AssertionError(e);
        } finally {
            System.setErr(realErr);
        }
        ShippedLogback logback = new ShippedLogback(context, err.toString(StandardCharsets.UTF_8));
        ConsoleAppender<ILoggingEvent> appender = (ConsoleAppender<ILoggingEvent>)
                context.getLogger(Logger.ROOT_LOGGER_NAME).getAppender("STDERR");
        if (appender == null) {
            throw new AssertionError("no STDERR appender in logback.xml");
        }
        appender.setOutputStream(logback.out);
        return logback;
    }

    FormatEncoder encoder() {
        ConsoleAppender<ILoggingEvent> appender = (ConsoleAppender<ILoggingEvent>)
                context.getLogger(Logger.ROOT_LOGGER_NAME).getAppender("STDERR");
        return (FormatEncoder) appender.getEncoder();
    }

    /** What the configuration wrote to stderr itself. */
    public String stderr() {
        return stderr;
    }

    /** Everything logged so far, as lines. */
    public List<String> lines() {
        return out.toString(StandardCharsets.UTF_8).lines().toList();
    }
}
