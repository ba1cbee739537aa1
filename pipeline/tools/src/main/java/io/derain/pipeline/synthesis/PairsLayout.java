package io.derain.pipeline.synthesis;

import java.nio.file.Path;

/**
 * The training/evaluation pairs directory: {@code rainy/}, {@code clean/} and {@code mask/} holding one
 * PNG per frame under the same name ({@code 00000.png}, ...). Masks are 8-bit grey, 255 where a drop
 * alters the rainy image and 0 where it equals the clean one. {@code derain eval} reads this layout.
 */
public final class PairsLayout {
    public static final String RAINY = "rainy";
    public static final String CLEAN = "clean";
    public static final String MASK = "mask";

    private PairsLayout() {}

    /** The file name of output frame {@code index}. */
    public static String fileName(long index) {
        return String.format("%05d.png", index);
    }

    public static Path rainy(Path root, String name) { return root.resolve(RAINY).resolve(name); }
    public static Path clean(Path root, String name) { return root.resolve(CLEAN).resolve(name); }
    public static Path mask(Path root, String name) { return root.resolve(MASK).resolve(name); }
}
