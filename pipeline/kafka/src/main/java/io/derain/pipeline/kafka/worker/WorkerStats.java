package io.derain.pipeline.kafka.worker;

import java.util.concurrent.atomic.AtomicLong;

/**
 * A {@link FrameWorker}'s counters, safe to read from any thread (a metrics endpoint, a test). Counts of
 * what an aborted transaction sent are not taken back: {@code framesOut} counts sends, the output topic read
 * {@code read_committed} holds only the committed ones.
 */
public final class WorkerStats {
    final AtomicLong recordsIn = new AtomicLong();
    final AtomicLong framesOut = new AtomicLong();
    final AtomicLong deadLettered = new AtomicLong();
    final AtomicLong skipped = new AtomicLong();
    final AtomicLong commits = new AtomicLong();
    final AtomicLong aborts = new AtomicLong();
    final AtomicLong batches = new AtomicLong();
    final AtomicLong batchedFrames = new AtomicLong();
    final AtomicLong largestBatch = new AtomicLong();
    final AtomicLong rewinds = new AtomicLong();
    final AtomicLong retries = new AtomicLong();
    final AtomicLong lag = new AtomicLong(-1);

    /** Records polled (a record polled again after an abort counts again). */
    public long recordsIn() { return recordsIn.get(); }

    /** Derained records sent to the output topic. */
    public long framesOut() { return framesOut.get(); }

    /** Records sent to the dead-letter topic. */
    public long deadLettered() { return deadLettered.get(); }

    /** Records that were not frames, skipped without a dead-letter topic. */
    public long skipped() { return skipped.get(); }

    /** Transactions committed. */
    public long commits() { return commits.get(); }

    /** Transactions aborted. */
    public long aborts() { return aborts.get(); }

    /** Operator batches run. */
    public long batches() { return batches.get(); }

    /** Mean frames per operator batch, or 0 before the first. */
    public double meanBatch() {
        long b = batches.get();
        return b == 0 ? 0 : (double) batchedFrames.get() / b;
    }

    /** The largest operator batch so far. */
    public long largestBatch() { return largestBatch.get(); }

    /** Times the worker went back to its last committed offsets after an abort. */
    public long rewinds() { return rewinds.get(); }

    /** Transaction calls (offsets, commit, abort) that timed out and were made again: the broker was away. */
    public long retries() { return retries.get(); }

    /** Consumer lag: records behind the end of the input, the most over this worker's partitions, sampled each second; -1 before known. */
    public long lag() { return lag.get(); }

    void batch(int frames) {
        batches.incrementAndGet();
        batchedFrames.addAndGet(frames);
        largestBatch.accumulateAndGet(frames, Math::max);
    }

    @Override
    public String toString() {
        return String.format(java.util.Locale.ROOT,
                "%d records in, %d frames out, %d dead-lettered, %d skipped, %d commits, %d aborts, %d retries, %d batches (mean %.1f, max %d), lag %d",
                recordsIn(), framesOut(), deadLettered(), skipped(), commits(), aborts(), retries(), batches(), meanBatch(),
                largestBatch(), lag());
    }
}
