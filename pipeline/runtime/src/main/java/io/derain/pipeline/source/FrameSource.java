package io.derain.pipeline.source;

import io.derain.operators.frame.VideoFrame;
import io.derain.pipeline.media.MediaItem;
import io.derain.pipeline.sink.SinkCheckpoint;

/**
 * A stream of decoded media. Opened by its constructor or factory (bad input fails there with an
 * {@link io.derain.pipeline.InputException}), read with {@link #next()} until it returns null, closed
 * by its owner. {@link #next()}, {@link #recycle} and {@link #close()} are called from one thread;
 * {@link #wake()} and {@link #acknowledge} from any.
 *
 * <p><b>Errors</b>: a {@link io.derain.pipeline.runtime.FrameRejectedException} from {@code next()} means one
 * frame could not be read (counted and skipped: the next call goes on); any other exception ends the job.
 */
public interface FrameSource extends AutoCloseable {

    SourceInfo info();

    /**
     * The next item in stream order, or null at the end (or once {@link #wake()} was called). The returned
     * video frame may be reused by the source on a later call only after it has been given back with
     * {@link #recycle}. Never blocks without a deadline: a live source gives up on a silent peer after its
     * stall timeout.
     */
    MediaItem next() throws java.io.IOException;

    /** Gives a frame back for reuse once the sink has consumed it. Optional. */
    default void recycle(VideoFrame frame) {}

    /**
     * Tells the source how many of its frames the runtime may hold at once, before the first {@link #next()},
     * so that its pool recycles all of them.
     */
    default void expectFramesInFlight(int frames) {}

    /**
     * Ends reading: a {@link #next()} blocked on a peer returns null promptly (well under a second), and so
     * does every later one. Safe from any thread, more than once. Files return quickly anyway and ignore it.
     */
    default void wake() {}

    /**
     * The sink made everything up to {@code durable} durable: a source that tracks consumption (a Kafka
     * consumer's offsets) may commit up to it. Called from the sink's thread; implementations hand it over
     * to their reading thread.
     */
    default void acknowledge(SinkCheckpoint durable) {}

    /**
     * What was wrong with the input that this source read past instead of failing (opened to keep going):
     * one line per damage, each naming the file. Empty for a clean input. Read after the job.
     */
    default java.util.List<String> damage() { return java.util.List.of(); }

    @Override
    void close();
}
