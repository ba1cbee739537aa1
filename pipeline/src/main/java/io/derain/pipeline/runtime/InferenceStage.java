package io.derain.pipeline.runtime;

import io.derain.operators.FrameOperator;
import io.derain.operators.frame.VideoFrame;
import io.derain.pipeline.media.AudioItem;
import io.derain.pipeline.media.MediaItem;
import io.derain.pipeline.media.VideoItem;
import java.util.concurrent.ArrayBlockingQueue;

/**
 * Groups decoded items into batches and runs the operator on them. A batch closes when it is full, before
 * a frame of another size, at the end of the stream, or once its first item waited {@code maxWaitNanos}.
 * After a stop request, items still waiting are dropped (their frames recycled): only the batch already
 * in the operator is finished, so stopping takes one batch's inference, not a queue's.
 */
final class InferenceStage {
    private final FrameOperator operator;
    private final int maxFrames;
    private final long maxWaitNanos;
    private final StageQueue<MediaItem> decoded;
    private final StageQueue<Batch> processed;
    private final StageQueue<Batch> free;
    private final ArrayBlockingQueue<VideoFrame> returned;
    private final JobControl control;
    private final StageMeter meter;
    private final PipelineStats stats;

    InferenceStage(FrameOperator operator, long maxWaitNanos, StageQueue<MediaItem> decoded,
                   StageQueue<Batch> processed, StageQueue<Batch> free, ArrayBlockingQueue<VideoFrame> returned,
                   JobControl control, StageMeter meter, PipelineStats stats) {
        this.operator = operator;
        this.maxFrames = operator.maxBatch();
        this.maxWaitNanos = maxWaitNanos;
        this.decoded = decoded;
        this.processed = processed;
        this.free = free;
        this.returned = returned;
        this.control = control;
        this.meter = meter;
        this.stats = stats;
    }

    /** Runs on the caller's thread: the operator's (libtorch keeps per-thread state). */
    void run() {
        try {
            Batch batch = free.take();
            while (true) {
                MediaItem item = batch.isEmpty() || maxWaitNanos <= 0
                        ? decoded.take()
                        : decoded.poll(batch.openedNanos() + maxWaitNanos);
                if (control.stopRequested()) {
                    drop(item);
                    drop(batch);
                    dropRest();
                    break;
                }
                if (item == null) {
                    if (decoded.ended()) break;
                    batch = flush(batch); // waited long enough for a full batch
                    continue;
                }
                if (item instanceof VideoItem v) operator.checkFrameSize(v.frame().width(), v.frame().height());
                if (!batch.accepts(item, maxFrames)) batch = flush(batch);
                batch.add(item);
                if (batch.isFull(maxFrames)) batch = flush(batch);
            }
            if (!batch.isEmpty()) processed.put(infer(batch));
            processed.finish();
        } catch (Throwable t) {
            control.fail(t);
        }
    }

    /** Infers {@code batch}, hands it to the encoder and returns an empty one. */
    private Batch flush(Batch batch) {
        processed.put(infer(batch));
        return free.take();
    }

    private Batch infer(Batch batch) {
        if (!batch.frames().isEmpty()) {
            long start = System.nanoTime();
            operator.apply(batch.frames());
            meter.record(start);
        }
        return batch;
    }

    private void dropRest() {
        while (!decoded.ended()) drop(decoded.take());
    }

    private void drop(Batch batch) {
        for (MediaItem item : batch.items()) drop(item);
        batch.clear();
    }

    private void drop(MediaItem item) {
        if (item instanceof VideoItem v) {
            stats.frameDropped();
            returned.offer(v.frame());
        } else if (item instanceof AudioItem a) {
            a.samples().close();
        }
    }
}
