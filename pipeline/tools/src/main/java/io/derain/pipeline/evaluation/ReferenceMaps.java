package io.derain.pipeline.evaluation;

import io.derain.pipeline.InputException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Photos with another model's attention maps to compare against: {@code DIR/rainy/N.png} and, in
 * {@code DIR/paper-map/}, {@code N.png} or the maps of its recurrent steps {@code N_stepK.png}, of which
 * the last step's is the final map (the layout of the paper's published figures). Maps are jet-colormap
 * pictures ({@link JetColormap}) of the photo's size.
 */
public final class ReferenceMaps {
    public static final String MAPS = "paper-map";
    private static final Pattern STEP = Pattern.compile("(.+)_step(\\d+)\\.[A-Za-z]+");

    private final Path root;
    private final List<String> names;

    private ReferenceMaps(Path root, List<String> names) {
        this.root = root;
        this.names = names;
    }

    /** Opens and checks {@code root}: every photo has a map. */
    public static ReferenceMaps open(Path root) {
        Path rainy = root.resolve("rainy"), maps = root.resolve(MAPS);
        for (Path dir : List.of(rainy, maps)) {
            if (!Files.isDirectory(dir)) {
                throw new InputException(dir + ": no such directory (reference maps need rainy/ and " + MAPS + "/)");
            }
        }
        List<String> names = PairsDirectory.images(rainy);
        if (names.isEmpty()) throw new InputException(rainy + ": no images");
        ReferenceMaps refs = new ReferenceMaps(root, names);
        for (String name : names) refs.map(name);
        return refs;
    }

    public Path rainyDirectory() { return root.resolve("rainy"); }

    public List<String> names() { return names; }

    /** The final reference map of photo {@code name}. */
    public Path map(String name) {
        String stem = name.contains(".") ? name.substring(0, name.lastIndexOf('.')) : name;
        Path dir = root.resolve(MAPS);
        Path plain = dir.resolve(stem + ".png");
        if (Files.isRegularFile(plain)) return plain;
        Path last = null;
        int lastStep = -1;
        try (Stream<Path> files = Files.list(dir)) {
            for (Path p : (Iterable<Path>) files::iterator) {
                Matcher m = STEP.matcher(p.getFileName().toString());
                if (m.matches() && m.group(1).equals(stem) && Integer.parseInt(m.group(2)) > lastStep) {
                    lastStep = Integer.parseInt(m.group(2));
                    last = p;
                }
            }
        } catch (IOException e) {
            throw new InputException(dir + ": cannot list directory: " + e.getMessage(), e);
        }
        if (last == null) {
            throw new InputException(dir.resolve(stem + ".png") + ": missing (the reference map of "
                    + rainyDirectory().resolve(name) + "; " + stem + "_stepK.png also counts)");
        }
        return last;
    }
}
