package io.derain.pipeline.media;

import static org.bytedeco.ffmpeg.global.avutil.AV_LOG_ERROR;
import static org.bytedeco.ffmpeg.global.avutil.AV_LOG_WARNING;
import static org.bytedeco.ffmpeg.global.avutil.av_log_set_level;
import static org.bytedeco.ffmpeg.global.avutil.setLogCallback;

import java.util.concurrent.atomic.AtomicLong;
import org.bytedeco.ffmpeg.avutil.LogCallback;
import org.bytedeco.javacpp.BytePointer;

/**
 * The one place FFmpeg's own log goes. Its error lines (corrupt packets, undecodable macroblocks, a demuxer's
 * "partial file") are the evidence that a file is damaged, so they are counted here, not printed: a decode
 * that ends with errors did not read clean data, whatever the container promised. They reach stderr, with
 * warnings, only when debugging ({@code DERAIN_DEBUG=1}).
 *
 * <p><b>Per reader, not per process.</b> FFmpeg has one log callback per process, so each reader counts its
 * own errors in an {@link Errors} it makes current on its thread while it calls FFmpeg ({@link Errors#enter()});
 * a line logged on a thread with no current {@code Errors} counts only in {@link #unattributed()}. This holds
 * because FFmpeg logs on the thread that called it, which a reader ensures by decoding without FFmpeg's own
 * threads (see {@code VideoFileSource}): two cameras' damage checks never mix.
 */
public final class FfmpegLog {
    private static final ThreadLocal<Errors> CURRENT = new ThreadLocal<>();
    private static final AtomicLong UNATTRIBUTED = new AtomicLong();
    private static final Object LOCK = new Object();
    private static Callback callback; // kept reachable: native code holds only its address

    private FfmpegLog() {}

    /** Routes FFmpeg's log here (idempotent, any thread); {@code DERAIN_DEBUG=1} also prints it. */
    public static void install() {
        synchronized (LOCK) {
            if (callback != null) return;
            boolean debug = "1".equals(System.getenv("DERAIN_DEBUG"));
            callback = new Callback(debug);
            setLogCallback(callback);
            av_log_set_level(debug ? AV_LOG_WARNING : AV_LOG_ERROR);
        }
    }

    /** Error lines logged on threads without a current {@link Errors} (live streams' network code, encoders). */
    public static long unattributed() { return UNATTRIBUTED.get(); }

    /**
     * One reader's FFmpeg errors. Used from the reader's thread: {@code try (var in = errors.enter()) { grab(); }}.
     * Entering allocates nothing (the hot path enters once per frame).
     */
    public static final class Errors implements AutoCloseable {
        private final AtomicLong count = new AtomicLong();
        private volatile String last;
        private Errors outer;

        /** Makes this the current thread's count until {@link #close()}; returns this. */
        public Errors enter() {
            outer = CURRENT.get();
            CURRENT.set(this);
            return this;
        }

        /** Restores what was current before {@link #enter()}. */
        @Override
        public void close() {
            if (outer == null) CURRENT.remove();
            else CURRENT.set(outer);
            outer = null;
        }

        /** Error lines counted so far. */
        public long count() { return count.get(); }

        /** The latest error line, or null. */
        public String last() { return last; }

        private void record(String line) {
            count.incrementAndGet();
            last = line;
        }
    }

    private static final class Callback extends LogCallback {
        private final boolean print;

        Callback(boolean print) { this.print = print; }

        @Override
        public void call(int level, BytePointer message) {
            String line = message == null ? "" : message.getString().strip();
            if (level <= AV_LOG_ERROR) {
                Errors errors = CURRENT.get();
                if (errors != null) errors.record(line);
                else UNATTRIBUTED.incrementAndGet();
            }
            if (print && !line.isEmpty()) System.err.println("ffmpeg: " + line);
        }
    }
}
