package io.derain.pipeline.view;

import io.derain.operators.frame.VideoFrame;
import io.derain.pipeline.media.AudioItem;
import io.derain.pipeline.sink.FrameSink;
import io.derain.pipeline.sink.SinkCheckpoint;
import java.io.IOException;

/**
 * Shows each derained frame to a {@link LiveView} after writing it to the sink it wraps, whose output it never
 * changes. Owns the wrapped sink.
 */
public final class ViewSink implements FrameSink {
    private final FrameSink output;
    private final LiveView view;

    public ViewSink(FrameSink output, LiveView view) {
        this.output = output;
        this.view = view;
    }

    @Override
    public void write(VideoFrame frame) throws IOException {
        output.write(frame);
        view.output(frame);
    }

    @Override
    public void write(AudioItem audio) throws IOException {
        output.write(audio);
    }

    @Override
    public SinkCheckpoint checkpoint() throws IOException {
        return output.checkpoint();
    }

    @Override
    public void commit() throws IOException {
        output.commit();
    }

    @Override
    public void close() {
        output.close();
    }
}
