package io.derain.pipeline.live;

import io.derain.operators.frame.VideoFrame;
import io.derain.pipeline.media.MediaItem;
import io.derain.pipeline.media.VideoItem;
import io.derain.pipeline.source.FramePool;
import io.derain.pipeline.source.FrameSource;
import io.derain.pipeline.source.SourceInfo;
import java.io.IOException;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * A camera that does not wait for us: an RTSP (or SRT, UDP, ...) stream read with deadlines, reconnected
 * with backoff when it fails or stalls, until {@link #wake()} or the reconnect policy gives up.
 *
 * <ul>
 * <li><b>Frames</b> keep the first connection's size (a camera that comes back at another resolution is
 *     scaled to it) and are numbered on across reconnects. Video only: live audio is not carried.
 * <li><b>Time</b>: a frame's timestamp is its capture time on this job's clock (µs since the first frame),
 *     spaced by the stream's own timestamps within a connection and by real elapsed time across a
 *     reconnect: monotonic, so an encoder never sees time go back, and a gap in the feed stays a gap.
 *     The metadata's capture time is the same instant on the wall clock.
 * <li><b>Never hangs</b>: connecting, every read and every backoff wait have deadlines; {@link #wake()}
 *     (any thread) ends a blocked read or wait within about 100 ms, after which {@link #next()} returns null.
 * </ul>
 *
 * <p>Events worth a line in the log (lost, reconnected) go to the {@code events} consumer, from the reading
 * thread.
 */
public final class LiveSource implements FrameSource {
    /** Within one connection, the stream's clock may drift from ours by this much before we re-anchor. */
    private static final long MAX_DRIFT_MICROS = 1_000_000;

    private final CameraSettings settings;
    private final Consumer<String> events;
    private final CameraStats stats = new CameraStats();
    private final FramePool pool = new FramePool();
    private final Random jitter = new Random();
    private final Object wakeSignal = new Object();
    private final SourceInfo info;
    private final long startNanos = System.nanoTime();
    private final long startEpochMicros = System.currentTimeMillis() * 1000;
    private final long frameMicros;
    private volatile StreamDecoder decoder;
    private volatile boolean woken;
    /** Held while a read is in FFmpeg: close() must not free a connection another thread still reads. */
    private final java.util.concurrent.locks.ReentrantLock reading = new java.util.concurrent.locks.ReentrantLock();
    private long index;
    private long lastMicros = -1;
    private long anchorMicros;
    private long anchorPts = Long.MIN_VALUE;
    private String lastFailure = "";

    private LiveSource(CameraSettings settings, StreamDecoder first, Consumer<String> events) {
        this.settings = settings;
        this.events = events;
        this.decoder = first;
        this.info = new SourceInfo(settings.redactedUrl(), first.width(), first.height(), first.frameRate(), -1, null,
                true);
        this.frameMicros = Math.round(1e6 / first.frameRate());
        stats.connected();
    }

    /**
     * Connects to the camera, retrying by the settings' policy (forever by default) until it answers.
     *
     * @param stop made to {@link #wake()}-like effect before a source exists: once it returns true, waiting
     *             ends with {@link Stopped}
     * @throws IOException when the policy gives up, naming the URL and the last reason
     */
    public static LiveSource open(CameraSettings settings, Consumer<String> events, java.util.function.BooleanSupplier stop)
            throws IOException {
        Random random = new Random();
        String reason;
        int attempt = 0;
        while (true) {
            try {
                return new LiveSource(settings, connect(settings, 0, 0, stop), events);
            } catch (IOException e) {
                if (stop.getAsBoolean()) throw new Stopped(settings.redactedUrl());
                reason = e.getMessage();
            }
            attempt++;
            if (!settings.reconnect().allows(attempt)) {
                throw new IOException(reason + (attempt > 1 ? " (gave up after " + attempt + " attempts)" : ""));
            }
            Duration wait = settings.reconnect().delay(attempt, random);
            events.accept(reason + "; retrying in " + millis(wait));
            long until = System.nanoTime() + wait.toNanos();
            while (System.nanoTime() - until < 0) {
                if (stop.getAsBoolean()) throw new Stopped(settings.redactedUrl());
                sleepQuietly(Math.min(50, Math.max(1, (until - System.nanoTime()) / 1_000_000)));
            }
            if (stop.getAsBoolean()) throw new Stopped(settings.redactedUrl());
        }
    }

    /** Thrown by {@link #open} when asked to stop before the camera answered. */
    public static final class Stopped extends io.derain.pipeline.source.SourceStopped {
        Stopped(String url) { super(url + ": stopped before the camera answered"); }
    }

    private static StreamDecoder connect(CameraSettings s, int width, int height, java.util.function.BooleanSupplier stop)
            throws IOException {
        return StreamDecoder.open(s.url(), options(s), s.connectTimeout().toNanos(), s.stallTimeout().toNanos(),
                width, height, stop);
    }

    /** Demuxer options: RTSP over the chosen transport with a socket timeout; little buffering for latency. */
    static Map<String, String> options(CameraSettings s) {
        Map<String, String> o = new HashMap<>();
        String url = s.url().toLowerCase(java.util.Locale.ROOT);
        if (url.startsWith("rtsp://") || url.startsWith("rtsps://")) {
            o.put("rtsp_transport", s.rtspTransport());
            // Socket timeout in µs (FFmpeg 8 has no stimeout), a backstop behind the stall deadline, which
            // comes first so that a silent server is reported as a stall.
            o.put("timeout", Long.toString(2 * s.stallTimeout().toNanos() / 1000));
        }
        o.put("fflags", "nobuffer");
        o.put("analyzeduration", "200000"); // µs of probing: the SDP describes the stream; less backlog to decode at connect
        return o;
    }

    @Override
    public SourceInfo info() { return info; }

    public CameraSettings settings() { return settings; }

    public CameraStats stats() { return stats; }

    @Override
    public MediaItem next() throws IOException {
        reading.lock();
        try {
            return read();
        } finally {
            reading.unlock();
        }
    }

    private MediaItem read() throws IOException {
        while (!woken) {
            StreamDecoder d = decoder;
            if (d == null) {
                reconnect();
                continue;
            }
            try {
                if (d.nextPicture()) return frame(d);
                if (woken) break;
                lose(d, settings.redactedUrl() + ": the server ended the stream", false);
            } catch (StallException e) {
                lose(d, e.getMessage(), true);
            } catch (IOException e) {
                lose(d, e.getMessage(), false);
            }
        }
        return null;
    }

    private VideoItem frame(StreamDecoder d) {
        VideoItem item = pool.acquire(info.width(), info.height());
        VideoFrame frame = item.frame();
        frame.pixels().put(0, d.pixels(), 0, info.height() * frame.stride());
        long micros = captureMicros(d.ptsMicros());
        frame.setTimestampMicros(micros);
        frame.setIndex(index++);
        frame.setLabel(null);
        frame.metadata().clear();
        frame.metadata().setCamera(settings.camera());
        frame.metadata().setCaptureTimeMicros(startEpochMicros + micros);
        return item;
    }

    /**
     * This job's clock for a picture with stream time {@code pts}: our receive time at the first picture of a
     * connection, the stream's spacing after it (steadier than arrival times), re-anchored when they drift
     * apart; never earlier than the previous frame.
     */
    private long captureMicros(long pts) {
        long now = (System.nanoTime() - startNanos) / 1000;
        long t;
        if (pts == Long.MIN_VALUE || anchorPts == Long.MIN_VALUE) {
            t = now;
            if (pts != Long.MIN_VALUE) {
                anchorPts = pts;
                anchorMicros = now;
            }
        } else {
            t = anchorMicros + (pts - anchorPts);
            if (Math.abs(t - now) > MAX_DRIFT_MICROS) {
                anchorPts = pts;
                anchorMicros = now;
                t = now;
            }
        }
        if (lastMicros >= 0 && t <= lastMicros) t = lastMicros + Math.max(1000, frameMicros / 4);
        lastMicros = t;
        return t;
    }

    private void lose(StreamDecoder d, String reason, boolean stall) {
        decoder = null;
        stats.lost(stall);
        d.close();
        lastFailure = reason;
        anchorPts = Long.MIN_VALUE; // the next connection's stream clock starts anew
        events.accept(reason + (stall ? " (stalled)" : "") + "; reconnecting");
    }

    /** Reconnects with backoff; returns with a decoder, or once woken; throws when the policy gives up. */
    private void reconnect() throws IOException {
        long lostAt = System.nanoTime();
        for (int attempt = 1; !woken; attempt++) {
            if (!settings.reconnect().allows(attempt)) {
                throw new IOException(lastFailure + " (gave up after " + (attempt - 1) + " reconnect attempts)");
            }
            if (!pause(settings.reconnect().delay(attempt, jitter))) return;
            try {
                StreamDecoder d = connect(settings, info.width(), info.height(), () -> woken);
                decoder = d;
                if (woken) d.wake(); // a wake that came while connecting
                stats.reconnected();
                events.accept(settings.redactedUrl() + ": reconnected after "
                        + millis(Duration.ofNanos(System.nanoTime() - lostAt)));
                return;
            } catch (IOException e) {
                lastFailure = e.getMessage();
            }
        }
    }

    /** Waits {@code delay} unless woken first; false if woken. */
    private boolean pause(Duration delay) {
        long until = System.nanoTime() + delay.toNanos();
        synchronized (wakeSignal) {
            while (!woken) {
                long left = until - System.nanoTime();
                if (left <= 0) return true;
                try {
                    TimeUnit.NANOSECONDS.timedWait(wakeSignal, left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return false;
                }
            }
        }
        return false;
    }

    @Override
    public void recycle(VideoFrame frame) { pool.release(frame); }

    @Override
    public void expectFramesInFlight(int frames) { pool.expect(frames); }

    @Override
    public void wake() {
        woken = true;
        StreamDecoder d = decoder;
        if (d != null) d.wake();
        synchronized (wakeSignal) {
            wakeSignal.notifyAll();
        }
    }

    /**
     * Wakes a read still going on another thread, waits for it to leave FFmpeg (a woken read returns within
     * about 100 ms), then frees the connection. If it does not leave within a second the connection is left
     * to the process's end rather than freed under it.
     */
    @Override
    public void close() {
        wake();
        boolean idle;
        try {
            idle = reading.tryLock(1, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            idle = false;
        }
        if (!idle) {
            events.accept(settings.redactedUrl() + ": a read did not return after the stop; its connection is left open");
            return;
        }
        try {
            StreamDecoder d = decoder;
            decoder = null;
            if (d != null) d.close();
        } finally {
            reading.unlock();
        }
    }

    private static String millis(Duration d) {
        return String.format(java.util.Locale.ROOT, "%.1f s", d.toMillis() / 1000.0);
    }

    private static void sleepQuietly(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
