package io.blackstart.protocol;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Parses and validates one app spec document (the contract in DESIGN.md, "App spec"). Validation is strict:
 * unknown fields, wrong JSON types (a number given as a string, a fraction where an integer is expected) and
 * out-of-range values are errors. Cross-app rules (unknown dependency, cycles) are checked by
 * {@link CatalogValidator}. Thread-safe.
 */
public final class AppSpecParser {

    /** App ids: 1–63 chars of [a-z0-9-], starting with a letter. */
    public static final Pattern APP_ID = Pattern.compile("[a-z][a-z0-9-]{0,62}");

    // Docker's reference grammar (distribution/reference): [domain[:port]/]path-component(/path-component)*[:tag][@digest]
    private static final String ALNUM = "[a-z0-9]+";
    private static final String SEPARATOR = "(?:[._]|__|[-]+)";
    private static final String PATH_COMPONENT = ALNUM + "(?:" + SEPARATOR + ALNUM + ")*";
    private static final String DOMAIN_COMPONENT = "(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])";
    private static final String DOMAIN = DOMAIN_COMPONENT + "(?:\\." + DOMAIN_COMPONENT + ")*(?::[0-9]+)?";
    private static final String TAG = "[\\w][\\w.-]{0,127}";
    private static final String DIGEST = "[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}";
    private static final Pattern IMAGE = Pattern.compile(
            "(?:" + DOMAIN + "/)?" + PATH_COMPONENT + "(?:/" + PATH_COMPONENT + ")*(?::" + TAG + ")?(?:@" + DIGEST + ")?");
    private static final int MAX_IMAGE_LENGTH = 255;

    static final Set<String> FIELDS = Set.of("id", "image", "instances", "tier", "priority", "memoryMb", "cpus",
            "dependsOn", "command", "env", "startTimeoutSeconds", "health");
    static final Set<String> HEALTH_FIELDS = Set.of("exec", "tcp", "http", "intervalSeconds", "timeoutSeconds",
            "retries", "startPeriodSeconds");
    private static final Set<String> HTTP_FIELDS = Set.of("port", "path");
    private static final int MAX_HTTP_PATH = 1024;

    private static final ObjectMapper JSON = mapper(SpecLimits.DEFAULT);
    /** A mapper per limits in use (a coordinator has one set; the CLI and drill the default). */
    private static final java.util.concurrent.ConcurrentHashMap<SpecLimits, ObjectMapper> MAPPERS =
            new java.util.concurrent.ConcurrentHashMap<>(java.util.Map.of(SpecLimits.DEFAULT, JSON));

    private static ObjectMapper mapper(SpecLimits limits) {
        com.fasterxml.jackson.core.JsonFactory factory = com.fasterxml.jackson.core.JsonFactory.builder()
                // the document's size is checked before parsing (with a clearer message), which bounds every string
                .streamReadConstraints(com.fasterxml.jackson.core.StreamReadConstraints.builder()
                        .maxNumberLength(limits.numberChars())
                        .maxNestingDepth(limits.nestingDepth())
                        .build())
                .build();
        return JsonMapper.builder(factory).enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();
    }

    /** The outcome of parsing one document: either a spec or at least one error. */
    public record Result(Optional<AppSpec> spec, List<SpecError> errors) {
        public Result {
            errors = List.copyOf(errors);
        }

        public boolean valid() {
            return spec.isPresent();
        }
    }

    private AppSpecParser() {
    }

    /** True if {@code image} is a syntactically valid Docker image reference. */
    public static boolean isValidImage(String image) {
        return image != null && image.length() <= MAX_IMAGE_LENGTH && IMAGE.matcher(image).matches();
    }

    /**
     * Parses one spec.
     *
     * @param key        where the document came from (etcd key or file), used in every error
     * @param expectedId the id the key demands (the key's last segment), or {@code null} if the key implies none
     * @param json       the document
     */
    public static Result parse(String key, String expectedId, String json) {
        return parse(key, expectedId, json, SpecLimits.DEFAULT);
    }

    /** Parses one spec under {@code limits}. */
    public static Result parse(String key, String expectedId, String json, SpecLimits limits) {
        String doc = json == null ? "" : json;
        // chars <= UTF-8 bytes: a document longer in chars than the cap is over it without encoding it
        long bytes = doc.length() > limits.documentBytes() ? doc.length() : utf8Length(doc);
        if (bytes > limits.documentBytes()) {
            return invalid(new SpecError(key, SpecError.DOCUMENT, "document is " + (doc.length() > limits.documentBytes()
                    ? "at least " + bytes : bytes) + " bytes, larger than the limit of " + limits.documentBytes()
                    + " bytes"));
        }
        JsonNode root;
        try {
            root = MAPPERS.computeIfAbsent(limits, AppSpecParser::mapper).readTree(doc);
        } catch (com.fasterxml.jackson.core.exc.StreamConstraintsException e) {
            return invalid(new SpecError(key, SpecError.DOCUMENT, "exceeds a limit: "
                    + shortMessage(e.getOriginalMessage())));
        } catch (JsonProcessingException e) {
            return invalid(new SpecError(key, SpecError.DOCUMENT, "not valid JSON: " + shortMessage(e.getOriginalMessage())));
        }
        if (root == null || root.isMissingNode()) {
            return invalid(new SpecError(key, SpecError.DOCUMENT, "empty document"));
        }
        if (!root.isObject()) {
            return invalid(new SpecError(key, SpecError.DOCUMENT, "expected a JSON object, got " + kind(root)));
        }
        return parse(key, expectedId, (ObjectNode) root, limits);
    }

    /** Parses one spec already read as a JSON object (e.g. an element of an array file). */
    public static Result parse(String key, String expectedId, ObjectNode root) {
        return parse(key, expectedId, root, SpecLimits.DEFAULT);
    }

    /** Parses one spec already read as a JSON object, under {@code limits}. */
    public static Result parse(String key, String expectedId, ObjectNode root, SpecLimits limits) {
        Fields f = new Fields(key, root);
        for (Iterator<String> it = root.fieldNames(); it.hasNext(); ) {
            String name = it.next();
            if (!FIELDS.contains(name)) {
                f.error(name, "unknown field (known: " + String.join(", ", FIELDS.stream().sorted().toList()) + ")");
            }
        }
        String id = f.requiredString("id");
        if (id != null) {
            if (!APP_ID.matcher(id).matches()) {
                f.error("id", "'" + SpecError.echo(id) + "' is not a valid app id (1-63 chars of [a-z0-9-], starting with a letter)");
            } else if (expectedId != null && !expectedId.equals(id)) {
                f.error("id", "'" + SpecError.echo(id) + "' does not match its key (expected '" + expectedId + "')");
            }
        }
        String image = f.requiredString("image");
        if (image != null && !isValidImage(image)) {
            f.error("image", "'" + SpecError.echo(image) + "' is not a valid Docker image reference");
        }
        long instances = f.integer("instances", 1, 0, 10_000);
        Tier tier = Tier.APP;
        JsonNode tierNode = root.get("tier");
        if (tierNode != null) {
            if (!tierNode.isTextual()) {
                f.error("tier", "expected a string, got " + kind(tierNode));
            } else {
                Optional<Tier> t = Tier.fromWireName(tierNode.textValue());
                if (t.isEmpty()) {
                    f.error("tier", "'" + SpecError.echo(tierNode.textValue()) + "' is not one of platform, database, app");
                } else {
                    tier = t.get();
                }
            }
        }
        long priority = f.integer("priority", 0, Integer.MIN_VALUE, Integer.MAX_VALUE);
        long memoryMb = f.integer("memoryMb", AppSpec.DEFAULT_MEMORY_MB, 1, 1L << 30);
        double cpus = f.positiveNumber("cpus", AppSpec.DEFAULT_CPUS, 1024);
        long timeout = f.integer("startTimeoutSeconds", AppSpec.DEFAULT_START_TIMEOUT_SECONDS, 1, 86_400);
        List<String> dependsOn = f.stringList("dependsOn");
        for (String dep : dependsOn) {
            if (!APP_ID.matcher(dep).matches()) {
                f.error("dependsOn", "'" + SpecError.echo(dep) + "' is not a valid app id");
            } else if (dep.equals(id)) {
                f.error("dependsOn", "an app cannot depend on itself");
            }
        }
        if (dependsOn.size() != dependsOn.stream().distinct().count()) {
            f.error("dependsOn", "lists an app more than once");
        }
        if (dependsOn.size() > limits.dependsOn()) {
            f.error("dependsOn", dependsOn.size() + " entries, more than the limit of " + limits.dependsOn());
        }
        List<String> command = f.stringList("command");
        long commandBytes = command.stream().mapToLong(AppSpecParser::utf8Length).sum();
        if (command.size() > limits.commandArgs()) {
            f.error("command", command.size() + " arguments, more than the limit of " + limits.commandArgs());
        } else if (commandBytes > limits.commandBytes()) {
            f.error("command", commandBytes + " bytes, more than the limit of " + limits.commandBytes());
        }
        Map<String, String> env = f.stringMap("env");
        long envBytes = env.entrySet().stream().mapToLong(e -> utf8Length(e.getKey()) + utf8Length(e.getValue())).sum();
        if (env.size() > limits.envEntries()) {
            f.error("env", env.size() + " entries, more than the limit of " + limits.envEntries());
        } else if (envBytes > limits.envBytes()) {
            f.error("env", envBytes + " bytes of names and values, more than the limit of " + limits.envBytes());
        }
        HealthCheck health = health(f, root.get("health"), limits);
        if (!f.errors.isEmpty()) {
            return new Result(Optional.empty(), f.errors);
        }
        return new Result(Optional.of(new AppSpec(id, image, (int) instances, tier, (int) priority, memoryMb, cpus,
                dependsOn, command, env, (int) timeout, health)), List.of());
    }

    /** The {@code health} object, or null when absent or invalid (each problem recorded under {@code health.*}). */
    private static HealthCheck health(Fields spec, JsonNode node, SpecLimits limits) {
        if (node == null) {
            return null;
        }
        if (!node.isObject()) {
            spec.error("health", "expected an object with one of exec, tcp, http, got " + kind(node));
            return null;
        }
        int before = spec.errors.size();
        Fields f = spec.nested("health", (ObjectNode) node);
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String name = it.next();
            if (!HEALTH_FIELDS.contains(name)) {
                f.error(name, "unknown field (known: " + String.join(", ", HEALTH_FIELDS.stream().sorted().toList())
                        + ")");
            }
        }
        List<String> kinds = java.util.stream.Stream.of("exec", "tcp", "http").filter(node::has).toList();
        if (kinds.size() != 1) {
            spec.error("health", kinds.isEmpty() ? "needs one of exec, tcp, http"
                    : "has " + String.join(" and ", kinds) + ": only one probe per app");
        }
        HealthCheck.Kind kind = null;
        List<String> exec = List.of();
        int port = 0;
        String path = null;
        if (node.has("exec")) {
            kind = HealthCheck.Kind.EXEC;
            exec = f.stringList("exec");
            long bytes = exec.stream().mapToLong(AppSpecParser::utf8Length).sum();
            if (node.get("exec").isArray() && exec.isEmpty() && spec.errors.size() == before) {
                f.error("exec", "is empty: name the command to run");
            } else if (exec.size() > limits.commandArgs()) {
                f.error("exec", exec.size() + " arguments, more than the limit of " + limits.commandArgs());
            } else if (bytes > limits.commandBytes()) {
                f.error("exec", bytes + " bytes, more than the limit of " + limits.commandBytes());
            }
        } else if (node.has("tcp")) {
            kind = HealthCheck.Kind.TCP;
            port = (int) f.integer("tcp", 0, 1, 65_535);
        } else if (node.has("http")) {
            kind = HealthCheck.Kind.HTTP;
            JsonNode http = node.get("http");
            if (!http.isObject()) {
                f.error("http", "expected an object {\"port\": p, \"path\": \"/\"}, got " + kind(http));
            } else {
                Fields h = f.nested("http", (ObjectNode) http);
                for (Iterator<String> it = http.fieldNames(); it.hasNext(); ) {
                    String name = it.next();
                    if (!HTTP_FIELDS.contains(name)) {
                        h.error(name, "unknown field (known: path, port)");
                    }
                }
                if (!http.has("port")) {
                    h.error("port", "is required");
                }
                port = (int) h.integer("port", 0, 1, 65_535);
                path = http.has("path") ? h.requiredString("path") : "/";
                if (path != null && (!path.startsWith("/") || path.length() > MAX_HTTP_PATH
                        || !path.chars().allMatch(c -> c > 0x20 && c < 0x7f))) {
                    h.error("path", "'" + SpecError.echo(path) + "' is not a request path (starts with /, at most "
                            + MAX_HTTP_PATH + " printable ASCII chars without spaces)");
                }
            }
        }
        int interval = (int) f.integer("intervalSeconds", HealthCheck.DEFAULT_INTERVAL_SECONDS, 1, 3_600);
        int timeout = (int) f.integer("timeoutSeconds", HealthCheck.DEFAULT_TIMEOUT_SECONDS, 1, 3_600);
        int retries = (int) f.integer("retries", HealthCheck.DEFAULT_RETRIES, 1, 1_000);
        int startPeriod = (int) f.integer("startPeriodSeconds", HealthCheck.DEFAULT_START_PERIOD_SECONDS, 0, 86_400);
        if (spec.errors.size() != before || kind == null) {
            return null;
        }
        return new HealthCheck(kind, exec, port, path, interval, timeout, retries, startPeriod);
    }

    /**
     * A health check from its JSON form (the spec's {@code health} object, as {@link #healthJson} writes it; agents
     * keep it in a container label). Empty, with the reasons in {@code errors}, when it is not a valid check.
     */
    public static Optional<HealthCheck> parseHealth(String json, List<SpecError> errors) {
        ObjectNode root = JSON.createObjectNode();
        try {
            root.set("health", JSON.readTree(json));
        } catch (JsonProcessingException e) {
            errors.add(new SpecError("label", "health", "not valid JSON: " + shortMessage(e.getOriginalMessage())));
            return Optional.empty();
        }
        Fields f = new Fields("label", root);
        HealthCheck h = health(f, root.get("health"), SpecLimits.DEFAULT);
        errors.addAll(f.errors);
        return Optional.ofNullable(h);
    }

    /** The JSON form of a health check: the spec's {@code health} object with every field written. */
    public static String healthJson(HealthCheck h) {
        return healthNode(h).toString();
    }

    private static ObjectNode healthNode(HealthCheck h) {
        ObjectNode hn = JSON.createObjectNode();
        switch (h.kind()) {
            case EXEC -> h.exec().forEach(hn.putArray("exec")::add);
            case TCP -> hn.put("tcp", h.port());
            case HTTP -> hn.putObject("http").put("port", h.port()).put("path", h.path());
        }
        hn.put("intervalSeconds", h.intervalSeconds());
        hn.put("timeoutSeconds", h.timeoutSeconds());
        hn.put("retries", h.retries());
        hn.put("startPeriodSeconds", h.startPeriodSeconds());
        return hn;
    }

    /** Writes a spec back to its JSON form (for {@code catalog export} and tests). */
    public static String toJson(AppSpec spec) {
        ObjectNode n = JSON.createObjectNode();
        n.put("id", spec.id());
        n.put("image", spec.image());
        n.put("instances", spec.instances());
        n.put("tier", spec.tier().wireName());
        n.put("priority", spec.priority());
        n.put("memoryMb", spec.memoryMb());
        n.put("cpus", spec.cpus());
        spec.dependsOn().forEach(n.putArray("dependsOn")::add);
        spec.command().forEach(n.putArray("command")::add);
        ObjectNode env = n.putObject("env");
        spec.env().entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(e -> env.put(e.getKey(), e.getValue()));
        n.put("startTimeoutSeconds", spec.startTimeoutSeconds());
        if (spec.health() != null) {
            n.set("health", healthNode(spec.health()));
        }
        return n.toString();
    }

    private static String shortMessage(String m) {
        String one = String.valueOf(m).replace('\n', ' ');
        if (one.length() > 300) {
            one = one.substring(0, 300) + "...";
        }
        return one.replaceAll("\\p{Cntrl}", "?");
    }

    static long utf8Length(String s) {
        long n = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            n += c < 0x80 ? 1 : c < 0x800 ? 2 : Character.isHighSurrogate(c) ? 2 : 3; // a surrogate pair: 2 + 2
        }
        return n;
    }

    private static Result invalid(SpecError e) {
        return new Result(Optional.empty(), List.of(e));
    }

    static String kind(JsonNode n) {
        return switch (n.getNodeType()) {
            case ARRAY -> "an array";
            case OBJECT, POJO -> "an object";
            case STRING -> "a string";
            case NUMBER -> n.isIntegralNumber() ? "an integer" : "a number";
            case BOOLEAN -> "a boolean";
            case NULL -> "null";
            default -> n.getNodeType().toString().toLowerCase();
        };
    }

    /** Typed field access that records an error per bad field instead of throwing. */
    private static final class Fields {
        final String key;
        final ObjectNode root;
        final List<SpecError> errors;
        /** Prefix of field names in errors ({@code health.} for the fields of the health object). */
        final String prefix;

        Fields(String key, ObjectNode root) {
            this(key, root, new ArrayList<>(), "");
        }

        private Fields(String key, ObjectNode root, List<SpecError> errors, String prefix) {
            this.key = key;
            this.root = root;
            this.errors = errors;
            this.prefix = prefix;
        }

        /** The fields of the object under {@code field}, recording errors into the same list. */
        Fields nested(String field, ObjectNode object) {
            return new Fields(key, object, errors, prefix + field + ".");
        }

        void error(String field, String message) {
            errors.add(new SpecError(key, prefix + field, message));
        }

        String requiredString(String field) {
            JsonNode n = root.get(field);
            if (n == null || n.isNull()) {
                error(field, "is required");
                return null;
            }
            if (!n.isTextual()) {
                error(field, "expected a string, got " + kind(n));
                return null;
            }
            return n.textValue();
        }

        long integer(String field, long dflt, long min, long max) {
            JsonNode n = root.get(field);
            if (n == null) {
                return dflt;
            }
            if (!n.isIntegralNumber() || !n.canConvertToLong()) {
                error(field, "expected an integer, got " + kind(n));
                return dflt;
            }
            long v = n.longValue();
            if (v < min || v > max) {
                error(field, v + " is out of range [" + min + ", " + max + "]");
                return dflt;
            }
            return v;
        }

        double positiveNumber(String field, double dflt, double max) {
            JsonNode n = root.get(field);
            if (n == null) {
                return dflt;
            }
            if (!n.isNumber()) {
                error(field, "expected a number, got " + kind(n));
                return dflt;
            }
            double v = n.doubleValue();
            if (!(v > 0) || v > max || Double.isInfinite(v)) {
                error(field, n.asText() + " is out of range (0, " + (long) max + "]");
                return dflt;
            }
            return v;
        }

        List<String> stringList(String field) {
            JsonNode n = root.get(field);
            if (n == null) {
                return List.of();
            }
            if (!n.isArray()) {
                error(field, "expected an array of strings, got " + kind(n));
                return List.of();
            }
            List<String> out = new ArrayList<>();
            for (int i = 0; i < n.size(); i++) {
                JsonNode e = n.get(i);
                if (!e.isTextual()) {
                    error(field, "element " + i + ": expected a string, got " + kind(e));
                    return List.of();
                }
                out.add(e.textValue());
            }
            return out;
        }

        Map<String, String> stringMap(String field) {
            JsonNode n = root.get(field);
            if (n == null) {
                return Map.of();
            }
            if (!n.isObject()) {
                error(field, "expected an object of strings, got " + kind(n));
                return Map.of();
            }
            Map<String, String> out = new LinkedHashMap<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = n.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                if (!e.getValue().isTextual()) {
                    error(field, "'" + SpecError.echo(e.getKey()) + "': expected a string, got " + kind(e.getValue()));
                    return Map.of();
                }
                if (e.getKey().isEmpty() || e.getKey().contains("=")) {
                    error(field, "'" + SpecError.echo(e.getKey()) + "' is not a valid variable name");
                    return Map.of();
                }
                out.put(e.getKey(), e.getValue().textValue());
            }
            return out;
        }
    }
}
