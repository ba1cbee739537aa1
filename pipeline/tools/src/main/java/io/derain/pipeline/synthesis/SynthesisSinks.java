package io.derain.pipeline.synthesis;

import io.derain.pipeline.InputException;
import io.derain.pipeline.source.MediaPaths;
import io.derain.pipeline.source.SourceInfo;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Picks the output of {@code derain synth} by its path: a video file name gives a {@link RainyVideoSink},
 * a directory (existing, or a name without extension) a {@link PairsSink}.
 */
public final class SynthesisSinks {
    private SynthesisSinks() {}

    public static SynthesisSink open(Path output, SourceInfo info, boolean overwrite) throws IOException {
        if (MediaPaths.isVideoOutput(output)) {
            if (!(info.frameRate() > 0)) {
                throw new InputException(output + ": the input " + info.name()
                        + " is still images; write them as pairs to a directory, not a video");
            }
            return RainyVideoSink.open(output, info, overwrite);
        }
        if (Files.isDirectory(output) || MediaPaths.extension(output).isEmpty()) {
            return PairsSink.open(output, overwrite);
        }
        throw new InputException(output + ": unsupported output type (a directory for rainy/clean/mask pairs, "
                + "or a video: " + String.join(", ", MediaPaths.VIDEO_OUTPUT_EXTENSIONS.stream().sorted().toList()) + ")");
    }
}
