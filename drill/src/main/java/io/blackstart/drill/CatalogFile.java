package io.blackstart.drill;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.blackstart.protocol.Catalog;
import io.blackstart.protocol.CatalogValidator;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads a drill catalog: a JSON array of app specs in the format of DESIGN.md ("App spec"), validated by the
 * protocol's {@link CatalogValidator} exactly as the coordinator validates etcd documents. Invalid apps are
 * dropped with their reasons (the drill then runs the valid ones); a file that is not a JSON array is an error.
 */
public final class CatalogFile {

    private CatalogFile() {
    }

    /**
     * @throws IllegalArgumentException if the file is not a JSON array or no app in it is valid
     * @throws UncheckedIOException     if it cannot be read
     */
    public static Catalog read(Path file) {
        JsonNode root;
        try {
            root = new ObjectMapper().readTree(Files.readString(file));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read catalog " + file + ": " + e.getMessage(), e);
        }
        if (root == null || !root.isArray()) {
            throw new IllegalArgumentException(file + ": expected a JSON array of app specs");
        }
        List<CatalogValidator.Document> docs = new ArrayList<>();
        for (int i = 0; i < root.size(); i++) {
            docs.add(new CatalogValidator.Document(file.getFileName() + "[" + i + "]", null, root.get(i).toString()));
        }
        Catalog c = CatalogValidator.validate(docs);
        if (c.apps().isEmpty()) {
            throw new IllegalArgumentException(file + ": no valid app spec" + (c.rejected().isEmpty() ? ""
                    : "; first error: " + c.rejected().get(0)));
        }
        return c;
    }
}
