package io.derain.pipeline.runtime;

import io.derain.operators.FrameOperator;
import io.derain.operators.frame.VideoFrame;
import java.util.List;

/** Leaves frames as they are: a pipeline with it measures decoding and encoding alone. */
public final class IdentityOperator implements FrameOperator {
    private final int maxBatch;

    public IdentityOperator(int maxBatch) {
        this.maxBatch = maxBatch;
    }

    @Override
    public void apply(List<VideoFrame> batch) {}

    @Override
    public int maxBatch() { return maxBatch; }

    @Override
    public void close() {}
}
