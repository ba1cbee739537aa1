package io.derain.pipeline.metrics;

import io.derain.pipeline.runtime.ProgressListener;
import java.util.ArrayList;
import java.util.List;

/**
 * Watches resident memory over a long job: the baseline once {@code warmupFrames} frames are written (pools,
 * allocator caches and JIT settled), then a sample every {@code sampleEvery} frames. Growth past the
 * baseline is what a leak looks like; a steady state stays flat. Called on the encoder's thread only.
 */
public final class MemorySoak implements ProgressListener {
    /** Resident memory after {@code frames} frames were written. */
    public record Sample(long frames, long rssBytes) {}

    private final long warmupFrames;
    private final long sampleEvery;
    private final List<Sample> samples = new ArrayList<>();
    private long nextSample;

    public MemorySoak(long warmupFrames, long sampleEvery) {
        if (warmupFrames < 1 || sampleEvery < 1) throw new IllegalArgumentException("warm-up and sampling need frames");
        this.warmupFrames = warmupFrames;
        this.sampleEvery = sampleEvery;
        this.nextSample = warmupFrames;
    }

    @Override
    public void progressed(long framesDone) {
        if (framesDone < nextSample) return;
        samples.add(new Sample(framesDone, ProcessMemory.rssBytes()));
        nextSample = (framesDone / sampleEvery + 1) * sampleEvery;
        if (nextSample <= warmupFrames) nextSample = warmupFrames + sampleEvery;
    }

    /** Every sample, the first being the baseline; empty when the job ended before the warm-up did. */
    public List<Sample> samples() { return List.copyOf(samples); }

    /** The last sample's RSS minus the baseline's, or 0 with fewer than two samples. */
    public long growthBytes() {
        return samples.size() < 2 ? 0 : samples.get(samples.size() - 1).rssBytes() - samples.get(0).rssBytes();
    }

    /** The highest sample's RSS minus the baseline's, or 0 with fewer than two samples. */
    public long maxGrowthBytes() {
        if (samples.size() < 2) return 0;
        long base = samples.get(0).rssBytes(), max = base;
        for (Sample s : samples) max = Math.max(max, s.rssBytes());
        return max - base;
    }
}
