package io.blackstart.protocol;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The size caps of {@link SpecLimits#DEFAULT} on one spec document, with the hostile documents of issue 10: each is
 * rejected with a reason that names the cap, quickly, and no rejection message carries more than a short, escaped
 * part of the hostile value.
 */
@Timeout(30)
class SpecLimitsTest {

    private static final String VALID = "\"image\":\"blackstart/testapp:1\"";

    private static SpecError rejected(String json) {
        AppSpecParser.Result r = AppSpecParser.parse("/bs/apps/x", null, json);
        assertFalse(r.valid(), json.length() > 200 ? json.substring(0, 200) : json);
        for (SpecError e : r.errors()) {
            assertTrue(e.message().length() < 400, "a short message: " + e.message().length() + " chars");
            assertFalse(e.message().chars().anyMatch(c -> c < 0x20), "no control characters: " + e.message());
        }
        return r.errors().get(0);
    }

    private static String big(int n) {
        return "a".repeat(n);
    }

    @Test
    void aDocumentOverTheSizeCapIsRejectedBeforeItIsParsed() {
        SpecError e = rejected("{\"id\":\"" + big(1 << 20) + "\"," + VALID + "}");
        assertEquals(SpecError.DOCUMENT, e.field());
        String doc = "{\"id\":\"" + big(1 << 20) + "\"," + VALID + "}";
        assertEquals("document is at least " + doc.length() + " bytes, larger than the limit of 65536 bytes", e.message());
        // multi-byte characters count as bytes: 30,000 'é' are 60,000 bytes (under), 33,000 are 66,000 (over)
        assertTrue(AppSpecParser.parse("k", null, "{\"id\":\"x\"," + VALID + ",\"env\":{\"A\":\"" + "é".repeat(33_000)
                + "\"}}").errors().get(0).message().startsWith("document is 660"));
        SpecError env = rejected("{\"id\":\"x\"," + VALID + ",\"env\":{\"A\":\"" + "é".repeat(16_000) + "x".repeat(1000)
                + "\"}}");
        assertEquals("env", env.field());
        assertEquals("33001 bytes of names and values, more than the limit of 32768", env.message());
    }

    @Test
    void aMegabyteEnvValueAndAHundredThousandEntriesAreOverTheDocumentCap() {
        assertTrue(rejected("{\"id\":\"x\"," + VALID + ",\"env\":{\"A\":\"" + big(1 << 20) + "\"}}").message()
                .startsWith("document is at least"));
        String entries = IntStream.range(0, 100_000).mapToObj(i -> "\"V" + i + "\":\"1\"").collect(Collectors.joining(","));
        assertTrue(rejected("{\"id\":\"x\"," + VALID + ",\"env\":{" + entries + "}}").message()
                .startsWith("document is at least"));
    }

    @Test
    void listsOverTheirCapsNameTheCap() {
        String env = IntStream.range(0, 257).mapToObj(i -> "\"V" + i + "\":\"1\"").collect(Collectors.joining(","));
        assertEquals("257 entries, more than the limit of 256", rejected("{\"id\":\"x\"," + VALID + ",\"env\":{" + env
                + "}}").message());
        String args = IntStream.range(0, 257).mapToObj(i -> "\"a\"").collect(Collectors.joining(","));
        assertEquals("257 arguments, more than the limit of 256", rejected("{\"id\":\"x\"," + VALID + ",\"command\":["
                + args + "]}").message());
        assertEquals("33000 bytes, more than the limit of 32768", rejected("{\"id\":\"x\"," + VALID
                + ",\"command\":[\"" + big(33_000) + "\"]}").message());
        String deps = IntStream.range(0, 257).mapToObj(i -> "\"d" + i + "\"").collect(Collectors.joining(","));
        assertEquals("257 entries, more than the limit of 256", rejected("{\"id\":\"x\"," + VALID + ",\"dependsOn\":["
                + deps + "]}").message());
    }

    @Test
    void hugeNumbersAndDeepNestingAreRejectedByTheParserLimits() {
        SpecError digits = rejected("{\"id\":\"x\"," + VALID + ",\"instances\":" + "9".repeat(10_000) + "}");
        assertEquals(SpecError.DOCUMENT, digits.field());
        assertTrue(digits.message().startsWith("exceeds a limit: Number value length"), digits.message());
        SpecError inf = rejected("{\"id\":\"x\"," + VALID + ",\"cpus\":1e400}");
        assertEquals("cpus", inf.field());
        assertTrue(inf.message().contains("out of range"), inf.message());
        SpecError deep = rejected("{\"id\":\"x\"," + VALID + ",\"env\":" + "[".repeat(10_000) + "]".repeat(10_000) + "}");
        assertEquals(SpecError.DOCUMENT, deep.field());
        assertTrue(deep.message().startsWith("exceeds a limit: Document nesting depth"), deep.message());
    }

    @Test
    void hostileValuesAreEchoedShortAndEscaped() {
        SpecError nul = rejected("{\"id\":\"a\\u0000b\"," + VALID + "}");
        assertEquals("'a\\u0000b' is not a valid app id (1-63 chars of [a-z0-9-], starting with a letter)", nul.message());
        SpecError longId = rejected("{\"id\":\"" + big(60_000) + "\"," + VALID + "}");
        assertEquals("'" + big(64) + "...(60000 chars)' is not a valid app id (1-63 chars of [a-z0-9-], starting with a "
                + "letter)", longId.message());
        SpecError image = rejected("{\"id\":\"x\",\"image\":\"" + "B".repeat(1000) + "\\n\"}");
        assertTrue(image.message().startsWith("'" + "B".repeat(64) + "...(1001 chars)'"), image.message());
        assertEquals("x\\u005cy\\u0007", SpecError.echo("x\\y\u0007"));
        assertEquals("null", SpecError.echo(null));
    }

    @Test
    void aSpecAtEveryCapIsStillValid() {
        String env = IntStream.range(0, 256).mapToObj(i -> "\"V" + i + "\":\"" + "v".repeat(100) + "\"")
                .collect(Collectors.joining(","));
        String args = IntStream.range(0, 256).mapToObj(i -> "\"" + "c".repeat(120) + "\"").collect(Collectors.joining(","));
        String deps = IntStream.range(0, 100).mapToObj(i -> "\"d" + i + "\"").collect(Collectors.joining(","));
        AppSpecParser.Result r = AppSpecParser.parse("k", null, "{\"id\":\"x\"," + VALID + ",\"env\":{" + env
                + "},\"command\":[" + args + "],\"dependsOn\":[" + deps + "]}");
        assertTrue(r.valid(), r.errors().toString());
        assertEquals(256, r.spec().orElseThrow().env().size());
        assertEquals(List.of(), r.errors());
    }
}
