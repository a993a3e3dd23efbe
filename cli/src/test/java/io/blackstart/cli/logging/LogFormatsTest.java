package io.blackstart.cli.logging;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.blackstart.protocol.InstanceId;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.slf4j.MDC;

import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Each log format of the shipped logback.xml produces what it says. */
@Timeout(30)
class LogFormatsTest {
    private static final String FORMAT = "blackstart.log.format";
    private static final ObjectMapper JSON = new ObjectMapper();
    /** text: timestamp, level (padded to 5), logger, [thread], node/instance, " - ", message */
    private static final Pattern TEXT = Pattern.compile(
            "(\\S+) (ERROR|WARN |INFO |DEBUG|TRACE) (\\S+) \\[([^\\]]+)\\]( node=\\S+)?( instance=\\S+)? - (.*)");

    @AfterEach
    void clearMdc() {
        MDC.clear();
    }

    private static Logger logger(ShippedLogback logback) {
        return logback.context.getLogger("io.blackstart.agent.StartExecutor");
    }

    private static void assertRecentWithOffset(String timestamp) {
        assertTrue(timestamp.matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}[+-]\\d\\d:\\d\\d"),
                "ISO-8601 with milliseconds and a numeric zone offset: " + timestamp);
        OffsetDateTime t = OffsetDateTime.parse(timestamp);
        Duration age = Duration.between(t, OffsetDateTime.now());
        assertTrue(!age.isNegative() && age.compareTo(Duration.ofMinutes(1)) < 0, "logged just now: " + t);
    }

    @Test
    void textHasDateTimeWithZoneLevelLoggerThreadNodeInstanceAndMessage() {
        ShippedLogback logback = ShippedLogback.load(Map.of(FORMAT, "text", LogFields.NODE_ID, "docker-042"));
        MDC.put(InstanceId.MDC_KEY, "web-1");
        logger(logback).info("start of {} failed", "web-1");
        MDC.clear();
        logger(logback).warn("no instance here");

        List<String> lines = logback.lines();
        assertEquals(2, lines.size(), lines.toString());
        Matcher m = TEXT.matcher(lines.get(0));
        assertTrue(m.matches(), lines.get(0));
        assertRecentWithOffset(m.group(1));
        assertEquals("INFO ", m.group(2));
        assertEquals("io.blackstart.agent.StartExecutor", m.group(3));
        assertEquals(Thread.currentThread().getName(), m.group(4));
        assertEquals(" node=docker-042", m.group(5));
        assertEquals(" instance=web-1", m.group(6));
        assertEquals("start of web-1 failed", m.group(7));
        Matcher second = TEXT.matcher(lines.get(1));
        assertTrue(second.matches(), lines.get(1));
        assertEquals(" node=docker-042", second.group(5));
        assertEquals(null, second.group(6));
        assertEquals("", logback.stderr());
    }

    @Test
    void textOfACommandWithoutANodeHasNoNodePart() {
        ShippedLogback logback = ShippedLogback.load(Map.of(FORMAT, "text"));
        logger(logback).error("etcd unreachable", new IllegalStateException("boom"));
        List<String> lines = logback.lines();
        Matcher m = TEXT.matcher(lines.get(0));
        assertTrue(m.matches(), lines.get(0));
        assertEquals(null, m.group(5));
        assertEquals("java.lang.IllegalStateException: boom", lines.get(1));
        assertTrue(lines.get(2).startsWith("\tat "), lines.get(2));
    }

    @Test
    void jsonIsOneObjectPerLineWithTimestampLevelLoggerThreadMessageMdcAndException() throws Exception {
        ShippedLogback logback = ShippedLogback.load(Map.of(FORMAT, "json", LogFields.NODE_ID, "docker-042"));
        MDC.put(InstanceId.MDC_KEY, "web-1");
        MDC.put("pekkoSource", "pekko://blackstart/user/agent/starts");
        logger(logback).warn("start of {} failed: \"quoted\"\nsecond line", "web-1",
                new IllegalStateException("engine gone"));
        MDC.clear();
        logger(logback).info("plain");

        List<String> lines = logback.lines();
        assertEquals(2, lines.size(), "one line per event, newlines escaped: " + lines);
        JsonNode first = JSON.readTree(lines.get(0));
        assertRecentWithOffset(first.get("timestamp").asText());
        assertEquals("WARN", first.get("level").asText());
        assertEquals("io.blackstart.agent.StartExecutor", first.get("logger").asText());
        assertEquals(Thread.currentThread().getName(), first.get("thread").asText());
        assertEquals("docker-042", first.get("nodeId").asText());
        assertEquals("web-1", first.get("instanceId").asText());
        assertEquals("start of web-1 failed: \"quoted\"\nsecond line", first.get("message").asText());
        assertEquals("pekko://blackstart/user/agent/starts", first.get("mdc").get("pekkoSource").asText());
        assertFalse(first.get("mdc").has("instanceId"), "the instance id is a field of its own");
        String exception = first.get("exception").asText();
        assertTrue(exception.startsWith("java.lang.IllegalStateException: engine gone"), exception);
        assertTrue(exception.contains("\tat io.blackstart.cli.logging.LogFormatsTest"), exception);

        JsonNode second = JSON.readTree(lines.get(1));
        assertEquals("plain", second.get("message").asText());
        assertEquals("docker-042", second.get("nodeId").asText());
        assertFalse(second.has("instanceId"));
        assertFalse(second.has("mdc"));
        assertFalse(second.has("exception"));
    }

    @Test
    void journaldPrefixesEveryLineWithTheLevelsSyslogPriorityAndHasNoTimestamp() {
        ShippedLogback logback = ShippedLogback.load(Map.of(FORMAT, "journald", LogFields.NODE_ID, "docker-042"));
        Logger log = logger(logback);
        log.setLevel(Level.TRACE);
        log.error("e");
        log.warn("w");
        log.info("i");
        log.debug("d");
        log.trace("t");
        log.error("with a trace", new IllegalStateException("boom"));

        List<String> lines = logback.lines();
        Map<String, String> expected = Map.of("e", "<3>ERROR", "w", "<4>WARN ", "i", "<6>INFO ", "d", "<7>DEBUG",
                "t", "<7>TRACE");
        for (int i = 0; i < 5; i++) {
            String message = List.of("e", "w", "i", "d", "t").get(i);
            assertEquals(expected.get(message) + " io.blackstart.agent.StartExecutor [" + Thread.currentThread().getName()
                    + "] node=docker-042 - " + message, lines.get(i));
        }
        assertEquals("<3>ERROR io.blackstart.agent.StartExecutor [" + Thread.currentThread().getName()
                + "] node=docker-042 - with a trace", lines.get(5));
        assertEquals("<3>java.lang.IllegalStateException: boom", lines.get(6));
        assertTrue(lines.size() > 8);
        for (String line : lines.subList(7, lines.size())) {
            assertTrue(line.startsWith("<3>\tat ") || line.startsWith("<3>\t... "), line);
        }
    }

    @Test
    void theEnvironmentVariableNamesTheFormatAndIgnoresCase() throws Exception {
        // logback resolves ${BLACKSTART_LOG_FORMAT} from the context's properties before the environment
        ShippedLogback logback = ShippedLogback.load(Map.of("BLACKSTART_LOG_FORMAT", " JSON "));
        assertEquals(LogFormat.JSON, logback.encoder().effectiveFormat());
        logger(logback).info("hello");
        assertEquals("hello", JSON.readTree(logback.lines().get(0)).get("message").asText());
    }

    @Test
    void theSystemPropertyWinsOverTheEnvironmentVariable() {
        ShippedLogback logback = ShippedLogback.load(Map.of("BLACKSTART_LOG_FORMAT", "json", FORMAT, "journald"));
        assertEquals(LogFormat.JOURNALD, logback.encoder().effectiveFormat());
    }

    @Test
    void anUnknownFormatLogsAsTextAndSaysSoOnceOnStderr() {
        ShippedLogback logback = ShippedLogback.load(Map.of(FORMAT, "yaml"));
        logger(logback).info("one");
        logger(logback).info("two");

        assertEquals(LogFormat.TEXT, logback.encoder().effectiveFormat());
        List<String> warning = logback.stderr().lines().toList();
        assertEquals(1, warning.size(), warning.toString());
        assertTrue(warning.get(0).contains("unknown log format 'yaml'") && warning.get(0).contains("logging as text"),
                warning.get(0));
        List<String> lines = logback.lines();
        assertEquals(2, lines.size());
        for (String line : lines) {
            Matcher m = TEXT.matcher(line);
            assertTrue(m.matches(), line);
            assertRecentWithOffset(m.group(1));
        }
    }

    @Test
    void priorities() {
        assertEquals(3, FormatEncoder.priority(Level.ERROR));
        assertEquals(4, FormatEncoder.priority(Level.WARN));
        assertEquals(6, FormatEncoder.priority(Level.INFO));
        assertEquals(7, FormatEncoder.priority(Level.DEBUG));
        assertEquals(7, FormatEncoder.priority(Level.TRACE));
        assertEquals("<6>a\n<6>\n<6>b\n", FormatEncoder.journald(6, "a\n\nb\n"));
        assertEquals("<4>a\n", FormatEncoder.journald(4, "a\r\n"));
    }
}
