package io.blackstart.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.blackstart.protocol.CatalogValidator.Document;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Reads a catalog from disk: a JSON file holding one spec or an array of specs, or a folder of such
 * {@code .json} files (not recursive, in name order). Each spec becomes a document keyed by its file
 * (and index within an array), so every error names where the spec came from.
 */
final class CatalogFiles {
    private CatalogFiles() {
    }

    static List<Document> read(Path path) {
        if (!Files.exists(path)) {
            throw new OperatorException(path + ": no such file or folder", 2);
        }
        List<Document> docs = new ArrayList<>();
        if (Files.isDirectory(path)) {
            try (Stream<Path> files = Files.list(path)) {
                for (Path f : files.filter(p -> p.getFileName().toString().endsWith(".json")).sorted().toList()) {
                    readFile(f, docs);
                }
            } catch (IOException e) {
                throw new OperatorException("cannot list " + path + ": " + e.getMessage());
            }
        } else {
            readFile(path, docs);
        }
        return docs;
    }

    private static void readFile(Path file, List<Document> docs) {
        String text;
        try {
            text = Files.readString(file);
        } catch (IOException e) {
            throw new OperatorException("cannot read " + file + ": " + e.getMessage());
        }
        JsonNode root;
        try {
            root = ApiClient.JSON.readTree(text);
        } catch (IOException e) {
            docs.add(new Document(file.toString(), null, text)); // the parser reports the JSON error with its key
            return;
        }
        if (root != null && root.isArray()) {
            for (int i = 0; i < root.size(); i++) {
                docs.add(new Document(file + "[" + i + "]", null, root.get(i).toString()));
            }
        } else {
            docs.add(new Document(file.toString(), null, text));
        }
    }
}
