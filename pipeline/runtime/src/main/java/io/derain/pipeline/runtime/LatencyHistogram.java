package io.derain.pipeline.runtime;

import java.util.concurrent.atomic.AtomicLongArray;
import java.util.function.LongConsumer;

/**
 * Capture → written latencies of one job, in 1 ms buckets up to 60 s (the rest in one overflow bucket): fine
 * enough for a p99 in the end-of-job summary, allocation-free to record. Prometheus histograms are built by
 * {@code PipelineMetrics} from the observer hook, which sees every sample.
 */
public final class LatencyHistogram {
    private static final int BUCKETS = 60_000;
    private static final long NANOS_PER_BUCKET = 1_000_000;

    private final AtomicLongArray counts = new AtomicLongArray(BUCKETS + 1);
    private volatile long count;
    private volatile double recentNanos = Double.NaN; // smoothed over about the last 20 frames
    private volatile LongConsumer observer = nanos -> {};

    /** Records one latency; called by the encoder only. */
    void record(long nanos) {
        int bucket = (int) Math.min(BUCKETS, Math.max(0, nanos) / NANOS_PER_BUCKET);
        counts.incrementAndGet(bucket);
        count++;
        double recent = recentNanos;
        recentNanos = Double.isNaN(recent) ? nanos : recent + 0.1 * (nanos - recent);
        observer.accept(nanos);
    }

    /** Also hands every sample (nanoseconds) to {@code observer}, from the encoder's thread. Set before the job runs. */
    public void observe(LongConsumer observer) {
        this.observer = observer;
    }

    public long count() { return count; }

    /** Latency now, seconds: smoothed over about the last 20 frames (a chart's line); NaN before the first. */
    public double recentSeconds() { return recentNanos / 1e9; }

    /** The latency below which a share {@code q} (0..1) of the samples lie, in seconds (upper bucket edge); 0 if none. */
    public double quantileSeconds(double q) {
        long total = 0;
        for (int i = 0; i <= BUCKETS; i++) total += counts.get(i);
        if (total == 0) return 0;
        long rank = (long) Math.ceil(q * total);
        long seen = 0;
        for (int i = 0; i <= BUCKETS; i++) {
            seen += counts.get(i);
            if (seen >= rank) return (i + 1) * (double) NANOS_PER_BUCKET / 1e9;
        }
        return (BUCKETS + 1) * (double) NANOS_PER_BUCKET / 1e9;
    }
}
