package io.derain.pipeline.live;

import io.derain.models.SettingsException;
import static org.bytedeco.ffmpeg.global.avcodec.AV_CODEC_ID_H264;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_find_encoder_by_name;
import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_BGR24;
import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_YUV420P;

import io.derain.operators.frame.VideoFrame;
import io.derain.pipeline.InputException;
import io.derain.pipeline.runtime.FrameRejectedException;
import io.derain.pipeline.sink.FrameSink;
import io.derain.pipeline.sink.SinkCheckpoint;
import io.derain.pipeline.sink.VideoFileSink;
import io.derain.pipeline.source.SourceInfo;
import io.derain.pipeline.source.MediaPaths;
import io.derain.pipeline.source.VideoFileSource;
import java.io.IOException;
import java.util.Locale;
import java.util.Random;
import java.util.function.Consumer;
import org.bytedeco.ffmpeg.avcodec.AVCodec;
import org.bytedeco.javacv.FFmpegFrameRecorder;
import org.bytedeco.javacv.Frame;
import org.bytedeco.javacv.FrameRecorder;

/**
 * Publishes H.264 to a streaming server: {@code rtsp://} (FFmpeg's RTSP muxer, e.g. into mediamtx), and
 * {@code rtmp://}, {@code srt://}, {@code udp://} with the container each expects. A live stream has
 * nothing to make durable: checkpoints report nothing, commit just ends the stream.
 *
 * <p>When the server goes away, the frames written meanwhile are rejected ({@link FrameRejectedException}:
 * counted, the job goes on) and the connection is retried with backoff; viewers reconnect to the new
 * stream. Video only. Owns its encoder; {@link #close()} releases it.
 */
public final class StreamPublishSink implements FrameSink {
    /** Each network wait of the encoder's protocol, in µs. */
    private static final String IO_TIMEOUT_MICROS = "5000000";
    private final String url;
    private final String redacted;
    private final SourceInfo info;
    private final ReconnectPolicy reconnect;
    private final Consumer<String> events;
    private final Random jitter = new Random();
    private final int width;
    private final int height;
    private final CameraStats stats = new CameraStats();
    private FFmpegFrameRecorder recorder;
    private int failedAttempts;
    private long nextAttemptNanos;
    private String lastFailure = "";

    /** Connects once now: a server that is not there at the start is bad input, not something to wait for. */
    public StreamPublishSink(String url, SourceInfo info, ReconnectPolicy reconnect, Consumer<String> events)
            throws IOException {
        this.url = url;
        this.redacted = CameraSettings.redact(url);
        this.info = info;
        this.reconnect = reconnect;
        this.events = events;
        this.width = info.width() & ~1;
        this.height = info.height() & ~1;
        try {
            this.recorder = start();
        } catch (IOException e) {
            throw new InputException(e.getMessage(), e); // nobody to publish to at the start: exit 2
        }
        stats.connected();
    }

    /**
     * The FFmpeg option that bounds each connect, read and write of the protocol. rtsp, srt, udp and tcp read
     * {@code timeout} as that; rtmp reads it as "listen for an incoming connection this long" (it would wait
     * for a server to call it, days, instead of calling the server), so it and the rest get the generic
     * {@code rw_timeout} of FFmpeg's I/O layer.
     */
    static String ioTimeoutOption(String url) {
        return switch (scheme(url)) {
            case "rtsp", "rtsps", "srt", "udp", "tcp" -> "timeout";
            default -> "rw_timeout";
        };
    }

    private static String scheme(String url) {
        return url.substring(0, Math.max(0, url.indexOf("://"))).toLowerCase(Locale.ROOT);
    }

    /** The container FFmpeg muxes into for a URL's scheme. */
    static String muxer(String url) {
        String scheme = scheme(url);
        return switch (scheme) {
            case "rtsp", "rtsps" -> "rtsp";
            case "rtmp", "rtmps" -> "flv";
            case "srt", "udp", "tcp", "rtp" -> "mpegts";
            default -> throw new SettingsException(url + ": cannot publish to " + scheme + ":// "
                    + "(rtsp, rtsps, rtmp, srt, udp, tcp)");
        };
    }

    private FFmpegFrameRecorder start() throws IOException {
        FFmpegFrameRecorder r = new FFmpegFrameRecorder(url, width, height, 0);
        double fps = info.frameRate() > 0 ? info.frameRate() : 25;
        r.setFormat(muxer(url));
        r.setVideoCodec(AV_CODEC_ID_H264);
        r.setPixelFormat(AV_PIX_FMT_YUV420P);
        r.setFrameRate(fps);
        // A key frame every 10 frames (at most a second): viewers join quickly even when a slow model
        // publishes only a few frames a second.
        r.setGopSize((int) Math.max(1, Math.min(10, Math.round(fps))));
        r.setImageScalingFlags(VideoFileSource.SCALING_FLAGS);
        r.setVideoBitrate((int) Math.max(200_000, Math.min(100_000_000,
                Math.round(width * (double) height * fps * VideoFileSink.DEFAULT_BITS_PER_PIXEL))));
        AVCodec openh264 = avcodec_find_encoder_by_name("libopenh264");
        if (openh264 != null && !openh264.isNull()) {
            r.setVideoCodecName("libopenh264");
            r.setVideoOption("allow_skip_frames", "0");
        }
        if (url.startsWith("rtsp")) r.setOption("rtsp_transport", "tcp");
        r.setOption(ioTimeoutOption(url), IO_TIMEOUT_MICROS); // a server that accepts and then goes silent
        try {
            r.start();
            return r;
        } catch (FrameRecorder.Exception | RuntimeException e) {
            releaseQuietly(r);
            throw new IOException(redacted + ": cannot publish: the server did not take the stream ("
                    + MediaPaths.oneLine(e) + ")", e);
        }
    }

    @Override
    public void write(VideoFrame frame) throws IOException {
        if (recorder == null && !retry()) {
            throw new FrameRejectedException(redacted + ": frame " + frame.index() + " not published: " + lastFailure);
        }
        try {
            if (frame.timestampMicros() > recorder.getTimestamp()) recorder.setTimestamp(frame.timestampMicros());
            recorder.recordImage(width, height, Frame.DEPTH_UBYTE, 3, frame.stride(), AV_PIX_FMT_BGR24, frame.pixels());
        } catch (FrameRecorder.Exception | RuntimeException e) {
            lastFailure = MediaPaths.oneLine(e);
            releaseQuietly(recorder);
            recorder = null;
            stats.lost(false);
            nextAttemptNanos = System.nanoTime() + reconnect.delay(1, jitter).toNanos();
            failedAttempts = 0;
            events.accept(redacted + ": lost the server (" + lastFailure + "); reconnecting");
            throw new FrameRejectedException(redacted + ": frame " + frame.index() + " not published: " + lastFailure, e);
        }
    }

    /** Tries to reconnect when its backoff has passed; gives up by the policy (a failure of the job). */
    private boolean retry() throws IOException {
        if (System.nanoTime() - nextAttemptNanos < 0) return false;
        try {
            recorder = start();
            stats.reconnected();
            failedAttempts = 0;
            events.accept(redacted + ": publishing again");
            return true;
        } catch (IOException e) {
            lastFailure = MediaPaths.oneLine(e);
            failedAttempts++;
            if (!reconnect.allows(failedAttempts)) {
                throw new IOException(lastFailure + " (gave up after " + failedAttempts + " reconnect attempts)", e);
            }
            nextAttemptNanos = System.nanoTime() + reconnect.delay(failedAttempts + 1, jitter).toNanos();
            return false;
        }
    }

    /** Reconnects of the publishing connection, for metrics. */
    public CameraStats stats() { return stats; }

    @Override
    public SinkCheckpoint checkpoint() { return SinkCheckpoint.NONE; }

    @Override
    public void commit() throws IOException {
        if (recorder == null) return;
        try {
            recorder.stop();
        } catch (FrameRecorder.Exception e) {
            throw new IOException(redacted + ": cannot end the stream: " + e.getMessage(), e);
        } finally {
            releaseQuietly(recorder);
            recorder = null;
        }
    }

    @Override
    public void close() {
        if (recorder != null) releaseQuietly(recorder);
        recorder = null;
    }

    private static void releaseQuietly(FFmpegFrameRecorder r) {
        try {
            r.release();
        } catch (FrameRecorder.Exception | RuntimeException ignored) {
            // the connection is gone either way
        }
    }
}
