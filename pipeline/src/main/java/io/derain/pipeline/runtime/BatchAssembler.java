package io.derain.pipeline.runtime;

import io.derain.operators.frame.VideoFrame;
import io.derain.pipeline.media.MediaItem;
import io.derain.pipeline.media.VideoItem;

/**
 * Groups a stream of media items into batches: a batch closes when it holds {@code maxFrames} frames, or
 * just before a frame of another size (images of a directory may differ), or at the end of the stream.
 */
final class BatchAssembler {
    private final int maxFrames;
    private final Batch current = new Batch();

    BatchAssembler(int maxFrames) {
        this.maxFrames = maxFrames;
    }

    /** True if {@code item} must go into a new batch: flush {@link #batch()} first. */
    boolean needsFlushBefore(MediaItem item) {
        if (!(item instanceof VideoItem v) || current.frames().isEmpty()) return false;
        VideoFrame first = current.frames().get(0);
        return current.frames().size() >= maxFrames || !first.sameSizeAs(v.frame());
    }

    void add(MediaItem item) {
        current.add(item);
    }

    /** True once the batch is full: flushing now keeps latency low. */
    boolean isFull() {
        return current.frames().size() >= maxFrames;
    }

    Batch batch() {
        return current;
    }

    void reset() {
        current.clear();
    }
}
