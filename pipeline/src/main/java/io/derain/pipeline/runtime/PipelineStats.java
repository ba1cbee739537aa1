package io.derain.pipeline.runtime;

import java.util.List;

/**
 * A job's counters as it runs, readable from any thread (metrics scrapes, progress). Each counter has one
 * writer, the stage it belongs to, so plain volatile fields suffice and recording allocates nothing.
 */
public final class PipelineStats {
    private final List<StageMeter> stages;
    private final StageMeter frameLatency = new StageMeter("frame");
    private final List<QueueView> queues;
    private volatile long startNanos;
    private volatile long framesRead;
    private volatile long framesWritten;
    private volatile long framesDropped;
    private volatile long audioBlocks;

    PipelineStats(List<StageMeter> stages, List<QueueView> queues) {
        this.stages = List.copyOf(stages);
        this.queues = List.copyOf(queues);
    }

    void started() { startNanos = System.nanoTime(); }
    void frameRead() { framesRead++; }
    void frameWritten() { framesWritten++; }
    void frameDropped() { framesDropped++; }
    void audioWritten() { audioBlocks++; }

    /** Decode, infer and encode, in pipeline order. */
    public List<StageMeter> stages() { return stages; }

    /** From the end of a frame's decoding to the end of its encoding. */
    public StageMeter frameLatency() { return frameLatency; }

    public List<QueueView> queues() { return queues; }

    public long framesRead() { return framesRead; }
    public long framesWritten() { return framesWritten; }
    /** Frames read but never written because the job was stopped before their turn came. */
    public long framesDropped() { return framesDropped; }
    public long audioBlocks() { return audioBlocks; }

    /** Seconds since the job started, or 0 before. */
    public double elapsedSeconds() {
        long start = startNanos;
        return start == 0 ? 0 : (System.nanoTime() - start) / 1e9;
    }

    /** Mean output rate since the job started. */
    public double framesPerSecond() {
        double s = elapsedSeconds();
        return s > 0 ? framesWritten / s : 0;
    }
}
