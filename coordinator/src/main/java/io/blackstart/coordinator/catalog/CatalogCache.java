package io.blackstart.coordinator.catalog;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.blackstart.protocol.AppSpecParser;
import io.blackstart.protocol.Catalog;
import io.blackstart.protocol.CatalogValidator;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The on-disk copy of the last valid catalog: {@code {"revision":N,"savedAt":millis,"apps":[{"key":..,"spec":{..}}]}}.
 * Blocking file I/O: callers run it on a blocking dispatcher. Writes go to a temporary file that is then moved
 * into place, so a crash never leaves half a cache.
 */
public final class CatalogCache {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** A cached catalog and the etcd revision it was read at. */
    record Cached(Catalog catalog, long revision, long savedAtMillis) {
    }

    private CatalogCache() {
    }

    static void write(Path file, Catalog catalog, long revision, long nowMillis) throws IOException {
        ObjectNode root = JSON.createObjectNode();
        root.put("revision", revision);
        root.put("savedAt", nowMillis);
        ArrayNode apps = root.putArray("apps");
        String prefixHint = "cache:";
        catalog.apps().values().forEach(spec -> {
            ObjectNode a = apps.addObject();
            a.put("key", prefixHint + spec.id());
            try {
                a.set("spec", JSON.readTree(AppSpecParser.toJson(spec)));
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        });
        Path dir = file.toAbsolutePath().getParent();
        if (dir != null) {
            Files.createDirectories(dir);
        }
        Path tmp = Files.createTempFile(dir, file.getFileName().toString(), ".tmp");
        Files.writeString(tmp, root.toString(), StandardCharsets.UTF_8);
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    static Optional<Cached> read(Path file) throws IOException {
        return read(file, io.blackstart.protocol.SpecLimits.DEFAULT);
    }

    static Optional<Cached> read(Path file, io.blackstart.protocol.SpecLimits limits) throws IOException {
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        JsonNode root = JSON.readTree(Files.readString(file, StandardCharsets.UTF_8));
        List<CatalogValidator.Document> docs = new ArrayList<>();
        for (JsonNode a : root.path("apps")) {
            String key = a.path("key").asText();
            String id = a.path("spec").path("id").asText();
            docs.add(new CatalogValidator.Document(key, id, a.path("spec").toString()));
        }
        return Optional.of(new Cached(CatalogValidator.validate(docs, limits), root.path("revision").asLong(),
                root.path("savedAt").asLong()));
    }
}
