package io.derain.pipeline.media;

import static org.bytedeco.ffmpeg.global.avutil.AV_LOG_ERROR;
import static org.bytedeco.ffmpeg.global.avutil.AV_LOG_WARNING;
import static org.bytedeco.ffmpeg.global.avutil.av_log_set_level;
import static org.bytedeco.ffmpeg.global.avutil.setLogCallback;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.bytedeco.ffmpeg.avutil.LogCallback;
import org.bytedeco.javacpp.BytePointer;

/**
 * The one place FFmpeg's own log goes. Its error lines (corrupt packets, undecodable macroblocks, a demuxer's
 * "partial file") are the evidence that a file is damaged, so they are counted here, not printed: a decode
 * that ends with more errors than it began with did not read clean data, whatever the container promised.
 * They reach stderr, with warnings, only when debugging ({@code DERAIN_DEBUG=1}). The counter is process-wide
 * (FFmpeg's decoder threads log too), so a job compares {@link #errors()} before and after its own decode.
 */
public final class FfmpegLog {
    private static final AtomicLong ERRORS = new AtomicLong();
    private static final AtomicReference<String> LAST = new AtomicReference<>();
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

    /** FFmpeg error lines in this process so far. */
    public static long errors() { return ERRORS.get(); }

    /** The latest error line, or null. */
    public static String lastError() { return LAST.get(); }

    private static final class Callback extends LogCallback {
        private final boolean print;

        Callback(boolean print) { this.print = print; }

        @Override
        public void call(int level, BytePointer message) {
            String line = message == null ? "" : message.getString().strip();
            if (level <= AV_LOG_ERROR) {
                ERRORS.incrementAndGet();
                LAST.set(line);
            }
            if (print && !line.isEmpty()) System.err.println("ffmpeg: " + line);
        }
    }
}
