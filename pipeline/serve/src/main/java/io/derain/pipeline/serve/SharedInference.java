package io.derain.pipeline.serve;

import io.derain.models.SettingsException;
import io.derain.operators.FrameOperator;
import io.derain.operators.frame.VideoFrame;
import io.derain.pipeline.runtime.Deadline;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One operator (one model) shared by many cameras' jobs. Each camera's job gets a {@link CameraInference} as its
 * operator; its inference thread hands in one frame at a time and waits. This class's own inference thread takes
 * the waiting frames of up to {@code batch} cameras of one frame size, oldest first, runs them through the operator
 * together, and hands each camera its frame back. A camera has at most one frame waiting, so a fast camera cannot
 * take a slow one's place in a batch: every waiting camera is in the next batch of its size or the one after.
 *
 * <p>A partial batch waits at most {@code maxWait} for more cameras. A batch the operator fails on is retried frame
 * by frame, so that the failure reaches only the camera whose frame caused it. Owns its thread (closed with it), not
 * the operator (the caller closes it after this).
 */
public final class SharedInference implements AutoCloseable {
    private final FrameOperator operator;
    private final int batch;
    private final long maxWaitNanos;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition arrived = lock.newCondition();
    private final ArrayDeque<Request> waiting = new ArrayDeque<>();
    private final Thread thread;
    private final AtomicLong batches = new AtomicLong();
    private final AtomicLong frames = new AtomicLong();
    private final AtomicLong failures = new AtomicLong();
    private volatile long lastProgressNanos = System.nanoTime();
    private volatile long runningSinceNanos; // 0 while no batch is in the operator
    private volatile boolean closed;

    /**
     * One camera's frame, waiting for its turn and then for its result. Each camera's view keeps one and reuses it
     * (a camera has one frame in flight): nothing is allocated per frame. Fields are guarded by the lock.
     */
    static final class Request {
        VideoFrame frame;
        long arrivedNanos;
        boolean done;
        RuntimeException failure;

        void reset(VideoFrame f) {
            frame = f;
            arrivedNanos = System.nanoTime();
            done = false;
            failure = null;
        }
    }

    /**
     * @param operator the model's operator, used from this class's thread only; not owned
     * @param batch    frames inferred together at most (at least 1, at most the operator's {@code maxBatch()})
     * @param maxWait  how long a partial batch waits for more cameras
     * @param threads  makes the inference thread
     */
    public SharedInference(FrameOperator operator, int batch, Duration maxWait, ThreadFactory threads) {
        this.operator = Objects.requireNonNull(operator, "operator");
        if (batch < 1 || batch > operator.maxBatch()) {
            throw new SettingsException("batch must be between 1 and the operator's " + operator.maxBatch() + ", got " + batch);
        }
        if (maxWait == null || maxWait.isNegative()) throw new SettingsException("max wait must not be negative");
        this.batch = batch;
        this.maxWaitNanos = maxWait.toNanos();
        this.thread = threads.newThread(this::loop);
        thread.setName(thread.getName() + " derain-shared-inference");
        thread.start();
    }

    /** The operator a camera's job uses: frames one at a time into the shared batches. Not owning. */
    public CameraInference forCamera(String camera) {
        return new CameraInference(this, camera);
    }

    /** Runs {@code frame} in the next batch of its size; returns when its pixels hold the result. */
    void infer(Request r, VideoFrame frame) {
        lock.lock();
        try {
            if (closed) throw new IllegalStateException("the shared inference is closed");
            r.reset(frame);
            waiting.add(r);
            arrived.signalAll();
            while (!r.done) {
                if (closed) throw new IllegalStateException("the shared inference closed while a frame waited");
                arrived.await(100, TimeUnit.MILLISECONDS); // re-checks closed: no wait without an end
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            waiting.remove(r);
            throw new IllegalStateException("interrupted while waiting for inference", e);
        } finally {
            lock.unlock();
        }
        if (r.failure != null) throw r.failure;
    }

    void checkFrameSize(int width, int height) {
        operator.checkFrameSize(width, height);
    }

    /**
     * Whether inference is stuck: a batch has been in the operator for longer than {@code limit}, or frames have
     * waited that long while no batch finished. For health checks.
     */
    public boolean stalled(Duration limit) {
        long now = System.nanoTime(), running = runningSinceNanos;
        if (running != 0 && now - running > limit.toNanos()) return true;
        lock.lock();
        try {
            return !waiting.isEmpty() && now - lastProgressNanos > limit.toNanos()
                    && now - waiting.peekFirst().arrivedNanos > limit.toNanos();
        } finally {
            lock.unlock();
        }
    }

    /** Batches run so far. */
    public long batches() { return batches.get(); }

    /** Frames inferred so far (each camera's, all together). */
    public long frames() { return frames.get(); }

    /** Frames whose inference failed (handed back to their camera as the operator's exception). */
    public long failures() { return failures.get(); }

    private void loop() {
        List<Request> taken = new ArrayList<>(batch);
        List<VideoFrame> pixels = new ArrayList<>(batch);
        while (true) {
            lock.lock();
            try {
                if (!awaitBatch()) return;
                take(taken);
            } catch (InterruptedException e) {
                return; // close() interrupts only after setting closed: waiting cameras see it
            } finally {
                lock.unlock();
            }
            run(taken, pixels);
            lock.lock();
            try {
                for (Request r : taken) r.done = true;
                arrived.signalAll();
            } finally {
                lock.unlock();
            }
            taken.clear();
        }
    }

    /** Waits (holding the lock) until a full batch of one size waits or the oldest frame waited maxWait; false once closed. */
    private boolean awaitBatch() throws InterruptedException {
        while (true) {
            if (closed) return false;
            if (!waiting.isEmpty()) {
                long waited = System.nanoTime() - waiting.peekFirst().arrivedNanos;
                if (sameSizeAsOldest() >= batch || waited >= maxWaitNanos) return true;
                arrived.awaitNanos(maxWaitNanos - waited);
            } else {
                arrived.await(100, TimeUnit.MILLISECONDS);
            }
        }
    }

    private int sameSizeAsOldest() {
        VideoFrame oldest = waiting.peekFirst().frame;
        int n = 0;
        for (Request r : waiting) if (r.frame.sameSizeAs(oldest)) n++;
        return n;
    }

    /** Moves up to {@code batch} waiting frames of the oldest one's size, oldest first, into {@code taken}. */
    private void take(List<Request> taken) {
        VideoFrame oldest = waiting.peekFirst().frame;
        for (Iterator<Request> it = waiting.iterator(); it.hasNext() && taken.size() < batch; ) {
            Request r = it.next();
            if (r.frame.sameSizeAs(oldest)) {
                taken.add(r);
                it.remove();
            }
        }
    }

    /** The batch through the operator; on failure each frame alone, so only its own camera sees its failure. */
    private void run(List<Request> taken, List<VideoFrame> pixels) {
        pixels.clear();
        for (Request r : taken) pixels.add(r.frame);
        runningSinceNanos = System.nanoTime();
        try {
            operator.apply(pixels);
        } catch (RuntimeException e) {
            if (taken.size() == 1) {
                fail(taken.get(0), e);
            } else {
                for (Request r : taken) {
                    try {
                        operator.apply(List.of(r.frame));
                    } catch (RuntimeException single) {
                        fail(r, single);
                    }
                }
            }
        }
        runningSinceNanos = 0;
        batches.incrementAndGet();
        frames.addAndGet(taken.size());
        lastProgressNanos = System.nanoTime();
    }

    private void fail(Request r, RuntimeException e) {
        r.failure = e;
        failures.incrementAndGet();
    }

    /** Ends the inference thread (waiting cameras get an error), within 10 s of its current batch. */
    @Override
    public void close() {
        lock.lock();
        try {
            closed = true;
            arrived.signalAll();
        } finally {
            lock.unlock();
        }
        Deadline deadline = Deadline.in(Duration.ofSeconds(10));
        try {
            thread.join(deadline.remainingMillis(1));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
