package io.derain.pipeline.live;

import org.bytedeco.ffmpeg.avformat.AVIOInterruptCB;
import org.bytedeco.javacpp.Pointer;

/**
 * FFmpeg's interrupt callback for one connection: every blocking network call of the demuxer polls it (about
 * every 100 ms) and gives up with {@code AVERROR_EXIT} once it returns 1. That is how a read gets a deadline
 * (a stall: a peer that stays connected but sends nothing) and how another thread wakes a blocked read
 * (a stop). Set on the format context before {@code avformat_open_input}, which copies it into every
 * socket it opens.
 *
 * <p>The deadline is moved by the reading thread; {@link #wake()} may come from any thread. Owned by its
 * {@link StreamDecoder}, which keeps it reachable while FFmpeg may call it and closes it last.
 */
final class ReadDeadline extends AVIOInterruptCB.Callback_Pointer {
    private volatile long deadlineNanos;
    private volatile boolean woken;
    private volatile boolean expired;

    private final java.util.function.BooleanSupplier stop;

    /** @param stop also gives up once this says so (a stop that comes before the decoder is reachable) */
    ReadDeadline(java.util.function.BooleanSupplier stop) {
        super();
        this.stop = stop;
    }

    /** Gives the next reads until {@code nanos} ({@link System#nanoTime()}) to deliver something. */
    void extendTo(long nanos) {
        deadlineNanos = nanos;
    }

    /** Makes every blocked and later call give up. */
    void wake() {
        woken = true;
    }

    boolean woken() { return woken || stop.getAsBoolean(); }

    /** Whether a call gave up because the deadline passed (a stall), not because of {@link #wake()}. */
    boolean expired() { return expired; }

    /**
     * Once expired, it stays expired: on an interrupt the RTSP demuxer still hands out packets from its
     * reorder queue, and if each of them bought a new deadline a silent server would trickle out a packet
     * per stall timeout instead of being detected.
     */
    @Override
    public int call(Pointer opaque) {
        if (woken || expired || stop.getAsBoolean()) return 1;
        if (System.nanoTime() - deadlineNanos > 0) {
            expired = true;
            return 1;
        }
        return 0;
    }
}
