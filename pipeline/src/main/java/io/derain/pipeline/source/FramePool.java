package io.derain.pipeline.source;

import io.derain.operators.frame.VideoFrame;
import io.derain.pipeline.media.VideoItem;
import java.util.ArrayDeque;
import java.util.IdentityHashMap;

/**
 * Recycles a source's frames (and the items wrapping them) so that steady-state decoding allocates no
 * pixel buffers. Frames handed out while the pool is full are not tracked and simply become garbage, so a
 * caller that never recycles costs allocation, not a leak.
 */
final class FramePool {
    /** More than any batch plus queue depth the runtime keeps in flight. */
    static final int MAX_TRACKED = 64;

    private final ArrayDeque<VideoItem> free = new ArrayDeque<>();
    private final IdentityHashMap<VideoFrame, VideoItem> tracked = new IdentityHashMap<>();

    /** A frame of the given size whose previous contents, attention map and label are to be overwritten. */
    VideoItem acquire(int width, int height) {
        VideoItem item = free.pollFirst();
        if (item == null) {
            VideoFrame frame = new VideoFrame(width, height);
            item = new VideoItem(frame);
            if (tracked.size() < MAX_TRACKED) tracked.put(frame, item);
            return item;
        }
        item.frame().resize(width, height); // reallocates only when the frame grows
        return item;
    }

    /** Takes back a frame this pool handed out; ignores foreign frames and double recycling. */
    void release(VideoFrame frame) {
        VideoItem item = tracked.get(frame);
        if (item != null && !free.contains(item)) free.addFirst(item);
    }

    int tracked() { return tracked.size(); }
}
