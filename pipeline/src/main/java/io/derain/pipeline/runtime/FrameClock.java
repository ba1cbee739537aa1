package io.derain.pipeline.runtime;

import io.derain.operators.frame.VideoFrame;

/**
 * Times each frame from decoded to encoded without allocating: the decode time sits in a ring indexed by
 * the frame's index, which is large enough for every frame a job can have in flight.
 */
final class FrameClock {
    private final long[] readNanos;
    private final int mask;
    private final StageMeter latency;

    FrameClock(int framesInFlight, StageMeter latency) {
        int size = Integer.highestOneBit(Math.max(16, framesInFlight) * 2 - 1) << 1;
        this.readNanos = new long[size];
        this.mask = size - 1;
        this.latency = latency;
    }

    /** Called by the decoder once {@code frame} is decoded. */
    void read(VideoFrame frame, long now) {
        readNanos[(int) (frame.index() & mask)] = now;
    }

    /** Called by the encoder once {@code frame} is written. */
    void written(VideoFrame frame) {
        long read = readNanos[(int) (frame.index() & mask)];
        if (read != 0) latency.record(read);
    }
}
