package io.derain.pipeline.evaluation;

import io.derain.pipeline.InputException;
import io.derain.pipeline.source.MediaPaths;
import io.derain.pipeline.synthesis.PairsLayout;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * A {@link PairsLayout} directory to evaluate on: every image in {@code rainy/} must have a clean
 * reference of the same name in {@code clean/}; {@code mask/} is optional, and so is each mask in it.
 * Checked when opened, so a bad directory fails before a model is loaded.
 */
public final class PairsDirectory {
    private final Path root;
    private final List<String> names;
    private final boolean hasMasks;

    private PairsDirectory(Path root, List<String> names, boolean hasMasks) {
        this.root = root;
        this.names = names;
        this.hasMasks = hasMasks;
    }

    public static PairsDirectory open(Path root) {
        if (!Files.isDirectory(root)) {
            throw new InputException(root + ": " + (Files.exists(root) ? "not a directory" : "no such directory")
                    + " (expected rainy/ and clean/ inside)");
        }
        Path rainy = root.resolve(PairsLayout.RAINY);
        Path clean = root.resolve(PairsLayout.CLEAN);
        for (Path dir : List.of(rainy, clean)) {
            if (!Files.isDirectory(dir)) throw new InputException(dir + ": no such directory (a pairs directory holds rainy/ and clean/)");
        }
        List<String> names = images(rainy);
        if (names.isEmpty()) throw new InputException(rainy + ": no images");
        for (String name : names) {
            if (!Files.isRegularFile(clean.resolve(name))) {
                throw new InputException(clean.resolve(name) + ": missing (the clean reference of " + rainy.resolve(name) + ")");
            }
        }
        return new PairsDirectory(root, names, Files.isDirectory(root.resolve(PairsLayout.MASK)));
    }

    /** Image file names in a directory, sorted, hidden files skipped (as image sources list them). */
    /** Image files in {@code dir}, by name, hidden files left out. */
    static List<String> images(Path dir) {
        try (Stream<Path> entries = Files.list(dir)) {
            return entries.filter(p -> !p.getFileName().toString().startsWith("."))
                    .filter(MediaPaths::isImage)
                    .filter(Files::isRegularFile)
                    .map(p -> p.getFileName().toString())
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw new InputException(dir + ": cannot list directory: " + e.getMessage(), e);
        }
    }

    public Path root() { return root; }
    public Path rainyDirectory() { return root.resolve(PairsLayout.RAINY); }
    /** The names of the pairs, in order. */
    public List<String> names() { return names; }
    public Path rainy(String name) { return PairsLayout.rainy(root, name); }
    public Path clean(String name) { return PairsLayout.clean(root, name); }

    /** The drop mask for {@code name}, if the directory has one. */
    public Optional<Path> mask(String name) {
        if (!hasMasks) return Optional.empty();
        Path mask = PairsLayout.mask(root, name);
        return Files.isRegularFile(mask) ? Optional.of(mask) : Optional.empty();
    }
}
