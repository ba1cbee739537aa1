package io.derain.pipeline.source;

import io.derain.pipeline.media.MediaItem;
import io.derain.pipeline.media.VideoItem;
import java.io.IOException;

/**
 * Still images taken as the consecutive frames of a video at a frame rate: each frame is stamped with its
 * index over the rate, and the source says it has that rate. How the frames of a synthetic video pair set
 * ({@code derain synth}, one image per frame in time order) are scored in the temporal mode. Owns the
 * wrapped source unless told otherwise.
 */
public final class FrameSequence extends ForwardingSource {
    private final double fps;
    private long index;

    /** @param owns whether closing this closes {@code source} */
    public FrameSequence(FrameSource source, double fps, boolean owns) {
        super(source, owns);
        if (!(fps > 0)) throw new IllegalArgumentException("frame rate must be positive: " + fps);
        this.fps = fps;
    }

    @Override
    public SourceInfo info() {
        return source.info().withFrameRate(fps, -1);
    }

    @Override
    public MediaItem next() throws IOException {
        MediaItem item = source.next();
        if (item instanceof VideoItem v) v.frame().setTimestampMicros(Math.round(index++ * 1e6 / fps));
        return item;
    }
}
