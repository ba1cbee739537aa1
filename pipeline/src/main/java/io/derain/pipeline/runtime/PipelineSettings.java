package io.derain.pipeline.runtime;

import java.time.Duration;

/**
 * How much a {@link StagedPipeline} keeps in flight, which bounds its memory whatever the input's length:
 * at most {@code queuedFrames + (queuedBatches + 2) × batch} frames exist at once.
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

    /** Frames alive at once in a job with batches of {@code batch} frames. */
    public int framesInFlight(int batch) {
        return queuedFrames + (queuedBatches + 2) * batch + 1;
    }
}
