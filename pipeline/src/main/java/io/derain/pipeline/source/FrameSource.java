package io.derain.pipeline.source;

import io.derain.pipeline.media.MediaItem;

/**
 * A stream of decoded media. Opened by its constructor or factory (bad input fails there with an
 * {@link io.derain.pipeline.InputException}), read with {@link #next()} until it returns null, closed
 * by its owner. Not thread-safe: one reader.
 */
public interface FrameSource extends AutoCloseable {

    SourceInfo info();

    /**
     * The next item in stream order, or null at the end. The returned video frame may be reused by the
     * source on a later call only after it has been given back with {@link #recycle}.
     */
    MediaItem next() throws java.io.IOException;

    /** Gives a frame back for reuse once the sink has consumed it. Optional. */
    default void recycle(io.derain.operators.frame.VideoFrame frame) {}

    @Override
    void close();
}
