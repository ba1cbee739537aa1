package io.derain.pipeline.runtime;

import io.derain.operators.frame.SourcePosition;
import io.derain.operators.frame.VideoFrame;
import io.derain.pipeline.media.AudioItem;
import io.derain.pipeline.media.MediaItem;
import io.derain.pipeline.media.VideoItem;
import io.derain.pipeline.sink.FrameSink;
import io.derain.pipeline.sink.SinkCheckpoint;
import io.derain.pipeline.source.FrameSource;
import java.io.IOException;
import java.util.concurrent.ArrayBlockingQueue;

/**
 * Writes inferred batches to the sink in order on its own thread, gives their frames back to the decoder
 * for reuse, checkpoints the sink at the job's interval (handing what is durable to the source), and
 * commits the sink at the end of the stream (also after a stop: the output then holds what was written).
 * After a failure elsewhere it never commits, so the sink's close() discards the output. A frame the sink
 * rejects is counted and skipped.
 */
final class EncodeStage implements Runnable {
    private final FrameSink sink;
    private final FrameSource source;
    private final StageQueue<Batch> processed;
    private final StageQueue<Batch> free;
    private final ArrayBlockingQueue<VideoFrame> returned;
    private final JobControl control;
    private final StageMeter meter;
    private final PipelineStats stats;
    private final FrameClock clock;
    private final ProgressListener listener;
    private final long checkpointNanos;
    private long nextCheckpoint;
    private SourcePosition lastWritten;

    EncodeStage(FrameSink sink, FrameSource source, PipelineSettings settings, StageQueue<Batch> processed,
                StageQueue<Batch> free, ArrayBlockingQueue<VideoFrame> returned, JobControl control, StageMeter meter,
                PipelineStats stats, FrameClock clock, ProgressListener listener) {
        this.sink = sink;
        this.source = source;
        this.processed = processed;
        this.free = free;
        this.returned = returned;
        this.control = control;
        this.meter = meter;
        this.stats = stats;
        this.clock = clock;
        this.listener = listener;
        this.checkpointNanos = settings.checkpointInterval().toNanos();
        this.nextCheckpoint = System.nanoTime() + checkpointNanos;
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
                if (checkpointNanos > 0 && System.nanoTime() - nextCheckpoint >= 0) checkpoint();
            }
            control.checkNotAborted();
            long start = System.nanoTime();
            sink.commit();
            meter.addBusy(start);
            // A checkpoint after the last batch may already have handed everything back.
            if (stats.framesWritten() > stats.framesDurable()) acknowledge(new SinkCheckpoint(stats.framesWritten(), lastWritten));
        } catch (Throwable t) {
            control.fail(t);
        }
    }

    private void checkpoint() throws IOException {
        nextCheckpoint = System.nanoTime() + checkpointNanos;
        SinkCheckpoint durable = sink.checkpoint();
        if (durable.frames() > stats.framesDurable()) acknowledge(durable);
    }

    private void acknowledge(SinkCheckpoint durable) {
        stats.durable(durable.frames());
        source.acknowledge(durable);
    }

    private void write(MediaItem item) throws IOException {
        long start = System.nanoTime();
        if (item instanceof VideoItem v) {
            VideoFrame frame = v.frame();
            try {
                sink.write(frame);
                meter.record(start);
                clock.written(frame);
                stats.frameWritten(System.nanoTime(), frame.metadata().dropCoverage());
                lastWritten = frame.metadata().position();
            } catch (FrameRejectedException e) {
                meter.record(start);
                stats.frameDropped(DropReason.REJECT);
                listener.rejected(e.getMessage());
            }
            returned.offer(frame); // when full (never, by its size) the frame is left to the GC
        } else if (item instanceof AudioItem a) {
            sink.write(a);
            meter.record(start);
            a.samples().close();
            stats.audioWritten();
        }
    }
}
