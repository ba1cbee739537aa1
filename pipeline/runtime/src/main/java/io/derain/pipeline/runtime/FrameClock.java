package io.derain.pipeline.runtime;

import io.derain.operators.frame.VideoFrame;

/**
 * Times each frame from its read (its capture, for a live source read in real time) to its write, without
 * allocating: the read time sits in a ring indexed by the frame's index. Live jobs drop frames, so the frames
 * in flight may be far apart in index: the ring is large (a minute of a 30 fps camera) and each slot
 * remembers whose time it holds, so a frame whose slot was reused is not timed rather than timed wrongly.
 */
final class FrameClock {
    private final long[] readNanos;
    private final long[] readIndex;
    private final int mask;
    private final StageMeter latency;
    private final LatencyHistogram histogram;

    FrameClock(int framesInFlight, StageMeter latency, LatencyHistogram histogram) {
        int size = Integer.highestOneBit(Math.max(2048, framesInFlight) * 2 - 1) << 1;
        this.readNanos = new long[size];
        this.readIndex = new long[size];
        this.mask = size - 1;
        this.latency = latency;
        this.histogram = histogram;
    }

    /** Called by the decoder once {@code frame} is decoded. */
    void read(VideoFrame frame, long now) {
        int slot = (int) (frame.index() & mask);
        readNanos[slot] = now;
        readIndex[slot] = frame.index();
    }

    private long readTime(VideoFrame frame) {
        int slot = (int) (frame.index() & mask);
        return readIndex[slot] == frame.index() ? readNanos[slot] : 0;
    }

    /** Nanoseconds since {@code frame} was read. */
    long age(VideoFrame frame, long now) {
        long read = readTime(frame);
        return read == 0 ? 0 : now - read;
    }

    /** Called by the encoder once {@code frame} is written. */
    void written(VideoFrame frame) {
        long read = readTime(frame);
        if (read == 0) return;
        long took = latency.record(read) - read;
        histogram.record(took);
    }
}
