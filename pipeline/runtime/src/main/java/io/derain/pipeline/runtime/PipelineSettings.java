package io.derain.pipeline.runtime;

import io.derain.models.SettingsException;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ThreadFactory;

/**
 * How a {@link StagedPipeline} buffers, sheds load and checkpoints. What it keeps in flight bounds its
 * memory whatever the input's length: at most {@code queuedFrames + (queuedBatches + depth + 1) × batch + 1}
 * frames exist at once, where depth is the operator's pipeline depth (batches it works on at once, 1 for
 * most). Build one with {@link #forBatch} (files) or {@link #forLive} (cameras) and adjust with the
 * {@code with...} methods.
 *
 * @param queuedFrames       decoded items waiting for inference: enough to hide decoding behind one batch
 * @param queuedBatches      inferred batches waiting for the encoder (besides the one being encoded)
 * @param maxBatchWait       a partial batch is inferred once its first item waited this long (for live
 *                           sources, where a full batch may take long to arrive); zero waits for a full batch
 * @param queuePolicy        what the decoder does when the decoded queue is full
 * @param maxLatency         a frame that waited longer than this from its capture (its read from the source)
 *                           to the operator's input is dropped ({@link DropReason#LATENCY}); zero: no bound
 * @param checkpointInterval how often the encoder asks the sink to make its output durable and hands what
 *                           is durable back to the source ({@code FrameSink.checkpoint}); zero: only at the end
 * @param stopTimeout        how long a stopped job waits for its source to return from a read before it
 *                           gives up on it (the job's output is committed either way)
 * @param frameRate          frames per second of source time to keep, taken evenly before inference (the
 *                           rest dropped as {@link DropReason#RATE}); zero keeps every frame
 * @param threadFactory      makes the job's decode and encode threads (inference runs on the caller's): a
 *                           service's own factory (its thread group, priority, context), or {@link #DAEMON_THREADS}
 */
public record PipelineSettings(int queuedFrames, int queuedBatches, Duration maxBatchWait, QueuePolicy queuePolicy,
                               Duration maxLatency, Duration checkpointInterval, Duration stopTimeout,
                               double frameRate, ThreadFactory threadFactory) {
    private static final Duration DEFAULT_STOP_TIMEOUT = Duration.ofSeconds(5);

    /** The default: plain daemon threads (a job's threads never keep a JVM alive; {@code run()} joins them anyway). */
    public static final ThreadFactory DAEMON_THREADS = stage -> {
        Thread t = new Thread(stage);
        t.setDaemon(true);
        return t;
    };

    public PipelineSettings {
        if (queuedFrames < 1) throw new SettingsException("queuedFrames must be at least 1");
        if (queuedBatches < 1) throw new SettingsException("queuedBatches must be at least 1");
        Objects.requireNonNull(queuePolicy, "queuePolicy");
        requireNotNegative(maxBatchWait, "maxBatchWait");
        requireNotNegative(maxLatency, "maxLatency");
        requireNotNegative(checkpointInterval, "checkpointInterval");
        requireNotNegative(stopTimeout, "stopTimeout");
        if (!(frameRate >= 0)) throw new SettingsException("frameRate must be zero or positive");
        Objects.requireNonNull(threadFactory, "threadFactory");
    }

    private static void requireNotNegative(Duration d, String name) {
        if (d == null || d.isNegative()) throw new SettingsException(name + " must be zero or positive");
    }

    /**
     * For finite inputs: two batches of decoded items ahead of inference (audio blocks take slots too: about
     * two per frame), one inferred batch ahead of the encoder, blocking queues, no latency bound.
     */
    public static PipelineSettings forBatch(int batch) {
        return new PipelineSettings(Math.max(4, 2 * batch), 1, Duration.ZERO, QueuePolicy.BLOCK, Duration.ZERO,
                Duration.ZERO, DEFAULT_STOP_TIMEOUT, 0, DAEMON_THREADS);
    }

    /**
     * For live sources: one batch waiting (more would only age: inference takes the freshest frames), the oldest frame dropped when full, a
     * partial batch inferred after 50 ms, frames older than {@code maxLatency} at the operator dropped, and
     * a checkpoint every second.
     */
    public static PipelineSettings forLive(int batch, Duration maxLatency) {
        return new PipelineSettings(batch, 1, Duration.ofMillis(50), QueuePolicy.DROP_OLDEST, maxLatency,
                Duration.ofSeconds(1), DEFAULT_STOP_TIMEOUT, 0, DAEMON_THREADS);
    }

    public PipelineSettings withMaxBatchWait(Duration wait) {
        return new PipelineSettings(queuedFrames, queuedBatches, wait, queuePolicy, maxLatency, checkpointInterval,
                stopTimeout, frameRate, threadFactory);
    }

    public PipelineSettings withCheckpointInterval(Duration interval) {
        return new PipelineSettings(queuedFrames, queuedBatches, maxBatchWait, queuePolicy, maxLatency, interval,
                stopTimeout, frameRate, threadFactory);
    }

    /** Keeps {@code fps} frames per second of source time (0: all). */
    public PipelineSettings withFrameRate(double fps) {
        return new PipelineSettings(queuedFrames, queuedBatches, maxBatchWait, queuePolicy, maxLatency,
                checkpointInterval, stopTimeout, fps, threadFactory);
    }

    /** Makes the job's decode and encode threads with {@code factory} (named after their stage once made). */
    public PipelineSettings withThreadFactory(ThreadFactory factory) {
        return new PipelineSettings(queuedFrames, queuedBatches, maxBatchWait, queuePolicy, maxLatency,
                checkpointInterval, stopTimeout, frameRate, factory);
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
