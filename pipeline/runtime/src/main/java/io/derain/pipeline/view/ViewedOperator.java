package io.derain.pipeline.view;

import io.derain.operators.FrameOperator;
import io.derain.operators.frame.VideoFrame;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;

/**
 * Shows each batch's frames to a {@link LiveView} just before the operator it wraps rewrites them in place: the
 * input of frames that reach the model, not of those a rate or a latency bound dropped on the way. Does not own
 * the wrapped operator.
 */
public final class ViewedOperator implements FrameOperator {
    private final FrameOperator operator;
    private final LiveView view;

    public ViewedOperator(FrameOperator operator, LiveView view) {
        this.operator = operator;
        this.view = view;
    }

    @Override
    public void apply(List<VideoFrame> batch) {
        see(batch);
        operator.apply(batch);
    }

    @Override
    public void submit(List<VideoFrame> batch) {
        see(batch);
        operator.submit(batch);
    }

    private void see(List<VideoFrame> batch) {
        try {
            for (int i = 0; i < batch.size(); i++) view.inputTap().see(batch.get(i));
        } catch (IOException e) {
            throw new UncheckedIOException(e); // the view's tap does no I/O
        }
    }

    @Override public void complete() { operator.complete(); }
    @Override public int pipelineDepth() { return operator.pipelineDepth(); }
    @Override public int maxBatch() { return operator.maxBatch(); }
    @Override public void checkFrameSize(int width, int height) { operator.checkFrameSize(width, height); }

    @Override
    public void close() {
        // not the wrapped operator's owner
    }
}
