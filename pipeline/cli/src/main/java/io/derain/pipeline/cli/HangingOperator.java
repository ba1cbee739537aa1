package io.derain.pipeline.cli;

import io.derain.operators.FrameOperator;
import io.derain.operators.frame.VideoFrame;
import java.util.List;

/**
 * A test hook for serve's health check (hidden option {@code --test-hang-inference-after N}): passes the first
 * {@code N} batches to the operator it wraps, then holds the next one as a hung GPU driver or a deadlocked native
 * call would, until interrupted or ten minutes pass. Does not own the wrapped operator.
 */
final class HangingOperator implements FrameOperator {
    private static final long HANG_MILLIS = 600_000;
    private final FrameOperator model;
    private final long batchesBeforeHang;
    private long batches;

    HangingOperator(FrameOperator model, long batchesBeforeHang) {
        this.model = model;
        this.batchesBeforeHang = batchesBeforeHang;
    }

    @Override
    public void apply(List<VideoFrame> batch) {
        if (batches++ >= batchesBeforeHang) {
            try {
                Thread.sleep(HANG_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("hung inference interrupted", e);
            }
        }
        model.apply(batch);
    }

    @Override
    public int maxBatch() { return model.maxBatch(); }

    @Override
    public void checkFrameSize(int width, int height) { model.checkFrameSize(width, height); }

    @Override
    public void close() {
        // not the model's owner
    }
}
