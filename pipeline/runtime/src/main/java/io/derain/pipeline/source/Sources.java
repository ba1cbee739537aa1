package io.derain.pipeline.source;

import io.derain.pipeline.InputException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Opens the right source for a path: a directory or image file as stills, anything else as video. */
public final class Sources {
    private Sources() {}

    /** Opens {@code path}; throws {@link InputException} naming it when it can't be read as media. */
    public static FrameSource open(Path path) {
        return open(path, false);
    }

    /**
     * Opens {@code path}; with {@code keepGoing}, damage found while reading (a truncated or corrupt video,
     * a damaged image in a directory) ends or skips instead of failing, and is reported by
     * {@link FrameSource#damage()}. Damage found at open (nothing readable) fails either way.
     */
    public static FrameSource open(Path path, boolean keepGoing) {
        if (!Files.exists(path)) throw new InputException(path + ": no such file or directory");
        if (Files.isDirectory(path) || MediaPaths.isImage(path)) return ImageSource.open(path, keepGoing);
        return VideoFileSource.open(path, keepGoing);
    }
}
