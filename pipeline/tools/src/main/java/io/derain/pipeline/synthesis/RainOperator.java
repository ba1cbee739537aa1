package io.derain.pipeline.synthesis;

import io.derain.models.synthesis.DropMask;
import io.derain.models.synthesis.GlassGeometry;
import io.derain.models.synthesis.GlassSetup;
import io.derain.models.synthesis.RainSettings;
import io.derain.models.synthesis.RainSimulation;
import io.derain.operators.FrameOperator;
import io.derain.operators.frame.VideoFrame;
import java.nio.ByteBuffer;
import java.util.List;

/**
 * Rains on frames: one {@link RainSimulation} for the whole job, stepped once per frame, so drops land,
 * grow, merge and run down across a video instead of flickering. Each frame's pixels become the rainy
 * frame, in place, and its attention map the drop mask (255 = drop; which pixels count: {@link DropMask}).
 */
public final class RainOperator implements FrameOperator {
    private final RainSimulation simulation;
    private final DropMask mask;

    public RainOperator(RainSettings settings, long seed, DropMask mask) {
        this(settings, seed, GlassSetup.ANY, mask);
    }

    /** @param glass the glass optical drops sit on (one geometry per job); ignored by the heuristic styles */
    public RainOperator(RainSettings settings, long seed, GlassSetup glass, DropMask mask) {
        this.simulation = new RainSimulation(settings, seed, glass);
        this.mask = mask;
    }

    /** The geometry optical drops are traced through; null for the heuristic styles. */
    public GlassGeometry glass() {
        return simulation.glass();
    }

    @Override
    public void apply(List<VideoFrame> batch) {
        for (VideoFrame frame : batch) {
            // The renderer copies the clean frame before drawing, so rendering in place is safe.
            ByteBuffer map = frame.attentionForWriting();
            simulation.next(frame.pixels(), frame.width(), frame.height(), frame.pixels(), null, map);
            mask.fromCoverage(map, map, frame.width() * frame.height()); // coverage → mask, in place
        }
    }

    @Override
    public void close() {
        simulation.close();
    }
}
