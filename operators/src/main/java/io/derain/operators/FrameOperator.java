package io.derain.operators;

import io.derain.operators.frame.VideoFrame;
import java.util.List;

/**
 * Transforms frames in place, a batch at a time.
 *
 * <p>The runtime hands over up to {@link #maxBatch()} frames of one size; the operator rewrites their
 * pixels (and may attach an attention map) before returning. An operator owns its native resources
 * (model weights, device buffers) and releases them in {@link #close()}; it is used from one thread.
 */
public interface FrameOperator extends AutoCloseable {

    /** Rewrites every frame of {@code batch}; all frames have the same size. */
    void apply(List<VideoFrame> batch);

    /** Largest batch this operator wants; the runtime never passes more. */
    default int maxBatch() { return 1; }

    /** Checks, before any frame is decoded, that frames of this size can be processed. */
    default void checkFrameSize(int width, int height) {}

    @Override
    void close();
}
