package io.derain.pipeline.source;

import io.derain.operators.frame.VideoFrame;
import io.derain.pipeline.media.AudioItem;
import io.derain.pipeline.media.MediaItem;
import io.derain.pipeline.media.VideoItem;
import java.io.IOException;

/**
 * The part of a source inside a {@link TimeWindow}. Frames before the window are decoded and dropped
 * (exact, and cheap for clips); reading stops after the window. Selected frames are renumbered from 0 and
 * their timestamps shifted so the output starts at 0; audio is kept only between the first and the last
 * selected frame's time. Owns the wrapped source.
 */
public final class WindowedSource extends ForwardingSource {
    private final TimeWindow.Frames frames;
    private final SourceInfo info;
    private long startMicros = Long.MIN_VALUE;
    private long endMicros = Long.MAX_VALUE;
    private long nextIndex;
    private boolean ended;

    private WindowedSource(FrameSource source, TimeWindow.Frames frames) {
        super(source, true);
        this.frames = frames;
        SourceInfo all = source.info();
        long count = all.frameCount() < 0 || frames.end() == Long.MAX_VALUE ? all.frameCount() : frames.count();
        this.info = all.withFrameRate(all.frameRate(), count);
    }

    /** The window of {@code source}; {@code source} itself when the window is everything. */
    public static FrameSource of(FrameSource source, TimeWindow window) {
        if (window.isAll()) return source;
        try {
            return new WindowedSource(source, window.resolve(source.info()));
        } catch (RuntimeException e) {
            source.close();
            throw e;
        }
    }

    @Override
    public SourceInfo info() { return info; }

    @Override
    public MediaItem next() throws IOException {
        while (!ended) {
            MediaItem item = source.next();
            if (item == null) {
                ended = true;
            } else if (item instanceof VideoItem v) {
                VideoFrame frame = v.frame();
                long index = frame.index();
                if (index >= frames.end()) {
                    source.recycle(frame);
                    ended = true; // past the window: stop decoding
                } else if (index < frames.first()) {
                    source.recycle(frame);
                } else {
                    if (startMicros == Long.MIN_VALUE) startMicros = frame.timestampMicros();
                    frame.setTimestampMicros(frame.timestampMicros() - startMicros);
                    frame.setIndex(nextIndex++);
                    if (nextIndex == frames.count()) endMicros = startMicros + frame.timestampMicros() + frameMicros();
                    return item;
                }
            } else if (item instanceof AudioItem a) {
                long t = a.samples().timestamp;
                if (startMicros != Long.MIN_VALUE && t >= startMicros && t < endMicros) return item;
                a.samples().close();
            }
        }
        return null;
    }

    private long frameMicros() {
        return Math.round(1e6 / info.frameRate());
    }

}
