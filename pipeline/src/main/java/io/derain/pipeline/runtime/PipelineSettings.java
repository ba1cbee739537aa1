package io.derain.pipeline.runtime;

import java.time.Duration;

/**
 * How much a {@link StagedPipeline} keeps in flight, which bounds its memory whatever the input's length:
 * at most {@code queuedFrames + (queuedBatches + depth + 1) × batch + 1} frames exist at once, where depth
 * is the operator's pipeline depth (batches it works on at once, 1 for most).
 *
 * @param queuedFrames   decoded items waiting for inference: enough to hide decoding behind one batch
 * @param queuedBatches  inferred batches waiting for the encoder (besides the one being encoded)
 * @param maxBatchWait   a partial batch is inferred once its first item waited this long (for live
 *                       sources, where a full batch may take long to arrive); zero waits for a full batch
 */
public record PipelineSettings(int queuedFrames, int queuedBatches, Duration maxBatchWait) {
    public PipelineSettings {
        if (queuedFrames < 1) throw new IllegalArgumentException("queuedFrames must be at least 1");
        if (queuedBatches < 1) throw new IllegalArgumentException("queuedBatches must be at least 1");
        if (maxBatchWait.isNegative()) throw new IllegalArgumentException("maxBatchWait must not be negative");
    }

    /**
     * Two batches of decoded items ahead of inference (audio blocks take slots too: about two per frame)
     * and one inferred batch ahead of the encoder.
     */
    public static PipelineSettings forBatch(int batch) {
        return new PipelineSettings(Math.max(4, 2 * batch), 1, Duration.ZERO);
    }

    public PipelineSettings withMaxBatchWait(Duration wait) {
        return new PipelineSettings(queuedFrames, queuedBatches, wait);
    }

    /**
     * Batches circulating in a job: {@code depth} held by inference (in the operator, or being filled once
     * the oldest is done), the queued ones, and one being encoded.
     */
    public int batches(int depth) {
        return queuedBatches + depth + 1;
    }

    /** Frames alive at once in a job with batches of {@code batch} frames and an operator of that depth. */
    public int framesInFlight(int batch, int depth) {
        return queuedFrames + batches(depth) * batch + 1;
    }
}
