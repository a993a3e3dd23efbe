package io.blackstart.agent;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;

/** {@link DiskProbe} measuring the {@link FileStore} that holds a path (Docker's data root). */
public final class FileStoreDiskProbe implements DiskProbe {

    private final Path path;

    public FileStoreDiskProbe(Path path) {
        this.path = path;
    }

    @Override
    public double usedPercent() {
        try {
            FileStore store = Files.getFileStore(path);
            long total = store.getTotalSpace();
            if (total <= 0) {
                return 0;
            }
            return 100.0 * (total - store.getUsableSpace()) / total;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot measure the filesystem of " + path, e);
        }
    }
}
