package io.derain.pipeline.sink;

import io.derain.pipeline.InputException;
import io.derain.pipeline.source.MediaPaths;
import io.derain.pipeline.source.SourceInfo;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Picks the sink for an output path: a video extension gives a {@link VideoFileSink}, an image extension
 * an {@link ImageSink} file, an existing directory or a name without extension an {@link ImageSink}
 * directory. The output must suit the input: video stays video, stills stay stills.
 */
public final class Sinks {
    private static final String VIDEO_TYPES =
            String.join(", ", MediaPaths.VIDEO_OUTPUT_EXTENSIONS.stream().sorted().map(e -> "." + e).toList());

    private Sinks() {}

    public static FrameSink open(Path output, SourceInfo info, boolean overwrite) throws IOException {
        boolean stills = !(info.frameRate() > 0);
        if (MediaPaths.isVideoOutput(output)) {
            if (stills) {
                throw new InputException(output + ": the input " + info.name()
                        + " is still images; write them to an image file or a directory, not a video");
            }
            return new VideoFileSink(output, info, overwrite);
        }
        if (MediaPaths.isImage(output)) {
            if (!stills) {
                throw new InputException(output + ": the input " + info.name() + " is a video; write it to "
                        + VIDEO_TYPES + ", not an image");
            }
            if (info.frameCount() != 1) {
                throw new InputException(output + ": the input " + info.name() + " has " + info.frameCount()
                        + " images; give a directory as output");
            }
            return ImageSink.toFile(output, overwrite);
        }
        if (!MediaPaths.extension(output).isEmpty() && !Files.isDirectory(output)) {
            throw new InputException(output + ": unsupported output type (video: " + VIDEO_TYPES
                    + "; images: an image file name or a directory)");
        }
        if (!stills) {
            throw new InputException(output + ": the input " + info.name() + " is a video; write it to "
                    + VIDEO_TYPES + ", not a directory");
        }
        return ImageSink.toDirectory(output, overwrite);
    }
}
