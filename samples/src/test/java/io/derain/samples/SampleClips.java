package io.derain.samples;

import io.derain.operators.frame.VideoFrame;
import io.derain.pipeline.media.MediaItem;
import io.derain.pipeline.media.VideoItem;
import io.derain.pipeline.sink.VideoFileSink;
import io.derain.pipeline.source.FrameSource;
import io.derain.pipeline.source.SourceInfo;
import io.derain.pipeline.source.Sources;
import java.nio.file.Path;

/** The project's sample clip, and short pieces of it for tests that run the model on every frame. */
final class SampleClips {
    /** 100 frames, 640x360, 25 fps: the road scene (seed 7) through synthetic drops. */
    static final Path RAINY_ROAD = Path.of("media/rainy-road.mp4");

    private SampleClips() {}

    /** The first {@code frames} frames of the sample clip, re-encoded to {@code output}. */
    static Path firstFrames(int frames, Path output) throws Exception {
        try (FrameSource source = Sources.open(RAINY_ROAD)) {
            SourceInfo info = source.info();
            SourceInfo cut = new SourceInfo(info.name(), info.width(), info.height(), info.frameRate(), frames, null);
            try (VideoFileSink sink = new VideoFileSink(output, cut, true)) {
                int written = 0;
                for (MediaItem item; written < frames && (item = source.next()) != null; ) {
                    if (!(item instanceof VideoItem v)) continue;
                    sink.write(v.frame());
                    source.recycle(v.frame());
                    written++;
                }
                sink.commit();
            }
        }
        return output;
    }

    /** Frame {@code index} of the sample clip, as decoded. */
    static VideoFrame frame(int index) throws Exception {
        try (FrameSource source = Sources.open(RAINY_ROAD)) {
            for (MediaItem item; (item = source.next()) != null; ) {
                if (item instanceof VideoItem v && v.frame().index() == index) return v.frame();
            }
        }
        throw new IllegalArgumentException(RAINY_ROAD + " has no frame " + index);
    }
}
