package io.derain.pipeline.live;

import static org.bytedeco.ffmpeg.global.avcodec.av_packet_alloc;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_free;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_unref;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_alloc_context3;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_find_decoder;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_free_context;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_open2;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_parameters_to_context;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_receive_frame;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_send_packet;
import static org.bytedeco.ffmpeg.global.avformat.av_find_best_stream;
import static org.bytedeco.ffmpeg.global.avformat.av_read_frame;
import static org.bytedeco.ffmpeg.global.avformat.avformat_alloc_context;
import static org.bytedeco.ffmpeg.global.avformat.avformat_close_input;
import static org.bytedeco.ffmpeg.global.avformat.avformat_find_stream_info;
import static org.bytedeco.ffmpeg.global.avformat.avformat_open_input;
import static org.bytedeco.ffmpeg.global.avutil.AVERROR_EAGAIN;
import static org.bytedeco.ffmpeg.global.avutil.AVERROR_EOF;
import static org.bytedeco.ffmpeg.global.avutil.AVMEDIA_TYPE_VIDEO;
import static org.bytedeco.ffmpeg.global.avutil.AV_NOPTS_VALUE;
import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_BGR24;
import static org.bytedeco.ffmpeg.global.avutil.av_dict_free;
import static org.bytedeco.ffmpeg.global.avutil.av_dict_set;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_alloc;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_free;
import static org.bytedeco.ffmpeg.global.avutil.av_strerror;
import static org.bytedeco.ffmpeg.global.swscale.sws_freeContext;
import static org.bytedeco.ffmpeg.global.swscale.sws_getCachedContext;
import static org.bytedeco.ffmpeg.global.swscale.sws_scale;

import io.derain.pipeline.source.VideoFileSource;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Map;
import org.bytedeco.ffmpeg.avcodec.AVCodec;
import org.bytedeco.ffmpeg.avcodec.AVCodecContext;
import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.ffmpeg.avformat.AVFormatContext;
import org.bytedeco.ffmpeg.avformat.AVStream;
import org.bytedeco.ffmpeg.avutil.AVDictionary;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.ffmpeg.avutil.AVRational;
import org.bytedeco.ffmpeg.swscale.SwsContext;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.DoublePointer;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.javacpp.PointerPointer;

/**
 * One connection to a live stream, read through FFmpeg's C API rather than JavaCV's grabber because the
 * grabber cannot install an interrupt callback: here every read has a deadline ({@link ReadDeadline}) and
 * can be woken from another thread. Decodes the best video stream to BGR24 at a fixed output size (the first
 * connection's, so that a camera that comes back at another resolution does not change the job's frames).
 *
 * <p>Not thread-safe except {@link #wake()}. Owns every native object it allocates; {@link #close()} frees
 * them. A new connection (a reconnect) is a new decoder.
 */
final class StreamDecoder implements AutoCloseable {
    private final String url;
    private final ReadDeadline deadline;
    private final long stallNanos;
    private AVFormatContext format;
    private AVCodecContext codec;
    private AVPacket packet;
    private AVFrame decoded;
    private SwsContext scaler;
    private BytePointer bgr;
    private ByteBuffer bgrView;
    private final PointerPointer<BytePointer> dstData = new PointerPointer<>(4);
    private final IntPointer dstStride = new IntPointer(4);
    private int stream = -1;
    private int outWidth;
    private int outHeight;
    private double frameRate;
    private AVRational timeBase;
    private long lastPts = AV_NOPTS_VALUE;

    private StreamDecoder(String url, long stallNanos, java.util.function.BooleanSupplier stop) {
        this.url = url;
        this.stallNanos = stallNanos;
        this.deadline = new ReadDeadline(stop);
    }

    /**
     * Connects and probes, giving up after {@code openTimeoutNanos}.
     *
     * @param options  demuxer and protocol options (rtsp_transport, ...)
     * @param width    output width, or 0 for the stream's own
     * @param height   output height, or 0 for the stream's own
     * @param stop     checked like {@link #wake()}: connecting and reading give up once it says so
     * @throws IOException naming the URL and FFmpeg's reason ("Connection refused", "timed out")
     */
    static StreamDecoder open(String url, Map<String, String> options, long openTimeoutNanos, long stallNanos,
                              int width, int height, java.util.function.BooleanSupplier stop) throws IOException {
        StreamDecoder d = new StreamDecoder(url, stallNanos, stop);
        try {
            d.connect(options, openTimeoutNanos, width, height);
            return d;
        } catch (IOException | RuntimeException e) {
            d.close();
            throw e;
        }
    }

    private void connect(Map<String, String> options, long openTimeoutNanos, int width, int height) throws IOException {
        deadline.extendTo(System.nanoTime() + openTimeoutNanos);
        format = avformat_alloc_context();
        format.interrupt_callback().callback(deadline);
        AVDictionary dict = new AVDictionary(null);
        for (var e : options.entrySet()) av_dict_set(dict, e.getKey(), e.getValue(), 0);
        int ret = avformat_open_input(format, url, null, dict);
        av_dict_free(dict);
        if (ret < 0) {
            format = null; // freed by FFmpeg on failure
            throw failure("cannot connect", ret);
        }
        check(avformat_find_stream_info(format, (PointerPointer<?>) null), "cannot read its streams");
        stream = av_find_best_stream(format, AVMEDIA_TYPE_VIDEO, -1, -1, (AVCodec) null, 0);
        if (stream < 0) throw new IOException(url + ": no video stream");
        AVStream st = format.streams(stream);
        AVCodec decoder = avcodec_find_decoder(st.codecpar().codec_id());
        if (decoder == null || decoder.isNull()) throw new IOException(url + ": unsupported video codec");
        codec = avcodec_alloc_context3(decoder);
        check(avcodec_parameters_to_context(codec, st.codecpar()), "cannot set up the decoder");
        // One thread: frame threading holds pictures back until later packets arrive, which adds a frame of
        // latency per thread and hides the last pictures of a stream that stalls. 640×360 decodes in ~2 ms.
        codec.thread_count(1);
        check(avcodec_open2(codec, decoder, (AVDictionary) null), "cannot open the decoder");
        timeBase = st.time_base();
        AVRational rate = st.avg_frame_rate().num() > 0 ? st.avg_frame_rate() : st.r_frame_rate();
        frameRate = rate.den() > 0 && rate.num() > 0 ? (double) rate.num() / rate.den() : 25;
        if (frameRate > 240) frameRate = 25; // RTSP often reports a 90 kHz tick as the rate
        outWidth = width > 0 ? width : codec.width();
        outHeight = height > 0 ? height : codec.height();
        if (outWidth <= 0 || outHeight <= 0) throw new IOException(url + ": the stream has no frame size");
        packet = av_packet_alloc();
        decoded = av_frame_alloc();
        bgr = new BytePointer((long) outWidth * outHeight * 3);
        bgrView = bgr.asByteBuffer();
        dstData.put(0, bgr);
        dstStride.put(0, outWidth * 3);
        deadline.extendTo(System.nanoTime() + stallNanos);
    }

    int width() { return outWidth; }
    int height() { return outHeight; }
    double frameRate() { return frameRate; }

    /**
     * Reads until the next decoded picture and converts it; the BGR pixels are in {@link #pixels()} until the
     * next call. Returns false when the stream ended (the server closed it) or the decoder was woken.
     *
     * @throws StallException when nothing arrived within the stall timeout
     * @throws IOException    for a network or decoding failure (the connection is finished either way)
     */
    boolean nextPicture() throws IOException {
        while (true) {
            int got = avcodec_receive_frame(codec, decoded);
            if (got == 0) {
                convert();
                return true;
            }
            if (got != AVERROR_EAGAIN()) throw failure("cannot decode", got);
            int ret = av_read_frame(format, packet);
            if (ret < 0) {
                if (deadline.woken()) return false;
                if (deadline.expired()) throw new StallException(url + ": nothing received for "
                        + stallNanos / 1_000_000 + " ms");
                if (ret == AVERROR_EOF) return false;
                throw failure("connection lost", ret);
            }
            deadline.extendTo(System.nanoTime() + stallNanos);
            try {
                if (packet.stream_index() == stream) {
                    int sent = avcodec_send_packet(codec, packet);
                    // a corrupt packet is the decoder's to conceal; only a broken decoder ends the connection
                    if (sent < 0 && sent != AVERROR_EAGAIN() && sent != -1094995529 /* AVERROR_INVALIDDATA */) {
                        throw failure("cannot decode", sent);
                    }
                }
            } finally {
                av_packet_unref(packet);
            }
        }
    }

    private void convert() {
        scaler = sws_getCachedContext(scaler, decoded.width(), decoded.height(), decoded.format(), outWidth,
                outHeight, AV_PIX_FMT_BGR24, VideoFileSource.SCALING_FLAGS, null, null, (DoublePointer) null);
        sws_scale(scaler, decoded.data(), decoded.linesize(), 0, decoded.height(), dstData, dstStride);
        long pts = decoded.best_effort_timestamp();
        lastPts = pts;
    }

    /** The last picture, BGR24, {@code width * 3} bytes a row. */
    ByteBuffer pixels() { return bgrView; }

    /** The last picture's presentation time in µs of the stream's clock, or {@code Long.MIN_VALUE} if it had none. */
    long ptsMicros() {
        if (lastPts == AV_NOPTS_VALUE || timeBase == null) return Long.MIN_VALUE;
        return Math.round(lastPts * 1e6 * timeBase.num() / timeBase.den());
    }

    /** Makes a blocked or later read return (false) promptly; any thread. */
    void wake() {
        deadline.wake();
    }

    private void check(int ret, String what) throws IOException {
        if (ret < 0) throw failure(what, ret);
    }

    private IOException failure(String what, int code) {
        if (deadline.expired()) return new StallException(url + ": " + what + ": timed out");
        return new IOException(url + ": " + what + " (" + reason(code) + ")");
    }

    static String reason(int code) {
        try (BytePointer text = new BytePointer(256)) {
            return av_strerror(code, text, text.capacity()) == 0 ? text.limit(0).getString() : "FFmpeg error " + code;
        }
    }

    @Override
    public void close() {
        if (scaler != null) sws_freeContext(scaler);
        if (decoded != null) av_frame_free(decoded);
        if (packet != null) av_packet_free(packet);
        if (codec != null) avcodec_free_context(codec);
        if (format != null) avformat_close_input(format);
        if (bgr != null) bgr.close();
        dstData.close();
        dstStride.close();
        scaler = null;
        decoded = null;
        packet = null;
        codec = null;
        format = null;
        bgr = null;
        deadline.close(); // last: closing the format context may still poll it
    }
}
