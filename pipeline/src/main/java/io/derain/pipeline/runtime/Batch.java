package io.derain.pipeline.runtime;

import io.derain.operators.frame.VideoFrame;
import io.derain.pipeline.media.MediaItem;
import io.derain.pipeline.media.VideoItem;
import java.util.ArrayList;
import java.util.List;

/**
 * Up to N video frames of one size for one operator call, together with the audio that arrived between
 * them, in stream order, so the sink receives everything exactly as the source produced it.
 */
public final class Batch {
    private final List<MediaItem> items = new ArrayList<>();
    private final List<VideoFrame> frames = new ArrayList<>();

    void add(MediaItem item) {
        items.add(item);
        if (item instanceof VideoItem v) frames.add(v.frame());
    }

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
