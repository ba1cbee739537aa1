package io.derain.pipeline.view;

import io.derain.operators.frame.VideoFrame;
import io.derain.pipeline.source.TappedSource;
import java.nio.ByteBuffer;
import java.time.Duration;

/**
 * What a person watching a running job sees: now and then one frame as it came in, as derained and its raindrop
 * map, captured only while someone watches ({@link #watch()} within the last {@link #WATCH_TIMEOUT}) and at most
 * once per {@code interval}, so an unwatched job pays one volatile read per frame.
 *
 * <p>The input is copied by {@link #inputTap()} on the inference thread as the frame goes into the model (before
 * the operator rewrites it in place: {@link ViewedOperator}); the derained pixels and the map by
 * {@link #output(VideoFrame)} on the encode thread, matched by frame index (a frame rejected on the way leaves its
 * copy, which the next frame discards).
 * Snapshots come from a pool of {@value #POOL}: a reader {@link #acquire()}s the latest and {@link #release}s it;
 * a capture that finds every snapshot in use is skipped. Nothing is allocated once warm; memory is bounded by
 * the pool. Readers are any threads.
 */
public final class LiveView {
    /** A view nobody asked for in this long stops capturing. */
    public static final Duration WATCH_TIMEOUT = Duration.ofSeconds(10);
    private static final int POOL = 3;

    private final long intervalNanos;
    private final TappedSource.Tap tap = this::input; // made once: the operator asks for it per frame
    private final Snapshot[] pool = new Snapshot[POOL];
    private volatile long watchedUntilNanos;
    private volatile Snapshot latest;
    private long version;

    // The inference thread fills the pending input, then publishes its index; the encode thread takes it and sets -1.
    private byte[] pendingInput = new byte[0];
    private int pendingWidth, pendingHeight;
    private volatile long pendingIndex = -1;
    private long lastCaptureNanos;

    /** @param interval least time between two captures (e.g. 200 ms for 5 a second) */
    public LiveView(Duration interval) {
        this.intervalNanos = interval.toNanos();
        for (int i = 0; i < POOL; i++) pool[i] = new Snapshot();
    }

    /** Someone is watching: capture for the next {@link #WATCH_TIMEOUT}. */
    public void watch() {
        watchedUntilNanos = System.nanoTime() + WATCH_TIMEOUT.toNanos();
    }

    /** Sees a frame as it goes into the model (see {@link ViewedOperator}): copies its input when a capture is due. */
    public TappedSource.Tap inputTap() {
        return tap;
    }

    private void input(VideoFrame frame) {
        if (pendingIndex >= 0) return; // one capture at a time
        long now = System.nanoTime();
        if (now - watchedUntilNanos > 0 || now - lastCaptureNanos < intervalNanos) return;
        lastCaptureNanos = now;
        int bytes = frame.height() * frame.stride();
        if (pendingInput.length < bytes) pendingInput = new byte[bytes];
        frame.pixels().get(0, pendingInput, 0, bytes);
        pendingWidth = frame.width();
        pendingHeight = frame.height();
        pendingIndex = frame.index();
    }

    /** The derained frame, as written (encode thread): completes the capture of its input, if one is pending. */
    public void output(VideoFrame frame) {
        long pending = pendingIndex;
        if (pending < 0 || frame.index() < pending) return;
        if (frame.index() > pending || frame.width() != pendingWidth || frame.height() != pendingHeight) {
            pendingIndex = -1; // the captured frame was dropped on the way
            return;
        }
        Snapshot s = free();
        if (s != null) {
            int bytes = frame.height() * frame.stride();
            byte[] input = s.input;
            s.input = pendingInput; // swapped, not copied
            pendingInput = input.length >= bytes ? input : new byte[bytes];
            if (s.derained.length < bytes) s.derained = new byte[bytes];
            frame.pixels().get(0, s.derained, 0, bytes);
            ByteBuffer map = frame.attention();
            s.hasMap = map != null;
            if (map != null) {
                if (s.map.length < map.remaining()) s.map = new byte[map.remaining()];
                map.get(0, s.map, 0, map.remaining());
            }
            s.width = frame.width();
            s.height = frame.height();
            s.index = frame.index();
            s.coverage = frame.metadata().dropCoverage();
            synchronized (this) {
                s.version = ++version;
                latest = s;
                notifyAll();
            }
        }
        pendingIndex = -1;
    }

    /** A pooled snapshot no reader holds and that is not the latest; null if all are in use. */
    private synchronized Snapshot free() {
        for (Snapshot s : pool) if (s.readers == 0 && s != latest) return s;
        return null;
    }

    /** The latest snapshot, held until {@link #release}; null before the first capture. */
    public synchronized Snapshot acquire() {
        Snapshot s = latest;
        if (s != null) s.readers++;
        return s;
    }

    /** Gives back what {@link #acquire()} or {@link #awaitNewer} returned. */
    public synchronized void release(Snapshot s) {
        if (s != null) s.readers--;
    }

    /**
     * Waits until a snapshot newer than {@code version} is published, or {@code timeout} passes, and acquires it.
     *
     * @return the newer snapshot (release it), or null on timeout
     */
    public synchronized Snapshot awaitNewer(long version, Duration timeout) throws InterruptedException {
        long end = System.nanoTime() + timeout.toNanos();
        while (latest == null || latest.version <= version) {
            long left = end - System.nanoTime();
            if (left <= 0) return null;
            wait(Math.max(1, left / 1_000_000));
        }
        latest.readers++;
        return latest;
    }

    /** One captured frame: its input, derained pixels (BGR24, {@code width * 3} a row) and raindrop map. Read it only while acquired. */
    public static final class Snapshot {
        private byte[] input = new byte[0];
        private byte[] derained = new byte[0];
        private byte[] map = new byte[0];
        private boolean hasMap;
        private int width, height;
        private long index;
        private double coverage;
        private long version;
        private int readers; // guarded by the view

        public int width() { return width; }
        public int height() { return height; }
        /** The frame's index in its source. */
        public long index() { return index; }
        /** Increases with every capture of its view. */
        public long version() { return version; }
        /** The frame's drop coverage, 0..1, or NaN without a map. */
        public double coverage() { return coverage; }
        /** BGR24 pixels as the frame came in: {@code height * width * 3} bytes at the start of the array. */
        public byte[] input() { return input; }
        /** BGR24 pixels as derained. */
        public byte[] derained() { return derained; }
        /** One byte a pixel (255 = certainly a drop), or null when the model gave no map. */
        public byte[] map() { return hasMap ? map : null; }
    }
}
