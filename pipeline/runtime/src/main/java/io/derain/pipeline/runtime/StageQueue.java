package io.derain.pipeline.runtime;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A bounded hand-off between two stages: the producer blocks while it is full (back-pressure, so memory
 * stays bounded whatever the input's length), the consumer while it is empty; {@link #finish()} marks the
 * end of the stream. When the job fails, {@link JobControl#abort} makes every blocked call give up with
 * {@link JobAborted}, without interrupting threads (an interrupt could close a file channel mid-write).
 *
 * <p>One producer and one consumer. Depth statistics are kept by the producer. A live source's producer
 * never waits: {@link #putDisplacingOldest} makes room by handing back the oldest item.
 */
final class StageQueue<T> implements QueueView {
    /** How often a blocked call looks at the abort flag; only matters when a job fails. */
    private static final long ABORT_CHECK_NANOS = TimeUnit.MILLISECONDS.toNanos(20);
    private static final Object END = new Object();

    private final String name;
    private final ArrayBlockingQueue<Object> queue;
    private final JobControl control;
    private boolean ended;
    private long puts;
    private long depthSum;
    private volatile int maxDepth;

    private final boolean wakeOnStop;

    StageQueue(String name, int capacity, JobControl control) {
        this(name, capacity, control, false);
    }

    /**
     * @param wakeOnStop whether a waiting {@link #take}/{@link #poll} returns null once the job is asked to
     *                   stop (the consumer of a source's items must not wait for a source that was stopped)
     */
    StageQueue(String name, int capacity, JobControl control, boolean wakeOnStop) {
        if (capacity < 1) throw new IllegalArgumentException(name + ": capacity must be at least 1");
        this.name = name;
        this.queue = new ArrayBlockingQueue<>(capacity);
        this.control = control;
        this.wakeOnStop = wakeOnStop;
    }

    /** Hands {@code item} over, waiting for room. */
    void put(T item) {
        offer(item, false);
        counted();
    }

    /**
     * Hands {@code item} over, waiting for room until the job is asked to stop; false if it was not taken
     * (the consumer stopped taking: the caller disposes of the item).
     */
    boolean putUnlessStopped(T item) {
        if (!offer(item, true)) return false;
        counted();
        return true;
    }

    /**
     * Hands {@code item} over without waiting: when full, the oldest waiting item makes room and is returned
     * for the caller to dispose of (null if none had to go). The consumer may take concurrently: then nothing
     * is displaced.
     */
    @SuppressWarnings("unchecked")
    T putDisplacingOldest(T item) {
        T displaced = null;
        while (!queue.offer(item)) {
            Object oldest = queue.poll();
            if (oldest != null && oldest != END) {
                displaced = (T) oldest;
                break;
            }
        }
        if (displaced != null && !queue.offer(item)) {
            throw new IllegalStateException(name + ": a second producer"); // one producer: room was just made
        }
        counted();
        return displaced;
    }

    private void counted() {
        int depth = queue.size();
        puts++;
        depthSum += depth;
        if (depth > maxDepth) maxDepth = depth;
    }

    /** Ends the stream: the consumer's {@link #take} returns null once it has taken everything before. */
    void finish() {
        offer(END, false);
    }

    /** Ends the stream unless the job was asked to stop and the queue stays full (the consumer is gone). */
    void finishUnlessStopped() {
        offer(END, true);
    }

    private boolean offer(Object item, boolean giveUpOnStop) {
        try {
            while (!queue.offer(item, ABORT_CHECK_NANOS, TimeUnit.NANOSECONDS)) {
                control.checkNotAborted();
                if (giveUpOnStop && control.stopRequested()) return false;
            }
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new JobAborted();
        }
    }

    /** The next item, waiting for one; null at the end of the stream (or on a stop, if so built). */
    T take() {
        return poll(Long.MAX_VALUE);
    }

    /**
     * The next item, or null if none arrived by {@code deadlineNanos} ({@link System#nanoTime()}) or the
     * stream ended: tell the two apart with {@link #ended()}.
     */
    @SuppressWarnings("unchecked")
    T poll(long deadlineNanos) {
        if (ended) return null;
        try {
            while (true) {
                long left = deadlineNanos == Long.MAX_VALUE ? ABORT_CHECK_NANOS : deadlineNanos - System.nanoTime();
                if (left <= 0) {
                    Object item = queue.poll();
                    return item == null ? null : unwrap(item);
                }
                Object item = queue.poll(Math.min(left, ABORT_CHECK_NANOS), TimeUnit.NANOSECONDS);
                if (item != null) return (T) unwrap(item);
                control.checkNotAborted();
                if (wakeOnStop && control.stopRequested()) return null;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new JobAborted();
        }
    }

    @SuppressWarnings("unchecked")
    private T unwrap(Object item) {
        if (item == END) {
            ended = true;
            return null;
        }
        return (T) item;
    }

    /** True once {@link #poll} or {@link #take} returned null for the end of the stream. */
    boolean ended() { return ended; }

    /** Removes whatever is left without blocking (after the job, to release it); null when empty. */
    @SuppressWarnings("unchecked")
    T drain() {
        Object item;
        while ((item = queue.poll()) == END) {
            // skip the end marker
        }
        return (T) item;
    }

    @Override public String name() { return name; }
    @Override public int capacity() { return queue.size() + queue.remainingCapacity(); }
    /** Items waiting now; safe from any thread (for gauges). */
    @Override public int depth() { return queue.size(); }
    int maxDepth() { return maxDepth; }
    /** Mean depth seen just after each put: near capacity means the consumer is the bottleneck. */
    double meanDepth() { return puts == 0 ? 0 : (double) depthSum / puts; }
}
