package io.derain.pipeline.runtime;

import java.util.List;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * A job's counters as it runs, readable from any thread (metrics scrapes, progress). Counters with one
 * writer (the stage they belong to) are plain volatile fields; drops, which several stages record, are
 * atomic. Recording allocates nothing.
 */
public final class PipelineStats {
    private final List<StageMeter> stages;
    private final StageMeter frameLatency = new StageMeter("frame");
    private final LatencyHistogram latencyHistogram = new LatencyHistogram();
    private final List<QueueView> queues;
    private final AtomicLongArray dropped = new AtomicLongArray(DropReason.values().length);
    private volatile long startNanos;
    private volatile long framesRead;
    private volatile long framesWritten;
    private volatile long audioBlocks;
    private volatile long framesDurable;
    // Recent rate and lens coverage, smoothed over about the last 20 frames (one writer: the encode stage).
    private static final double SMOOTHING = 0.1;
    private volatile long lastWriteNanos;
    private volatile double writeIntervalNanos = Double.NaN;
    private volatile double lensCoverage = Double.NaN;

    PipelineStats(List<StageMeter> stages, List<QueueView> queues) {
        this.stages = List.copyOf(stages);
        this.queues = List.copyOf(queues);
    }

    void started() { startNanos = System.nanoTime(); }
    void frameRead() { framesRead++; }

    /** A frame written at {@code nanos}, with the drop coverage of its raindrop map (NaN when it has none). */
    void frameWritten(long nanos, double dropCoverage) {
        framesWritten++;
        long last = lastWriteNanos;
        if (last != 0) {
            double interval = nanos - last, mean = writeIntervalNanos;
            writeIntervalNanos = Double.isNaN(mean) ? interval : mean + SMOOTHING * (interval - mean);
        }
        lastWriteNanos = nanos;
        if (!Double.isNaN(dropCoverage)) {
            double mean = lensCoverage;
            lensCoverage = Double.isNaN(mean) ? dropCoverage : mean + SMOOTHING * (dropCoverage - mean);
        }
    }
    void frameDropped(DropReason reason) { dropped.incrementAndGet(reason.ordinal()); }
    void audioWritten() { audioBlocks++; }
    void durable(long frames) { framesDurable = frames; }

    /** Decode, infer and encode, in pipeline order. */
    public List<StageMeter> stages() { return stages; }

    /** From a frame's read (its capture, for a live source) to the end of its encoding. */
    public StageMeter frameLatency() { return frameLatency; }

    /** The same latencies as a histogram, for quantiles; its observer hook feeds Prometheus. */
    public LatencyHistogram latencyHistogram() { return latencyHistogram; }

    public List<QueueView> queues() { return queues; }

    public long framesRead() { return framesRead; }
    public long framesWritten() { return framesWritten; }
    /** Frames read but never written, for {@code reason}. */
    public long framesDropped(DropReason reason) { return dropped.get(reason.ordinal()); }
    /** Frames read but never written, for any reason. */
    public long framesDropped() {
        long sum = 0;
        for (int i = 0; i < dropped.length(); i++) sum += dropped.get(i);
        return sum;
    }
    public long audioBlocks() { return audioBlocks; }
    /** Frames the sink reported durable at its last checkpoint (all written ones once committed). */
    public long framesDurable() { return framesDurable; }

    /** Seconds since the job started, or 0 before. */
    public double elapsedSeconds() {
        long start = startNanos;
        return start == 0 ? 0 : (System.nanoTime() - start) / 1e9;
    }

    /**
     * Output frames per second now: smoothed over about the last 20 frames, and falling while none is written
     * (a stalled camera reads near 0, not its old rate). 0 before two frames.
     */
    public double recentFramesPerSecond() {
        double interval = writeIntervalNanos;
        long last = lastWriteNanos;
        if (Double.isNaN(interval) || last == 0) return 0;
        return 1e9 / Math.max(interval, System.nanoTime() - last);
    }

    /**
     * How much of the lens the raindrop maps call drops, 0..1, smoothed over about the last 20 frames: "how dirty
     * is this lens?". NaN until a frame with a map (a model without attention maps never gives one).
     */
    public double lensCoverage() { return lensCoverage; }

    /** Mean output rate since the job started. */
    public double framesPerSecond() {
        double s = elapsedSeconds();
        return s > 0 ? framesWritten / s : 0;
    }
}
