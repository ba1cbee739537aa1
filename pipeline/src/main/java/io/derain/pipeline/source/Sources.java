package io.derain.pipeline.source;

import io.derain.pipeline.InputException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Opens the right source for a path: a directory or image file as stills, anything else as video. */
public final class Sources {
    private Sources() {}

    /** Opens {@code path}; throws {@link InputException} naming it when it can't be read as media. */
    public static FrameSource open(Path path) {
        if (!Files.exists(path)) throw new InputException(path + ": no such file or directory");
        if (Files.isDirectory(path) || MediaPaths.isImage(path)) return ImageSource.open(path);
        return VideoFileSource.open(path);
    }
}
