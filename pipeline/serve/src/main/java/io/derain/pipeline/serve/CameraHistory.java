package io.derain.pipeline.serve;

import io.derain.pipeline.runtime.PipelineStats;

/**
 * A camera's last minutes, one sample a second: frames per second, lens coverage and latency, for the web view's
 * charts. A ring of {@value #SECONDS} samples (ten minutes), preallocated: sampling allocates nothing. Written by
 * serve's one sampling thread, read by HTTP threads (under this object's lock).
 */
public final class CameraHistory {
    public static final int SECONDS = 600;
    private final long[] times = new long[SECONDS];
    private final double[] fps = new double[SECONDS];
    private final double[] coverage = new double[SECONDS];
    private final double[] latency = new double[SECONDS];
    private int next;
    private int size;

    /** Adds a sample of {@code stats} taken at {@code epochMillis}; NaN where nothing is known yet. */
    public synchronized void sample(long epochMillis, PipelineStats stats) {
        times[next] = epochMillis;
        fps[next] = stats == null ? 0 : stats.recentFramesPerSecond();
        coverage[next] = stats == null ? Double.NaN : stats.lensCoverage();
        latency[next] = stats == null ? Double.NaN : stats.latencyHistogram().recentSeconds();
        next = (next + 1) % SECONDS;
        size = Math.min(SECONDS, size + 1);
    }

    /** Samples in time order. */
    public record Series(long[] epochMillis, double[] fps, double[] coverage, double[] latencySeconds) {}

    /** The samples of the last {@code seconds} (at most ten minutes), oldest first. */
    public synchronized Series last(int seconds) {
        int n = Math.min(size, Math.max(0, seconds));
        Series s = new Series(new long[n], new double[n], new double[n], new double[n]);
        for (int i = 0; i < n; i++) {
            int at = Math.floorMod(next - n + i, SECONDS);
            s.epochMillis()[i] = times[at];
            s.fps()[i] = fps[at];
            s.coverage()[i] = coverage[at];
            s.latencySeconds()[i] = latency[at];
        }
        return s;
    }
}
