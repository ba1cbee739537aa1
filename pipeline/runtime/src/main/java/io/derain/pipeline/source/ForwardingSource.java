package io.derain.pipeline.source;

import io.derain.operators.frame.VideoFrame;
import io.derain.pipeline.sink.SinkCheckpoint;

/**
 * Base of a source decorator: passes recycling, wake-ups, acknowledgements and the in-flight size on to the
 * wrapped source, so a decorator only writes what it changes. Whether it owns the wrapped source (closes it)
 * is the decorator's to say and is fixed at construction.
 */
public abstract class ForwardingSource implements FrameSource {
    protected final FrameSource source;
    private final boolean owns;

    /** @param owns whether {@link #close()} closes {@code source} too */
    protected ForwardingSource(FrameSource source, boolean owns) {
        this.source = source;
        this.owns = owns;
    }

    @Override public SourceInfo info() { return source.info(); }
    @Override public void recycle(VideoFrame frame) { source.recycle(frame); }
    @Override public void expectFramesInFlight(int frames) { source.expectFramesInFlight(frames); }
    @Override public void wake() { source.wake(); }
    @Override public void acknowledge(SinkCheckpoint durable) { source.acknowledge(durable); }
    @Override public java.util.List<String> damage() { return source.damage(); }

    @Override
    public void close() {
        if (owns) source.close();
    }
}
