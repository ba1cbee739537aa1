package io.derain.pipeline.benchmark;

import io.derain.pipeline.InputException;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;

/**
 * A long clip for a memory soak: INPUT repeated to {@code frames} video frames by stream copy (no
 * re-encoding, so it takes a moment), with continuous timestamps. A soak then streams one real long file
 * through one decoder, as a user's job does. (Reopening a short clip over and over instead measures the
 * decoder's set-up and tear-down: 30 reopenings added ~20 MB of allocator fragmentation to the RSS.)
 */
public final class SoakClip {
    /** A stream copy of even a very long soak takes seconds; this only bounds a stuck ffmpeg. */
    private static final Duration TIMEOUT = Duration.ofMinutes(10);

    private SoakClip() {}

    public static Path make(Path input, long frames, double frameRate, Path output) throws IOException {
        List<String> command = List.of(BundledFfmpeg.path(), "-hide_banner", "-loglevel", "error", "-nostdin", "-y",
                "-stream_loop", "-1", "-i", input.toAbsolutePath().toString(),
                "-frames:v", Long.toString(frames), "-t", String.format(Locale.ROOT, "%.6f", frames / frameRate),
                "-c", "copy", output.toString());
        BundledFfmpeg.Result r = BundledFfmpeg.run(command, TIMEOUT);
        if (r.exitCode() != 0) {
            throw new InputException(input + ": cannot repeat it into a " + frames + "-frame clip: "
                    + r.log().lines().filter(l -> !l.isBlank()).findFirst().orElse("ffmpeg exit " + r.exitCode()));
        }
        return output;
    }
}
