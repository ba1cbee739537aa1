package io.derain.pipeline.benchmark;

import io.derain.operators.FrameOperator;
import io.derain.operators.frame.VideoFrame;
import io.derain.pipeline.media.AudioItem;
import io.derain.pipeline.media.MediaItem;
import io.derain.pipeline.media.VideoItem;
import io.derain.pipeline.metrics.ProcessMemory;
import io.derain.pipeline.source.FrameSource;
import io.derain.pipeline.source.Sources;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The model alone: frames already decoded, timed after one warm-up batch (which fills the allocator's pools).
 *
 * @param rssAfterWarmup resident memory once the model ran once
 */
public record ModelTiming(int frames, double seconds, int warmupFrames, long rssAfterWarmup) {

    public double fps() { return seconds > 0 ? frames / seconds : 0; }

    /** Decodes the first {@code frames} frames of {@code input} into memory, then times {@code operator} (not owned) on them. */
    public static ModelTiming measure(Path input, int frames, FrameOperator operator) throws IOException {
        List<VideoFrame> decoded = new ArrayList<>();
        try (FrameSource source = Sources.open(input)) {
            MediaItem item;
            while (decoded.size() < frames && (item = source.next()) != null) {
                if (item instanceof VideoItem v) decoded.add(v.frame());
                else if (item instanceof AudioItem a) a.samples().close();
            }
        }
        int batch = operator.maxBatch();
        List<VideoFrame> warmup = decoded.subList(0, Math.min(batch, decoded.size()));
        operator.apply(warmup);
        long rss = ProcessMemory.rssBytes();
        long start = System.nanoTime();
        for (int i = 0; i < decoded.size(); i += batch) {
            operator.apply(decoded.subList(i, Math.min(i + batch, decoded.size())));
        }
        return new ModelTiming(decoded.size(), (System.nanoTime() - start) / 1e9, warmup.size(), rss);
    }
}
