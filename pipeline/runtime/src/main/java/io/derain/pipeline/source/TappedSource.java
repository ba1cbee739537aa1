package io.derain.pipeline.source;

import io.derain.operators.frame.VideoFrame;
import io.derain.pipeline.media.MediaItem;
import io.derain.pipeline.media.VideoItem;
import java.io.IOException;

/**
 * Shows every video frame to a tap as it leaves the source, before any operator rewrites it in place:
 * how a job keeps the untouched input (the clean half of a training pair) without copying frames.
 * Owns the wrapped source unless told otherwise.
 */
public final class TappedSource extends ForwardingSource {
    /** Looks at a frame; must not keep it (the frame is reused). */
    @FunctionalInterface
    public interface Tap {
        void see(VideoFrame frame) throws IOException;
    }

    private final Tap tap;

    public TappedSource(FrameSource source, Tap tap) {
        this(source, tap, true);
    }

    /** @param owns whether closing this closes {@code source} */
    public TappedSource(FrameSource source, Tap tap, boolean owns) {
        super(source, owns);
        this.tap = tap;
    }

    @Override
    public MediaItem next() throws IOException {
        MediaItem item = source.next();
        if (item instanceof VideoItem v) tap.see(v.frame());
        return item;
    }

}
