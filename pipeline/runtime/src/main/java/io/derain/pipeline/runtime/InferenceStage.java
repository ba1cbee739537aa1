package io.derain.pipeline.runtime;

import io.derain.operators.FrameOperator;
import io.derain.operators.frame.VideoFrame;
import io.derain.pipeline.media.AudioItem;
import io.derain.pipeline.media.MediaItem;
import io.derain.pipeline.media.VideoItem;
import java.util.ArrayDeque;
import java.util.concurrent.ArrayBlockingQueue;

/**
 * Groups decoded items into batches and runs the operator on them. A batch closes when it is full, before
 * a frame of another size, at the end of the stream, or once its first item waited {@code maxWaitNanos}.
 * A frame older than the latency bound when it comes up is dropped ({@link DropReason#LATENCY}) instead of
 * inferred. After a stop request, items still waiting are dropped (their frames recycled): only the batches
 * already in the operator are finished, so stopping takes one batch's inference, not a queue's, and never
 * waits for the source.
 *
 * <p>An operator with a pipeline depth above one gets the next batch before it finishes the previous one
 * (a GPU copies one while it computes the other). Batches are completed in order; all of them as soon as
 * no decoded item is waiting, so that a live source's latency never waits for a batch that is not coming.
 */
final class InferenceStage {
    private final FrameOperator operator;
    private final int maxFrames;
    private final long maxWaitNanos;
    private final long maxLatencyNanos;
    private final StageQueue<MediaItem> decoded;
    private final StageQueue<Batch> processed;
    private final StageQueue<Batch> free;
    private final ArrayBlockingQueue<VideoFrame> returned;
    private final JobControl control;
    private final StageMeter meter;
    private final PipelineStats stats;
    private final FrameClock clock;
    private final int depth;
    /** Batches submitted to the operator and not completed yet, oldest first; audio-only ones too, for order. */
    private final ArrayDeque<Batch> inOperator = new ArrayDeque<>();

    InferenceStage(FrameOperator operator, PipelineSettings settings, StageQueue<MediaItem> decoded,
                   StageQueue<Batch> processed, StageQueue<Batch> free, ArrayBlockingQueue<VideoFrame> returned,
                   JobControl control, StageMeter meter, PipelineStats stats, FrameClock clock) {
        this.operator = operator;
        this.maxFrames = operator.maxBatch();
        this.maxWaitNanos = settings.maxBatchWait().toNanos();
        this.maxLatencyNanos = settings.maxLatency().toNanos();
        this.decoded = decoded;
        this.processed = processed;
        this.free = free;
        this.returned = returned;
        this.control = control;
        this.meter = meter;
        this.stats = stats;
        this.clock = clock;
        this.depth = Math.max(1, operator.pipelineDepth());
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
                    dropWaiting();
                    completeAll();
                    break;
                }
                if (item == null) {
                    if (decoded.ended()) break;
                    batch = flush(batch); // waited long enough for a full batch
                    continue;
                }
                if (item instanceof VideoItem v) {
                    if (tooLate(v.frame())) {
                        dispose(v, DropReason.LATENCY);
                        continue;
                    }
                    operator.checkFrameSize(v.frame().width(), v.frame().height());
                }
                if (!batch.accepts(item, maxFrames)) batch = flush(batch);
                batch.add(item);
                if (batch.isFull(maxFrames)) batch = flush(batch);
            }
            if (!batch.isEmpty()) submit(batch);
            completeAll();
            processed.finish();
        } catch (Throwable t) {
            control.fail(t);
        }
    }

    private boolean tooLate(VideoFrame frame) {
        return maxLatencyNanos > 0 && clock.age(frame, System.nanoTime()) > maxLatencyNanos;
    }

    /** Starts inference of {@code batch} and returns an empty one to fill. */
    private Batch flush(Batch batch) {
        submit(batch);
        return free.take();
    }

    /** Hands {@code batch} to the operator, then passes completed batches on to the encoder. */
    private void submit(Batch batch) {
        if (!batch.frames().isEmpty()) {
            long start = System.nanoTime();
            operator.submit(batch.frames());
            batch.setSubmitNanos(System.nanoTime() - start);
        }
        inOperator.add(batch);
        while (inOperator.size() >= depth || !inOperator.isEmpty() && decoded.depth() == 0) completeOldest();
    }

    private void completeAll() {
        while (!inOperator.isEmpty()) completeOldest();
    }

    /** Waits for the oldest batch's results and hands it to the encoder; a batch counts once, when complete. */
    private void completeOldest() {
        Batch batch = inOperator.removeFirst();
        if (!batch.frames().isEmpty()) {
            long start = System.nanoTime();
            operator.complete();
            meter.recordNanos(batch.submitNanos() + System.nanoTime() - start);
        }
        processed.put(batch);
    }

    /** What the decoder queued before it saw the stop; never waits for more. */
    private void dropWaiting() {
        MediaItem item;
        while ((item = decoded.drain()) != null) drop(item);
    }

    private void drop(Batch batch) {
        for (MediaItem item : batch.items()) drop(item);
        batch.clear();
    }

    private void drop(MediaItem item) {
        if (item instanceof VideoItem v) {
            dispose(v, DropReason.STOP);
        } else if (item instanceof AudioItem a) {
            a.samples().close();
        }
    }

    private void dispose(VideoItem v, DropReason reason) {
        stats.frameDropped(reason);
        returned.offer(v.frame());
    }
}
