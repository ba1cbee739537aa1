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

    /** What an output path asks to be written, once it is known to fit the input. */
    private enum Kind { VIDEO, IMAGE_FILE, IMAGE_DIRECTORY }

    /**
     * Everything about a file or directory output that can be known from the paths alone, checked before the
     * input is decoded or a model loads: the output is not the input (nor a link to it), its kind suits the
     * input's (video to a video container, one image to an image file, a directory of images to a directory),
     * its directory exists and files can be created there, and an existing output is replaced only with
     * {@code overwrite}.
     *
     * @param input a local file or directory (streams and topics are checked when they open)
     */
    public static void check(Path output, Path input, boolean overwrite) {
        if (Files.exists(output) && Files.exists(input)) {
            try {
                if (Files.isSameFile(output, input)) {
                    throw new InputException(output + ": is the input " + input + "; choose another output (it would be overwritten)");
                }
            } catch (IOException e) {
                throw new InputException(output + ": cannot compare with the input: " + e.getMessage(), e);
            }
        }
        boolean directory = Files.isDirectory(input);
        Kind kind = kind(output, input.toString(), directory || MediaPaths.isImage(input), directory ? -1 : 1);
        TempOutput.checkWritable(output, overwrite, kind == Kind.IMAGE_DIRECTORY);
    }

    public static FrameSink open(Path output, SourceInfo info, boolean overwrite) throws IOException {
        boolean stills = !(info.frameRate() > 0);
        return switch (kind(output, info.name(), stills, info.frameCount())) {
            case VIDEO -> new VideoFileSink(output, info, overwrite);
            case IMAGE_FILE -> ImageSink.toFile(output, overwrite);
            case IMAGE_DIRECTORY -> ImageSink.toDirectory(output, overwrite);
        };
    }

    /**
     * The kind {@code output} names, or an InputException when it does not suit the input: video stays
     * video, stills stay stills, several images go to a directory.
     *
     * @param images for stills, how many (-1: several, not yet counted)
     */
    private static Kind kind(Path output, String input, boolean stills, long images) {
        if (MediaPaths.isVideoOutput(output)) {
            if (stills) {
                throw new InputException(output + ": the input " + input
                        + " is still images; write them to an image file or a directory, not a video");
            }
            return Kind.VIDEO;
        }
        if (MediaPaths.isImage(output)) {
            if (!stills) {
                throw new InputException(output + ": the input " + input + " is a video; write it to "
                        + VIDEO_TYPES + ", not an image");
            }
            if (images != 1) {
                throw new InputException(output + ": the input " + input + (images > 1 ? " has " + images + " images" : " is a directory of images")
                        + "; give a directory as output");
            }
            return Kind.IMAGE_FILE;
        }
        if (!MediaPaths.extension(output).isEmpty() && !Files.isDirectory(output)) {
            throw new InputException(output + ": unsupported output type (video: " + VIDEO_TYPES
                    + "; images: an image file name or a directory)");
        }
        if (!stills) {
            throw new InputException(output + ": the input " + input + " is a video; write it to "
                    + VIDEO_TYPES + ", not a directory");
        }
        return Kind.IMAGE_DIRECTORY;
    }
}
