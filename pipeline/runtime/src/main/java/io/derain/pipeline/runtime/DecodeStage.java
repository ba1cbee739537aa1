package io.derain.pipeline.runtime;

import io.derain.operators.frame.VideoFrame;
import io.derain.pipeline.media.AudioItem;
import io.derain.pipeline.media.MediaItem;
import io.derain.pipeline.media.VideoItem;
import io.derain.pipeline.source.FrameSource;
import java.util.concurrent.ArrayBlockingQueue;

/**
 * Reads the source on its own thread. The source is single-threaded, so the frames the encoder is done
 * with come back through {@code returned} and are recycled here, between two reads.
 *
 * <p>With {@link QueuePolicy#DROP_OLDEST} it never waits for inference: a full queue gives up its oldest
 * frame for the new one. A frame the source rejects is counted and skipped. After a stop request it reads
 * no more, and what inference will not take is dropped.
 */
final class DecodeStage implements Runnable {
    private final FrameSource source;
    private final StageQueue<MediaItem> decoded;
    private final ArrayBlockingQueue<VideoFrame> returned;
    private final JobControl control;
    private final StageMeter meter;
    private final PipelineStats stats;
    private final FrameClock clock;
    private final QueuePolicy policy;
    private final ProgressListener listener;
    /** Source time between two kept frames with a target frame rate, else 0. */
    private final long spacingMicros;
    private long nextDueMicros = Long.MIN_VALUE;
    private volatile boolean cutShort;

    DecodeStage(FrameSource source, StageQueue<MediaItem> decoded, ArrayBlockingQueue<VideoFrame> returned,
                JobControl control, StageMeter meter, PipelineStats stats, FrameClock clock, PipelineSettings settings,
                ProgressListener listener) {
        this.source = source;
        this.decoded = decoded;
        this.returned = returned;
        this.control = control;
        this.meter = meter;
        this.stats = stats;
        this.clock = clock;
        this.policy = settings.queuePolicy();
        this.listener = listener;
        this.spacingMicros = settings.frameRate() > 0 ? Math.round(1e6 / settings.frameRate()) : 0;
    }

    @Override
    public void run() {
        try {
            while (true) {
                control.checkNotAborted(); // the queue only notices once it is full
                recycleReturned();
                if (control.stopRequested()) {
                    cutShort = true;
                    break;
                }
                long start = System.nanoTime();
                MediaItem item;
                try {
                    item = source.next();
                } catch (FrameRejectedException e) {
                    meter.record(start);
                    stats.frameDropped(DropReason.REJECT);
                    listener.rejected(e.getMessage());
                    continue;
                }
                long now = meter.record(start);
                if (item == null) {
                    if (control.stopRequested()) cutShort = true; // a woken source ends early
                    break;
                }
                if (item instanceof VideoItem v) {
                    clock.read(v.frame(), now);
                    stats.frameRead();
                    if (!due(v.frame())) {
                        dispose(v, DropReason.RATE);
                        continue;
                    }
                }
                hand(item);
            }
            decoded.finishUnlessStopped();
        } catch (Throwable t) {
            control.fail(t);
        }
    }

    /**
     * Whether {@code frame} is the next one to keep at the target rate: the first at or after each slot of
     * source time, so a 30 fps input at 5 fps keeps every sixth frame; a jump in time restarts the slots.
     */
    private boolean due(VideoFrame frame) {
        if (spacingMicros == 0) return true;
        long t = frame.timestampMicros();
        if (nextDueMicros != Long.MIN_VALUE && t < nextDueMicros - spacingMicros / 100) return false;
        nextDueMicros = t - nextDueMicros > 2 * spacingMicros || nextDueMicros == Long.MIN_VALUE
                ? t + spacingMicros : nextDueMicros + spacingMicros;
        return true;
    }

    private void hand(MediaItem item) {
        if (policy == QueuePolicy.DROP_OLDEST) {
            MediaItem displaced = decoded.putDisplacingOldest(item);
            if (displaced != null) dispose(displaced, DropReason.LATENCY);
        } else if (!decoded.putUnlessStopped(item)) {
            dispose(item, DropReason.STOP);
        }
    }

    private void dispose(MediaItem item, DropReason reason) {
        if (item instanceof VideoItem v) {
            stats.frameDropped(reason);
            source.recycle(v.frame());
        } else if (item instanceof AudioItem a) {
            a.samples().close();
        }
    }

    private void recycleReturned() {
        VideoFrame frame;
        while ((frame = returned.poll()) != null) source.recycle(frame);
    }

    /** Whether a stop request ended reading before the end of the source. */
    boolean cutShort() { return cutShort; }
}
