package io.derain.pipeline.source;

import io.derain.operators.frame.VideoFrame;
import io.derain.pipeline.media.VideoItem;
import java.util.ArrayDeque;
import java.util.IdentityHashMap;

/**
 * Recycles a source's frames (and the items wrapping them) so that steady-state decoding allocates no
 * pixel buffers. It tracks as many frames as the runtime says it keeps in flight
 * ({@link FrameSource#expectFramesInFlight}); frames handed out beyond that are not tracked and simply
 * become garbage, so a caller that never recycles costs allocation, not a leak.
 */
public final class FramePool {
    /** Until the runtime says otherwise: more than a file job with the default batch keeps in flight. */
    static final int DEFAULT_TRACKED = 64;

    private int maxTracked = DEFAULT_TRACKED;

    private final ArrayDeque<VideoItem> free = new ArrayDeque<>();
    private final IdentityHashMap<VideoFrame, VideoItem> tracked = new IdentityHashMap<>();

    /** A frame of the given size whose previous contents, attention map and label are to be overwritten. */
    public VideoItem acquire(int width, int height) {
        VideoItem item = free.pollFirst();
        if (item == null) {
            VideoFrame frame = new VideoFrame(width, height);
            item = new VideoItem(frame);
            if (tracked.size() < maxTracked) tracked.put(frame, item);
            return item;
        }
        item.frame().resize(width, height); // reallocates only when the frame grows
        return item;
    }

    /** Takes back a frame this pool handed out; ignores foreign frames and double recycling. */
    public void release(VideoFrame frame) {
        VideoItem item = tracked.get(frame);
        if (item != null && !free.contains(item)) free.addFirst(item);
    }

    /** Tracks up to {@code frames} frames (plus a few for the source's own look-ahead). */
    public void expect(int frames) {
        maxTracked = Math.max(DEFAULT_TRACKED, frames + 4);
    }

    int tracked() { return tracked.size(); }
}
