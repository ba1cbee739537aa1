package io.derain.pipeline.runtime;

import io.derain.operators.frame.VideoFrame;
import io.derain.pipeline.media.MediaItem;
import io.derain.pipeline.media.VideoItem;
import java.util.ArrayList;
import java.util.List;

/**
 * Up to N video frames of one size for one operator call, together with the audio that arrived between
 * them, in stream order, so the sink receives everything exactly as the source produced it. Batches are
 * reused: a job allocates a few and passes them around (see {@link StagedPipeline}).
 */
public final class Batch {
    private final List<MediaItem> items = new ArrayList<>();
    private final List<VideoFrame> frames = new ArrayList<>();
    private long openedNanos;
    /** Time the operator spent starting this batch, added to its completion for the stage's busy time. */
    private long submitNanos;

    /**
     * Whether {@code item} may join this batch of at most {@code maxFrames} frames: audio always may; a
     * frame must fit and have the size of the frames already here (images of a directory may differ).
     */
    boolean accepts(MediaItem item, int maxFrames) {
        if (!(item instanceof VideoItem v) || frames.isEmpty()) return true;
        return frames.size() < maxFrames && frames.get(0).sameSizeAs(v.frame());
    }

    void add(MediaItem item) {
        if (items.isEmpty()) openedNanos = System.nanoTime();
        items.add(item);
        if (item instanceof VideoItem v) frames.add(v.frame());
    }

    boolean isFull(int maxFrames) { return frames.size() >= maxFrames; }

    /** When the first item arrived ({@link System#nanoTime()}): a partial batch waits from then on. */
    long openedNanos() { return openedNanos; }

    long submitNanos() { return submitNanos; }
    void setSubmitNanos(long nanos) { submitNanos = nanos; }

    /** All items in stream order. */
    public List<MediaItem> items() { return items; }

    /** The video frames only, for the operator. */
    public List<VideoFrame> frames() { return frames; }

    public boolean isEmpty() { return items.isEmpty(); }

    void clear() {
        items.clear();
        frames.clear();
    }
}
