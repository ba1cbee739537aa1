package io.derain.pipeline.runtime;

/**
 * Busy time of one stage: how long its own work (decoding, inference, encoding) took and how often it ran,
 * excluding time spent waiting on its queues. Written by the stage's thread only; readable live from any
 * thread (metrics scrapes), so the fields are volatile but never contended.
 */
public final class StageMeter {
    private final String name;
    private volatile long count;
    private volatile long busyNanos;
    private volatile long maxNanos;

    StageMeter(String name) {
        this.name = name;
    }

    /** Records one unit of work that started at {@code startNanos}; returns now, to chain timings. */
    long record(long startNanos) {
        long now = System.nanoTime();
        recordNanos(now - startNanos);
        return now;
    }

    /** Records one unit of work that took {@code took} nanoseconds. */
    void recordNanos(long took) {
        count++; // single writer: no lost updates
        busyNanos += took;
        if (took > maxNanos) maxNanos = took;
    }

    /** Adds work that is not a unit of its own (an encoder's final flush) to the busy time. */
    void addBusy(long startNanos) {
        busyNanos += System.nanoTime() - startNanos;
    }

    public String name() { return name; }
    /** Units of work done: items read, batches inferred, items written. */
    public long count() { return count; }
    public long busyNanos() { return busyNanos; }
    /** The longest single unit of work. */
    public long maxNanos() { return maxNanos; }
}
