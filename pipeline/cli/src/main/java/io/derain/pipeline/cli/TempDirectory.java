package io.derain.pipeline.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/** The scratch directories of the measuring commands (bench, bench-model): removed when they end. */
final class TempDirectory {
    private TempDirectory() {}

    /** Removes {@code dir} and everything in it, as far as it can: a leftover temporary directory is harmless. */
    static void delete(Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        } catch (IOException ignored) {
            // left for the system's temporary-file cleaning
        }
    }
}
