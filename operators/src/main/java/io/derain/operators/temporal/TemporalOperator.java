package io.derain.operators.temporal;

import io.derain.operators.FrameOperator;
import io.derain.operators.frame.VideoFrame;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Causal temporal deraining over a per-frame operator that writes an attention map (owns it): each camera's
 * frames, in order, get (1) the raindrop map stabilised over time, a drop fading over a few frames instead of
 * vanishing for one, and (2) the pixels under drops filled from the previous output aligned by optical flow
 * where that output was clear and agrees with this frame around the drop, the network's restoration
 * elsewhere, and (3) clear pixels steadied by a recursive filter along the flow where the warp agrees
 * ({@link CameraHistory}). Only past frames are used: no added latency beyond the flow itself. A
 * cut, a timestamp gap (reconnect) or a new frame size starts a camera afresh. Owns the operator it wraps
 * unless told otherwise.
 */
public final class TemporalOperator implements FrameOperator {
    private final FrameOperator frames;
    private final TemporalSettings settings;
    private final double dropThreshold;
    private final Map<String, CameraHistory> cameras = new HashMap<>();
    private final boolean owns;

    /**
     * @param frames        the per-frame operator (owned); its frames must carry attention maps
     * @param dropThreshold attention level (0..1] from which the map calls a pixel drop (the model's)
     */
    public TemporalOperator(FrameOperator frames, TemporalSettings settings, double dropThreshold) {
        this(frames, settings, dropThreshold, true);
    }

    /** @param owns whether {@link #close()} closes {@code frames} too */
    public TemporalOperator(FrameOperator frames, TemporalSettings settings, double dropThreshold, boolean owns) {
        this.frames = frames;
        this.settings = settings;
        this.dropThreshold = dropThreshold;
        this.owns = owns;
    }

    @Override
    public void apply(List<VideoFrame> batch) {
        frames.apply(batch);
        carryOver(batch);
    }

    /** One batch at a time (the history follows frame by frame), so submit is apply. */
    @Override
    public int pipelineDepth() {
        return 1;
    }

    private void carryOver(List<VideoFrame> batch) {
        for (VideoFrame frame : batch) {
            if (frame.attention() == null) continue;
            String camera = frame.metadata().camera() == null ? "" : frame.metadata().camera();
            cameras.computeIfAbsent(camera, c -> new CameraHistory(settings, dropThreshold)).next(frame);
        }
    }

    /** Frames whose drops were filled from the previous output, over all cameras. */
    public long filledFrames() {
        return cameras.values().stream().mapToLong(CameraHistory::filledFrames).sum();
    }

    /** Times a camera started afresh (cuts, gaps, new sizes). */
    public long resets() {
        return cameras.values().stream().mapToLong(CameraHistory::resets).sum();
    }

    @Override
    public int maxBatch() {
        return frames.maxBatch();
    }

    @Override
    public void checkFrameSize(int width, int height) {
        frames.checkFrameSize(width, height);
    }

    @Override
    public void close() {
        cameras.values().forEach(CameraHistory::close);
        cameras.clear();
        if (owns) frames.close();
    }
}
