package io.derain.operators.temporal;

import io.derain.models.restore.GateSettings;
import io.derain.operators.FrameOperator;
import io.derain.operators.derain.DerainOperator;
import io.derain.operators.frame.VideoFrame;
import java.util.ArrayList;
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
 *
 * <p>A gated model's gate is applied here, with the stabilised map, not per frame ({@link #over}): the
 * per-frame operator hands over its whole restoration, and the pixels around a drop do not switch between the
 * rainy input and the restoration each time the per-frame map blinks.
 */
public final class TemporalOperator implements FrameOperator {
    private final FrameOperator frames;
    private final TemporalSettings settings;
    private final double dropThreshold;
    /** The gate applied here with the stabilised map; null when {@code frames} hands over final frames. */
    private final GateSettings gate;
    private final Map<String, CameraHistory> cameras = new HashMap<>();
    /** Each batch position's pixels before the per-frame operator ran, reused (with a gate or the glass layer). */
    private final List<byte[]> inputs = new ArrayList<>();
    private final boolean owns;

    /**
     * @param frames        the per-frame operator (owned); its frames must carry attention maps and are final
     * @param dropThreshold attention level (0..1] from which the map calls a pixel drop (the model's)
     */
    public TemporalOperator(FrameOperator frames, TemporalSettings settings, double dropThreshold) {
        this(frames, GateSettings.WHOLE_OUTPUT, settings, dropThreshold, true);
    }

    /**
     * @param frames the per-frame operator; with a gate, it must hand over the network's whole restoration
     * @param gate   the gate to apply with the stabilised map ({@link GateSettings#WHOLE_OUTPUT}: none)
     * @param owns   whether {@link #close()} closes {@code frames} too
     */
    public TemporalOperator(FrameOperator frames, GateSettings gate, TemporalSettings settings, double dropThreshold,
                            boolean owns) {
        this.frames = frames;
        this.gate = gate.enabled() ? gate : null;
        this.settings = settings;
        this.dropThreshold = dropThreshold;
        this.owns = owns;
    }

    /**
     * The temporal mode over {@code operator} (not owned): its whole restoration, gated here with the
     * stabilised map as its gate says.
     */
    public static TemporalOperator over(DerainOperator operator, TemporalSettings settings) {
        return new TemporalOperator(operator.wholeOutput(), operator.gate().settings(), settings,
                operator.dropThreshold(), false);
    }

    @Override
    public void apply(List<VideoFrame> batch) {
        if (gate != null || settings.glass()) keepInputs(batch);
        frames.apply(batch);
        carryOver(batch);
    }

    private void keepInputs(List<VideoFrame> batch) {
        for (int i = 0; i < batch.size(); i++) {
            VideoFrame frame = batch.get(i);
            int bytes = frame.height() * frame.stride();
            if (inputs.size() <= i) inputs.add(new byte[bytes]);
            if (inputs.get(i).length < bytes) inputs.set(i, new byte[bytes]);
            frame.pixels().get(0, inputs.get(i), 0, bytes);
        }
    }

    /** One batch at a time (the history follows frame by frame), so submit is apply. */
    @Override
    public int pipelineDepth() {
        return 1;
    }

    private void carryOver(List<VideoFrame> batch) {
        for (int i = 0; i < batch.size(); i++) {
            VideoFrame frame = batch.get(i);
            if (frame.attention() == null) continue;
            String camera = frame.metadata().camera() == null ? "" : frame.metadata().camera();
            cameras.computeIfAbsent(camera, c -> new CameraHistory(settings, dropThreshold,
                    gate == null ? null : new MapGate(gate))).next(frame, gate == null && !settings.glass() ? null : inputs.get(i));
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
