package io.derain.pipeline.sink;

import io.derain.operators.frame.VideoFrame;
import io.derain.pipeline.media.AudioItem;

/**
 * Where processed media goes. The runtime calls, from one thread: {@link #write} for every frame in stream
 * order, {@link #checkpoint()} from time to time, {@link #commit()} once at the end (also after a stop), and
 * its owner calls {@link #close()}.
 *
 * <ul>
 * <li><b>Durability</b>: writes may be buffered or asynchronous (an encoder's look-ahead, a Kafka producer).
 *     {@link #checkpoint()} reports what is durable so far and is where a sink surfaces an asynchronous
 *     failure (a delivery that failed after {@code write} returned): it throws it, which fails the job.
 * <li><b>Commit</b>: finishes the output (trailers, indexes, a last flush) and makes it appear under its final
 *     name; after it returns everything written is durable. {@link #close()} without a commit discards what
 *     is not durable yet, so a failed job never leaves a half-written output under a final name.
 * <li><b>Errors</b>: a {@link io.derain.pipeline.runtime.FrameRejectedException} from {@code write} concerns
 *     that frame only (the job counts it and goes on); any other exception is fatal.
 * </ul>
 */
public interface FrameSink extends AutoCloseable {

    void write(VideoFrame frame) throws java.io.IOException;

    /** Audio in stream order; sinks without audio ignore it. */
    default void write(AudioItem audio) throws java.io.IOException {}

    /**
     * Makes durable what the sink can without ending its output, and says how much is: a file sink has
     * nothing durable before its commit; a segmented recording, its closed segments. Throws a failure that
     * happened asynchronously since the last call.
     */
    default SinkCheckpoint checkpoint() throws java.io.IOException { return SinkCheckpoint.NONE; }

    /** Finishes the output (trailers, indexes) and moves it to its final name. */
    void commit() throws java.io.IOException;

    /** Discards the output unless it was committed; releases encoders and files. */
    @Override
    void close();
}
