package io.derain.pipeline.runtime;

import io.derain.operators.frame.VideoFrame;
import io.derain.pipeline.media.AudioItem;
import io.derain.pipeline.media.MediaItem;
import io.derain.pipeline.media.VideoItem;
import io.derain.pipeline.sink.FrameSink;
import java.util.concurrent.ArrayBlockingQueue;

/**
 * Writes inferred batches to the sink in order on its own thread, gives their frames back to the decoder
 * for reuse, and commits the sink at the end of the stream (also after a stop: the output then holds what
 * was written). After a failure elsewhere it never commits, so the sink's close() discards the output.
 */
final class EncodeStage implements Runnable {
    private final FrameSink sink;
    private final StageQueue<Batch> processed;
    private final StageQueue<Batch> free;
    private final ArrayBlockingQueue<VideoFrame> returned;
    private final JobControl control;
    private final StageMeter meter;
    private final PipelineStats stats;
    private final FrameClock clock;
    private final ProgressListener listener;

    EncodeStage(FrameSink sink, StageQueue<Batch> processed, StageQueue<Batch> free,
                ArrayBlockingQueue<VideoFrame> returned, JobControl control, StageMeter meter, PipelineStats stats,
                FrameClock clock, ProgressListener listener) {
        this.sink = sink;
        this.processed = processed;
        this.free = free;
        this.returned = returned;
        this.control = control;
        this.meter = meter;
        this.stats = stats;
        this.clock = clock;
        this.listener = listener;
    }

    @Override
    public void run() {
        try {
            Batch batch;
            while ((batch = processed.take()) != null) {
                for (MediaItem item : batch.items()) write(item);
                batch.clear();
                free.put(batch);
                listener.progressed(stats.framesWritten());
            }
            control.checkNotAborted();
            long start = System.nanoTime();
            sink.commit();
            meter.addBusy(start);
        } catch (Throwable t) {
            control.fail(t);
        }
    }

    private void write(MediaItem item) throws java.io.IOException {
        long start = System.nanoTime();
        if (item instanceof VideoItem v) {
            sink.write(v.frame());
            meter.record(start);
            clock.written(v.frame());
            stats.frameWritten();
            returned.offer(v.frame()); // when full (never, by its size) the frame is left to the GC
        } else if (item instanceof AudioItem a) {
            sink.write(a);
            meter.record(start);
            a.samples().close();
            stats.audioWritten();
        }
    }
}
