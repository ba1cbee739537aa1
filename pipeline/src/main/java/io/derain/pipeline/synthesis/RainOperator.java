package io.derain.pipeline.synthesis;

import io.derain.models.synthesis.RainSettings;
import io.derain.models.synthesis.RainSimulation;
import io.derain.operators.FrameOperator;
import io.derain.operators.frame.VideoFrame;
import java.util.List;

/**
 * Rains on frames: one {@link RainSimulation} for the whole job, stepped once per frame, so drops land,
 * grow, merge and run down across a video instead of flickering. Each frame's pixels become the rainy
 * frame, in place, and its attention map the exact drop mask (255 = altered by a drop, 0 = untouched).
 */
public final class RainOperator implements FrameOperator {
    private final RainSimulation simulation;

    public RainOperator(RainSettings settings, long seed) {
        this.simulation = new RainSimulation(settings, seed);
    }

    @Override
    public void apply(List<VideoFrame> batch) {
        for (VideoFrame frame : batch) {
            // The renderer copies the clean frame before drawing, so rendering in place is safe.
            simulation.next(frame.pixels(), frame.width(), frame.height(), frame.pixels(),
                    frame.attentionForWriting(), null);
        }
    }

    @Override
    public void close() {
        simulation.close();
    }
}
