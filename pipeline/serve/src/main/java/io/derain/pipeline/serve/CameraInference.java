package io.derain.pipeline.serve;

import io.derain.operators.FrameOperator;
import io.derain.operators.frame.VideoFrame;
import java.util.List;

/**
 * One camera's view of a {@link SharedInference}: the operator its job runs. It takes one frame at a time (so that
 * the shared batches hold one frame of each waiting camera) and blocks its caller, the job's inference thread, until
 * the frame's result is back. Does not own the shared inference; closing it does nothing.
 */
public final class CameraInference implements FrameOperator {
    private final SharedInference shared;
    private final String camera;
    private final SharedInference.Request request = new SharedInference.Request(); // reused: one frame in flight

    CameraInference(SharedInference shared, String camera) {
        this.shared = shared;
        this.camera = camera;
    }

    /** The camera this view serves. */
    public String camera() {
        return camera;
    }

    @Override
    public void apply(List<VideoFrame> batch) {
        for (VideoFrame frame : batch) shared.infer(request, frame);
    }

    @Override
    public int maxBatch() {
        return 1;
    }

    @Override
    public void checkFrameSize(int width, int height) {
        shared.checkFrameSize(width, height);
    }

    @Override
    public void close() {}
}
