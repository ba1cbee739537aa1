package io.derain.pipeline.runtime;

import io.derain.operators.frame.VideoFrame;
import io.derain.pipeline.media.MediaItem;
import io.derain.pipeline.media.VideoItem;
import io.derain.pipeline.source.FrameSource;
import java.util.concurrent.ArrayBlockingQueue;

/**
 * Reads the source on its own thread. The source is single-threaded, so the frames the encoder is done
 * with come back through {@code returned} and are recycled here, between two reads.
 */
final class DecodeStage implements Runnable {
    private final FrameSource source;
    private final StageQueue<MediaItem> decoded;
    private final ArrayBlockingQueue<VideoFrame> returned;
    private final JobControl control;
    private final StageMeter meter;
    private final PipelineStats stats;
    private final FrameClock clock;
    private volatile boolean cutShort;

    DecodeStage(FrameSource source, StageQueue<MediaItem> decoded, ArrayBlockingQueue<VideoFrame> returned,
                JobControl control, StageMeter meter, PipelineStats stats, FrameClock clock) {
        this.source = source;
        this.decoded = decoded;
        this.returned = returned;
        this.control = control;
        this.meter = meter;
        this.stats = stats;
        this.clock = clock;
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
                MediaItem item = source.next();
                long now = meter.record(start);
                if (item == null) break;
                if (item instanceof VideoItem v) {
                    clock.read(v.frame(), now);
                    stats.frameRead();
                }
                decoded.put(item);
            }
            decoded.finish();
        } catch (Throwable t) {
            control.fail(t);
        }
    }

    private void recycleReturned() {
        VideoFrame frame;
        while ((frame = returned.poll()) != null) source.recycle(frame);
    }

    /** Whether a stop request ended reading before the end of the source. */
    boolean cutShort() { return cutShort; }
}
