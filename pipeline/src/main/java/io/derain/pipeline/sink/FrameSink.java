package io.derain.pipeline.sink;

import io.derain.operators.frame.VideoFrame;
import io.derain.pipeline.media.AudioItem;

/**
 * Where processed media goes. Writes go to a temporary place; {@link #commit()} finishes the output and
 * makes it appear under its final name. {@link #close()} without a commit discards everything written,
 * so a failed or interrupted job never leaves a half-written output behind.
 */
public interface FrameSink extends AutoCloseable {

    void write(VideoFrame frame) throws java.io.IOException;

    /** Audio in stream order; sinks without audio ignore it. */
    default void write(AudioItem audio) throws java.io.IOException {}

    /** Finishes the output (trailers, indexes) and moves it to its final name. */
    void commit() throws java.io.IOException;

    /** Discards the output unless it was committed; releases encoders and files. */
    @Override
    void close();
}
