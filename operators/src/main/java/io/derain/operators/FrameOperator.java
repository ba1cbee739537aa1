package io.derain.operators;

import io.derain.operators.frame.VideoFrame;
import java.util.List;

/**
 * Transforms frames in place, a batch at a time.
 *
 * <p>The runtime hands over up to {@link #maxBatch()} frames of one size; the operator rewrites their
 * pixels (and may attach an attention map) before returning, or, with a {@link #pipelineDepth()} above
 * one, between {@link #submit} and {@link #complete}. An operator owns its native resources
 * (model weights, device buffers) and releases them in {@link #close()}; it is used from one thread.
 */
public interface FrameOperator extends AutoCloseable {

    /** Rewrites every frame of {@code batch}; all frames have the same size. */
    void apply(List<VideoFrame> batch);

    /**
     * Batches this operator can work on at once: with more than one, the runtime {@link #submit}s the next
     * batch before it {@link #complete}s the previous one, so that (on a GPU) copying one batch overlaps
     * computing another.
     */
    default int pipelineDepth() { return 1; }

    /**
     * Starts work on {@code batch}. Its frames belong to the operator until the {@link #complete} call that
     * finishes it; at most {@link #pipelineDepth()} batches are started and not yet completed.
     */
    default void submit(List<VideoFrame> batch) { apply(batch); }

    /** Finishes the oldest started batch: when this returns, its frames hold the results. */
    default void complete() {}

    /** Largest batch this operator wants; the runtime never passes more. */
    default int maxBatch() { return 1; }

    /** Checks, before any frame is decoded, that frames of this size can be processed. */
    default void checkFrameSize(int width, int height) {}

    @Override
    void close();
}
