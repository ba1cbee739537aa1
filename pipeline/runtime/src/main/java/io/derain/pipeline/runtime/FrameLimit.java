package io.derain.pipeline.runtime;

import io.derain.operators.frame.VideoFrame;
import io.derain.pipeline.media.MediaItem;
import io.derain.pipeline.media.VideoItem;
import io.derain.pipeline.source.ForwardingSource;
import io.derain.pipeline.source.FrameSource;
import io.derain.pipeline.source.SourceInfo;
import java.io.IOException;

/**
 * The first {@code maxFrames} video frames of a source (and the audio before the last of them), for
 * benchmarks and previews. Borrows the source: closing this does not close it.
 */
public final class FrameLimit extends ForwardingSource {
    private final long maxFrames;
    private final SourceInfo info;
    private long frames;

    public FrameLimit(FrameSource source, long maxFrames) {
        super(source, false);
        this.maxFrames = maxFrames;
        SourceInfo i = source.info();
        long count = i.frameCount() < 0 ? maxFrames : Math.min(i.frameCount(), maxFrames);
        this.info = i.withFrameRate(i.frameRate(), count);
    }

    @Override
    public SourceInfo info() { return info; }

    @Override
    public MediaItem next() throws IOException {
        if (frames >= maxFrames) return null;
        MediaItem item = source.next();
        if (item instanceof VideoItem) frames++;
        return item;
    }

}
