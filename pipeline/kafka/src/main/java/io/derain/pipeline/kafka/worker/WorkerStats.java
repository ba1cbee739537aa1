package io.derain.pipeline.kafka.worker;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.common.TopicPartition;

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
    private final Map<String, AtomicLong> framesOutByCamera = new ConcurrentHashMap<>();
    private volatile Map<TopicPartition, Long> lagByPartition = Map.of();
    private volatile Listener listener = new Listener() {};

    /** Cameras counted apart at most; the rest count as {@link #OTHER_CAMERAS} (record keys come from outside). */
    public static final int MAX_CAMERAS = 1000;
    public static final String OTHER_CAMERAS = "other";

    /** Told of what metrics label: a camera's first frame, a new set of partitions, each batch. Called on the worker's thread. */
    public interface Listener {
        default void camera(String id) {}
        default void partitions(Set<TopicPartition> assigned) {}
        default void batch(int frames) {}
    }

    /** Sets the one listener (metrics); before the worker runs. */
    public void listen(Listener l) { listener = l; }

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

    /** Records behind the end of one assigned partition, at the last sample; -1 for a partition not assigned now. */
    public long lag(TopicPartition partition) { return lagByPartition.getOrDefault(partition, -1L); }

    /** Derained records of one camera sent to the output topic (see {@link #MAX_CAMERAS}). */
    public long framesOut(String camera) {
        AtomicLong n = framesOutByCamera.get(camera);
        return n == null ? 0 : n.get();
    }

    /** The cameras counted so far. */
    public Set<String> cameras() { return Set.copyOf(framesOutByCamera.keySet()); }

    void frameOut(String camera) {
        framesOut.incrementAndGet();
        String id = camera == null ? "unknown" : camera;
        AtomicLong n = framesOutByCamera.get(id);
        if (n == null) {
            if (framesOutByCamera.size() >= MAX_CAMERAS) id = OTHER_CAMERAS;
            boolean[] added = {false};
            n = framesOutByCamera.computeIfAbsent(id, k -> {
                added[0] = true;
                return new AtomicLong();
            });
            if (added[0]) listener.camera(id);
        }
        n.incrementAndGet();
    }

    void lags(Map<TopicPartition, Long> byPartition) {
        boolean changed = !byPartition.keySet().equals(lagByPartition.keySet());
        lagByPartition = Map.copyOf(byPartition);
        long max = -1;
        for (long l : byPartition.values()) max = Math.max(max, l);
        lag.set(max);
        if (changed) listener.partitions(byPartition.keySet());
    }

    void batch(int frames) {
        batches.incrementAndGet();
        batchedFrames.addAndGet(frames);
        largestBatch.accumulateAndGet(frames, Math::max);
        listener.batch(frames);
    }

    @Override
    public String toString() {
        return String.format(java.util.Locale.ROOT,
                "%d records in, %d frames out, %d dead-lettered, %d skipped, %d commits, %d aborts, %d retries, %d batches (mean %.1f, max %d), lag %d",
                recordsIn(), framesOut(), deadLettered(), skipped(), commits(), aborts(), retries(), batches(), meanBatch(),
                largestBatch(), lag());
    }
}
