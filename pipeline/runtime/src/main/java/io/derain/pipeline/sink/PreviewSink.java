package io.derain.pipeline.sink;

import io.derain.operators.frame.VideoFrame;
import io.derain.pipeline.source.TappedSource;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;

/**
 * A side-by-side preview: each frame written becomes one three times as wide, {@code input | derained |
 * raindrop map} (the map in grey, white = drop), so a user judges the result at a glance. The input panel
 * comes from copies its {@link #tap()} takes as frames leave the source (before the operator rewrites them
 * in place), matched by frame index; frames a live job dropped on the way leave their copy behind, which
 * the next frame discards. Copies and the composed frame are pooled: nothing is allocated per frame once
 * warm. The tap runs on the decode thread, {@link #write} on the encode thread. Owns the wrapped sink.
 */
public final class PreviewSink implements FrameSink {
    /** Panels side by side. */
    public static final int PANELS = 3;
    /** Input copies held at most (frames in flight between source and sink; more means frames were dropped). */
    private static final int MAX_PENDING = 64;

    private final FrameSink output;
    private final ArrayDeque<Copy> pending = new ArrayDeque<>();
    private final ArrayDeque<Copy> free = new ArrayDeque<>();
    private VideoFrame composed;

    private static final class Copy {
        long index;
        int width, height;
        ByteBuffer pixels = ByteBuffer.allocateDirect(0);
    }

    public PreviewSink(FrameSink output) {
        this.output = output;
    }

    /** The width of the preview of frames {@code width} wide. */
    public static int previewWidth(int width) {
        return Math.multiplyExact(width, PANELS);
    }

    /** Keeps a copy of each frame as it leaves the source. */
    public TappedSource.Tap tap() {
        return this::keep;
    }

    private void keep(VideoFrame frame) {
        int bytes = frame.width() * frame.height() * 3;
        Copy c;
        synchronized (this) {
            c = free.isEmpty() ? new Copy() : free.poll();
        }
        if (c.pixels.capacity() < bytes) c.pixels = ByteBuffer.allocateDirect(bytes);
        c.pixels.clear().put(frame.pixels()).flip();
        c.index = frame.index();
        c.width = frame.width();
        c.height = frame.height();
        synchronized (this) {
            pending.add(c);
            while (pending.size() > MAX_PENDING) free.add(pending.poll());
        }
    }

    /** The input copy of frame {@code index}, or null; older copies (frames dropped on the way) are recycled. */
    private synchronized Copy take(long index) {
        while (!pending.isEmpty() && pending.peek().index < index) free.add(pending.poll());
        return !pending.isEmpty() && pending.peek().index == index ? pending.poll() : null;
    }

    private synchronized void recycle(Copy c) {
        free.add(c);
    }

    @Override
    public void write(VideoFrame frame) throws IOException {
        int w = frame.width(), h = frame.height();
        if (composed == null) composed = new VideoFrame(previewWidth(w), h);
        else composed.resize(previewWidth(w), h);
        ByteBuffer out = composed.pixels(), derained = frame.pixels(), map = frame.attention();
        Copy input = take(frame.index());
        if (input != null && (input.width != w || input.height != h)) {
            recycle(input);
            input = null;
        }
        int row = w * 3, outRow = previewWidth(w) * 3;
        for (int y = 0; y < h; y++) {
            int o = y * outRow, s = y * row;
            if (input != null) out.put(o, input.pixels, s, row);
            else for (int i = 0; i < row; i++) out.put(o + i, (byte) 0);
            out.put(o + row, derained, s, row);
            int m = o + 2 * row;
            for (int x = 0; x < w; x++) {
                byte v = map == null ? 0 : map.get(y * w + x);
                out.put(m + 3 * x, v);
                out.put(m + 3 * x + 1, v);
                out.put(m + 3 * x + 2, v);
            }
        }
        if (input != null) recycle(input);
        composed.setIndex(frame.index());
        composed.setTimestampMicros(frame.timestampMicros());
        composed.setLabel(frame.label());
        composed.metadata().copyFrom(frame.metadata());
        output.write(composed);
    }

    @Override
    public void commit() throws IOException {
        output.commit();
    }

    @Override
    public void write(io.derain.pipeline.media.AudioItem audio) throws IOException {
        output.write(audio);
    }

    @Override
    public SinkCheckpoint checkpoint() throws IOException {
        return output.checkpoint();
    }

    @Override
    public void close() {
        output.close();
    }
}
