package io.derain.pipeline.kafka.audit;

import java.util.Arrays;

/** Median, 99th percentile and worst of a set of latencies, in seconds; {@code count} 0 when none was known. */
public record LatencySummary(int count, double p50, double p99, double max) {
    static LatencySummary of(long[] millis, int n) {
        if (n == 0) return new LatencySummary(0, 0, 0, 0);
        long[] sorted = Arrays.copyOf(millis, n);
        Arrays.sort(sorted);
        return new LatencySummary(n, at(sorted, 0.50), at(sorted, 0.99), sorted[n - 1] / 1000.0);
    }

    private static double at(long[] sorted, double q) {
        return sorted[(int) Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] / 1000.0;
    }
}
