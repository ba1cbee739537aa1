package io.derain.pipeline.source;

import io.derain.operators.frame.VideoFrame;
import io.derain.pipeline.InputException;
import io.derain.pipeline.media.AudioItem;
import io.derain.pipeline.media.MediaItem;
import io.derain.pipeline.media.VideoItem;
import java.io.IOException;
import java.nio.file.Path;

/**
 * A video file played over and over until {@code totalFrames} frames have come out, as one continuous
 * stream: indices and timestamps keep counting across the loops. For soak tests of the pipeline's memory
 * on a short clip. Video only: the audio of each pass is dropped (its timestamps would restart).
 * Owns the source of the current pass. Frames come from one pool for the whole stream (each decoded frame
 * is copied into it and handed straight back to its pass), so reopening the file allocates no new frame
 * buffers: a soak measures the pipeline, not the looping.
 */
public final class LoopedSource implements FrameSource {
    private final Path file;
    private final long totalFrames;
    private final SourceInfo info;
    private final long frameMicros;
    private final FramePool pool = new FramePool();
    private FrameSource pass;
    private long frames;
    private long offsetMicros;
    private long lastMicros = -1;

    public LoopedSource(Path file, long totalFrames) {
        if (totalFrames < 1) throw new IllegalArgumentException("frames to play must be at least 1: " + totalFrames);
        this.file = file;
        this.totalFrames = totalFrames;
        this.pass = Sources.open(file);
        SourceInfo i = pass.info();
        if (!(i.frameRate() > 0)) {
            pass.close();
            throw new InputException(file + ": not a video (only a video can be looped)");
        }
        this.info = new SourceInfo(i.name(), i.width(), i.height(), i.frameRate(), totalFrames, null);
        this.frameMicros = Math.round(1_000_000 / i.frameRate());
    }

    @Override
    public SourceInfo info() { return info; }

    @Override
    public MediaItem next() throws IOException {
        while (frames < totalFrames) {
            MediaItem item = pass.next();
            if (item == null) {
                if (lastMicros < 0) throw new IOException(file + ": no video frames to loop");
                nextPass();
                continue;
            }
            if (item instanceof AudioItem audio) {
                audio.samples().close();
                continue;
            }
            VideoFrame decoded = ((VideoItem) item).frame();
            VideoItem copy = pool.acquire(decoded.width(), decoded.height());
            VideoFrame frame = copy.frame();
            frame.pixels().put(decoded.pixels());
            frame.setLabel(decoded.label());
            frame.setTimestampMicros(offsetMicros + decoded.timestampMicros());
            frame.setIndex(frames++);
            pass.recycle(decoded);
            lastMicros = frame.timestampMicros();
            return copy;
        }
        return null;
    }

    /** The next pass starts one frame interval after the last frame of this one. */
    private void nextPass() {
        pass.close();
        pass = null;
        offsetMicros = lastMicros + frameMicros;
        pass = Sources.open(file);
    }

    @Override
    public void recycle(VideoFrame frame) { pool.release(frame); }

    @Override
    public void close() {
        if (pass != null) pass.close();
    }
}
