package io.derain.pipeline.source;

import io.derain.pipeline.InputException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Set;

/** What kind of media a path names, judged by its extension, and the checks every input path needs. */
public final class MediaPaths {
    /** Still-image formats OpenCV reads and writes. */
    public static final Set<String> IMAGE_EXTENSIONS =
            Set.of("jpg", "jpeg", "png", "bmp", "webp", "tif", "tiff", "jp2", "ppm", "pgm", "pnm");
    /** Containers the video sink can write (H.264 + AAC fits all of them). */
    public static final Set<String> VIDEO_OUTPUT_EXTENSIONS = Set.of("mp4", "m4v", "mkv", "mov");

    private MediaPaths() {}

    /** Lower-case extension without the dot, or "" when the name has none. */
    public static String extension(Path path) {
        Path name = path.getFileName();
        if (name == null) return "";
        String s = name.toString();
        int dot = s.lastIndexOf('.');
        return dot <= 0 ? "" : s.substring(dot + 1).toLowerCase(Locale.ROOT);
    }

    public static boolean isImage(Path path) {
        return IMAGE_EXTENSIONS.contains(extension(path));
    }

    public static boolean isVideoOutput(Path path) {
        return VIDEO_OUTPUT_EXTENSIONS.contains(extension(path));
    }

    /** Fails with a one-line {@link InputException} unless {@code path} is a readable, non-empty regular file. */
    public static void requireReadableFile(Path path) {
        if (!Files.exists(path)) throw new InputException(path + ": no such file");
        if (Files.isDirectory(path)) throw new InputException(path + ": is a directory, expected a file");
        if (!Files.isRegularFile(path)) throw new InputException(path + ": not a regular file");
        if (!Files.isReadable(path)) throw new InputException(path + ": not readable (permission denied)");
        try {
            if (Files.size(path) == 0) throw new InputException(path + ": empty file");
        } catch (java.io.IOException e) {
            throw new InputException(path + ": cannot read: " + e.getMessage(), e);
        }
    }

    /** Collapses a native library's message (which may span lines) to one line. */
    /** An exception's message on one line, without JavaCV's advice to its own developers. */
    public static String oneLine(Throwable e) {
        String m = e.getMessage();
        if (m == null) return e.getClass().getSimpleName();
        // JavaCV's advice to its own developers, not to ours: FfmpegLog already collects FFmpeg's log.
        return m.replace("(For more details, make sure FFmpegLogCallback.set() has been called.)", "")
                .strip().replaceAll("\\s+", " ");
    }
}
