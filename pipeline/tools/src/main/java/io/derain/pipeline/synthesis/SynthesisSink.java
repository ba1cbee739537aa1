package io.derain.pipeline.synthesis;

import io.derain.operators.frame.VideoFrame;
import io.derain.pipeline.sink.FrameSink;
import java.io.IOException;

/**
 * Where rain synthesis goes: {@link #write(VideoFrame)} receives each rainy frame with its drop mask as
 * attention map; {@link #writeClean} the same frame before the rain, for outputs that keep it.
 */
public interface SynthesisSink extends FrameSink {
    /** The untouched input frame, shown before it is rained on; must not be kept. */
    void writeClean(VideoFrame clean) throws IOException;
}
